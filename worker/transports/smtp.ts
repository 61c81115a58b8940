import { Email, LogLevel, WorkerMailer, type WorkerMailerOptions } from 'worker-mailer';

export interface SmtpConfig {
  host: string;
  port: number;
  secure?: boolean;
  startTls?: boolean;
  username?: string;
  password?: string;
}

export interface SimpleMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** "Name <addr>" → { name, email } as worker-mailer wants it. */
export function parseAddress(value: string): { name?: string; email: string } {
  const m = value.match(/^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/);
  return m ? { name: m[1] || undefined, email: m[2]!.trim() } : { email: value.trim() };
}

function mailerOptions(cfg: SmtpConfig): WorkerMailerOptions {
  return {
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure ?? false,
    startTls: cfg.startTls ?? false,
    // worker-mailer offers no AUTH mechanism unless told which (its default list is empty).
    ...(cfg.username ? { credentials: { username: cfg.username, password: cfg.password ?? '' }, authType: ['plain', 'login'] } : {}),
    logLevel: LogLevel.WARN,
    socketTimeoutMs: 10_000,
    responseTimeoutMs: 10_000,
  };
}

/** One message over one connection: the platform's own mail (verification, resets, invitations). */
export async function sendSimpleSmtp(cfg: SmtpConfig, msg: SimpleMessage): Promise<void> {
  await WorkerMailer.send(mailerOptions(cfg), {
    from: parseAddress(msg.from),
    to: parseAddress(msg.to),
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    headers: msg.headers,
  });
}

/** A prepared message and its SMTP envelope (which may differ from the From and To headers). */
export interface RawEnvelope {
  from: string;
  to: string[];
  /** The complete RFC 5322 message with CRLF line endings, e.g. build-message's DKIM-signed `raw`. */
  raw: string;
}

export interface SmtpSession {
  send(envelope: RawEnvelope): Promise<void>;
  close(): Promise<void>;
}

/**
 * worker-mailer 1.2.1 only sends messages it builds itself (its own MIME, which would carry no DKIM
 * signature). Its connection, STARTTLS, AUTH, MAIL/RCPT/DATA and RSET handling is what we want, so a
 * prepared message rides on it: an `Email` whose `getEmailData()` (the DATA payload, which the
 * library's own version renders, dot-stuffs and terminates) returns the message byte for byte, placed
 * on the mailer's send queue. That queue and the `active` flag are private only in the type
 * declarations; `internalsOf` checks at run time that they are still there, and the SMTP tests fail
 * if the library's internals change.
 */
class PreparedEmail extends Email {
  readonly #data: string;

  constructor(envelope: RawEnvelope) {
    // The fields worker-mailer reads for the envelope (MAIL FROM, RCPT TO); subject and text are never rendered.
    super({ from: { email: envelope.from }, to: envelope.to.map((email) => ({ email })), subject: '', text: ' ' });
    this.#data = dataPayload(envelope.raw);
  }

  override getEmailData(): string {
    return this.#data;
  }
}

/**
 * RFC 5321 §4.5.2 dot-stuffing and the `<CRLF>.<CRLF>` terminator. A bare CR or LF is refused rather
 * than sent: servers that read it as a line end are how SMTP smuggling injects a second message.
 */
export function dataPayload(raw: string): string {
  if (/\r(?!\n)|(?<!\r)\n/.test(raw)) throw new Error('message has a bare CR or LF; line endings must be CRLF');
  const message = raw.endsWith('\r\n') ? raw : `${raw}\r\n`;
  return `${message.startsWith('.') ? '.' : ''}${message.replace(/\r\n\./g, '\r\n..')}.\r\n`;
}

interface MailerInternals {
  emailToBeSent: { enqueue(email: Email): void };
  /** False once the mailer has closed; a message queued after that would wait forever. */
  active: boolean;
  /** The socket's reader, replaced once after STARTTLS and fixed from then on. */
  reader: ReadableStreamDefaultReader<Uint8Array>;
}

function internalsOf(mailer: WorkerMailer): MailerInternals {
  const m = mailer as unknown as Partial<MailerInternals>;
  if (typeof m.emailToBeSent?.enqueue !== 'function' || typeof m.active !== 'boolean' || typeof m.reader?.read !== 'function') {
    throw new Error('worker-mailer internals changed: cannot queue a prepared message');
  }
  return m as MailerInternals;
}

/**
 * worker-mailer's reply loop skips empty reads, and end-of-stream reads as empty: once the server
 * closes the connection (after a 421, an idle timeout) the next read spins forever and blocks the
 * isolate. Here the end of the stream is an error instead, which fails the pending send and closes
 * the mailer.
 */
function failOnClosedConnection(internals: MailerInternals) {
  const { reader } = internals;
  const read = reader.read.bind(reader);
  reader.read = async () => {
    const chunk = await read();
    if (chunk.done) throw new Error('SMTP connection closed by the server');
    return chunk;
  };
}

/**
 * One connection for many prepared messages (a send batch): messages go out in order over the same
 * session; a message the server refuses rejects its own `send` and the session carries on (RSET).
 */
export async function openSmtpSession(cfg: SmtpConfig): Promise<SmtpSession> {
  const mailer = await WorkerMailer.connect(mailerOptions(cfg));
  const internals = internalsOf(mailer);
  failOnClosedConnection(internals);
  return {
    async send(envelope) {
      if (!internals.active) throw new Error('SMTP session is closed');
      const email = new PreparedEmail(envelope);
      internals.emailToBeSent.enqueue(email);
      return email.sent;
    },
    close: () => mailer.close(),
  };
}

/** One prepared message over its own connection. */
export async function sendRawSmtp(cfg: SmtpConfig, envelope: RawEnvelope): Promise<void> {
  const session = await openSmtpSession(cfg);
  try {
    await session.send(envelope);
  } finally {
    await session.close();
  }
}
