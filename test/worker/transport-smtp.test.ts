import { describe, expect, inject, it } from 'vitest';
import { smtpFailure, smtpTransport } from '../../worker/transports/smtp-transport';
import { TransportError, type OutboundMessage, type TransportSession } from '../../worker/transports/transport';
import { REFUSING_RECIPIENTS, SMTP_USERS } from './fake-smtp';

const ports = inject('fakeSmtpPorts');
const relay = () => smtpTransport({ host: '127.0.0.1', port: ports.relay });
/** One session on the relay for the whole test, closed however the test ends. */
async function onRelay(test: (session: TransportSession) => Promise<void>) {
  const session = await relay().open();
  try {
    await test(session);
  } finally {
    await session.close();
  }
}
const authenticating = (username: string, password: string) => smtpTransport({ host: '127.0.0.1', port: ports.auth, username, password });

function message(to: string): OutboundMessage {
  const raw = ['From: news@acme.test', `To: ${to}`, 'Subject: hi', 'Message-ID: <msg_smtp1@acme.test>', '', 'Hello', ''].join('\r\n');
  return {
    id: 'msg_smtp1',
    envelopeFrom: 'bounces@acme.test',
    from: { email: 'news@acme.test' },
    to: [to],
    subject: 'hi',
    html: '<p>Hello</p>',
    text: 'Hello',
    headers: { 'Message-ID': '<msg_smtp1@acme.test>' },
    raw,
    stream: 'marketing',
  };
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(TransportError);
      return e as TransportError;
    },
  );

describe('SMTP transport: what the server answers becomes the right TransportError', () => {
  it('delivers, and names the message by its Message-ID (worker-mailer does not expose the queue id)', () =>
    onRelay(async (session) => {
      expect(await session.send(message('ann@example.com'))).toEqual({ externalId: '<msg_smtp1@acme.test>' });
    }));

  it('a 4xx to RCPT is temporary, a 5xx permanent, each for that message only: the session carries on', () =>
    onRelay(async (session) => {
      const temp = await failureOf(session.send(message('tempfail@example.com')));
      expect(temp).toMatchObject({ kind: 'temporary', opts: { code: 451, scope: 'message' } });
      expect(temp.message).toBe(`SMTP 451 ${REFUSING_RECIPIENTS.tempfail.message}`);
      expect(await failureOf(session.send(message('mailboxfull@example.com')))).toMatchObject({ kind: 'temporary', opts: { code: 452, scope: 'message' } });
      const perm = await failureOf(session.send(message('nosuchuser@example.com')));
      expect(perm).toMatchObject({ kind: 'permanent', opts: { code: 550, scope: 'message' } });
      expect(perm.message).not.toContain('nosuchuser@example.com');
      expect(await session.send(message('bob@example.com'))).toEqual({ externalId: '<msg_smtp1@acme.test>' });
    }));

  it('a 421 ends the session: temporary, scope connection, and later sends on it fail at once', () =>
    onRelay(async (session) => {
      const closing = await failureOf(session.send(message('closing@example.com')));
      expect(closing).toMatchObject({ kind: 'temporary', opts: { code: 421, scope: 'connection' } });
      expect(await failureOf(session.send(message('ann@example.com')))).toBe(closing);
    }));

  it('logs in with the right credentials; wrong ones are a permanent connection failure, a 454 a temporary one', async () => {
    const { username, password } = SMTP_USERS.good;
    expect(await authenticating(username, password).test()).toEqual({ ok: true, detail: `Connected to 127.0.0.1:${ports.auth} (no TLS), authenticated as ${username}` });
    expect(await failureOf(authenticating(username, 'wrong').open())).toMatchObject({ kind: 'permanent', opts: { code: 535, scope: 'connection' } });
    expect(await failureOf(authenticating(SMTP_USERS.busyUsername, 'x').test())).toMatchObject({ kind: 'temporary', opts: { code: 454, scope: 'connection' } });
  });

  it('a server that asks for AUTH when no credentials are configured is a permanent connection failure', async () => {
    const error = await failureOf(smtpTransport({ host: '127.0.0.1', port: ports.auth }).open());
    expect(error).toMatchObject({ kind: 'permanent', opts: { scope: 'connection' } });
  });

  it('a server nobody answers on is a temporary connection failure', async () => {
    expect(await failureOf(smtpTransport({ host: '127.0.0.1', port: ports.refused }).open())).toMatchObject({ kind: 'temporary', opts: { scope: 'connection' } });
  });
});

describe('reading worker-mailer’s errors', () => {
  it.each([
    ['Invalid MAIL FROM: <a.550-b@x.test> 451 4.7.1 Greylisted', 'temporary', 451, 'message'],
    ['Failed send email body: 552 5.3.4 Message too big', 'permanent', 552, 'message'],
    ['Failed to connect to SMTP server: 554 5.7.1 Go away', 'permanent', 554, 'connection'],
    ['Failed to EHLO. 421 4.3.2 Shutting down', 'temporary', 421, 'connection'],
    ['Timeout while waiting for smtp server response', 'temporary', undefined, 'connection'],
    ['No supported auth method found.', 'permanent', 'auth', 'connection'],
  ] as const)('%s', (text, kind, code, scope) => {
    const error = smtpFailure(new Error(text));
    expect(error).toMatchObject({ kind, opts: { scope } });
    expect(error.opts.code).toBe(code);
  });
});
