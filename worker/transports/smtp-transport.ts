import { openSmtpSession, type SmtpConfig } from './smtp';
import { TransportError, envelopeRecipients, type OutboundMessage, type Transport } from './transport';

/**
 * The first SMTP reply quoted in a worker-mailer error ("Invalid RCPT TO: <a@b> 550 5.1.1 No such
 * user"). Addresses are cut first so digits inside one are never read as a reply code.
 */
export function smtpReply(errorMessage: string): { code: number; text: string } | null {
  const m = errorMessage.replace(/<[^>]*>/g, '').match(/(?:^|[\s:.])([2-5]\d\d)(?=[ -]|$)([^\r\n]*)/m);
  return m ? { code: Number(m[1]), text: `${m[1]}${m[2]}`.trim() } : null;
}

/** worker-mailer's wording for a refused or impossible AUTH. */
const AUTH_FAILURE = /authentication|invalid login|no supported auth method/i;
/** worker-mailer's wording for a refusal before any message: greeting, EHLO/HELO, STARTTLS. */
const SESSION_REFUSED = /^(failed to connect to smtp server|failed to ehlo|failed to helo|failed to start tls)/i;

/**
 * worker-mailer rejects with plain Errors whose message quotes the server's reply. 4xx → temporary,
 * 5xx → permanent, for this message. The session is unusable (scope 'connection') after a 421,
 * a refusal before MAIL FROM, a timeout or a dropped socket (temporary), and after failed AUTH
 * (permanent: the credentials are wrong; a 454 is the server's temporary trouble).
 */
export function smtpFailure(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const reply = smtpReply(raw);
  const said = reply ? `SMTP ${reply.text}` : `SMTP: ${raw}`;
  const kindOf = (code: number | undefined) => (code !== undefined && code >= 500 ? 'permanent' : 'temporary');
  if (AUTH_FAILURE.test(raw)) {
    return new TransportError(said, reply && reply.code < 500 ? 'temporary' : 'permanent', { code: reply?.code ?? 'auth', scope: 'connection' });
  }
  if (!reply || reply.code < 400 || reply.code === 421 || SESSION_REFUSED.test(raw)) {
    return new TransportError(said, kindOf(reply?.code), { ...(reply ? { code: reply.code } : {}), scope: 'connection' });
  }
  return new TransportError(said, kindOf(reply.code), { code: reply.code, scope: 'message' });
}

/**
 * worker-mailer does not expose the 250 reply to DATA, so the queue id is out of reach: the message's
 * own Message-ID stands for it (bounces and replies quote it).
 */
function messageIdOf(message: OutboundMessage): string {
  return Object.entries(message.headers).find(([name]) => name.toLowerCase() === 'message-id')?.[1] ?? message.id;
}

const securityOf = (cfg: SmtpConfig) => (cfg.secure ? 'TLS' : cfg.startTls ? 'STARTTLS' : 'no TLS');

/** SMTP with Edgepost's own signed MIME (smtp.ts), one connection per session. */
export function smtpTransport(cfg: SmtpConfig): Transport {
  const connect = () => openSmtpSession(cfg).catch((err: unknown) => Promise.reject(smtpFailure(err)));
  return {
    kind: 'smtp',
    async open() {
      const session = await connect();
      // After a connection-level failure every later send would wait on a dead socket: fail it at once.
      let broken: TransportError | null = null;
      return {
        async send(message) {
          if (broken) throw broken;
          try {
            await session.send({ from: message.envelopeFrom, to: envelopeRecipients(message), raw: message.raw });
          } catch (err) {
            const failure = smtpFailure(err);
            if (failure.opts.scope === 'connection') broken = failure;
            throw failure;
          }
          return { externalId: messageIdOf(message) };
        },
        close: () => session.close().catch(() => {}),
      };
    },
    async test() {
      const session = await connect();
      await session.close().catch(() => {});
      const who = cfg.username ? `authenticated as ${cfg.username}` : 'without authentication';
      return { ok: true, detail: `Connected to ${cfg.host}:${cfg.port} (${securityOf(cfg)}), ${who}` };
    },
  };
}
