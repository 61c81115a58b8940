import { SMTPServer } from 'smtp-server';
import { createServer, type AddressInfo } from 'node:net';

/** An SMTP reply the fake servers give: smtp-server sends `responseCode` and the message. */
const reply = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * Recipients the relay refuses, by local part: how the SMTP transport's error mapping is tested
 * against a real SMTP conversation.
 */
export const REFUSING_RECIPIENTS = {
  tempfail: reply(451, '4.3.0 Temporary local problem, try again later'),
  mailboxfull: reply(452, '4.2.2 Mailbox full'),
  nosuchuser: reply(550, '5.1.1 No such user here'),
  closing: reply(421, '4.7.0 Too many errors, closing connection'),
} as const;

/** AUTH answers of the authenticating server, by user name; any other user gets 535. */
export const SMTP_USERS = { good: { username: 'edgepost', password: 'right-password' }, busyUsername: 'busy' } as const;

function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));
}

const drain = (stream: NodeJS.ReadableStream, done: () => void) => {
  stream.on('data', () => {});
  stream.on('end', done);
};

/**
 * Two fake SMTP servers for the workerd tests of the SMTP transport: a relay without AUTH that
 * refuses some recipients, and a server that requires AUTH; and a port where nothing listens.
 * Started once by global-setup.ts.
 */
export async function startFakeSmtp() {
  const relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const local = address.address.split('@')[0] as keyof typeof REFUSING_RECIPIENTS;
      callback(REFUSING_RECIPIENTS[local] ?? null);
    },
    onData: (stream, _session, callback) => drain(stream, () => callback()),
  });
  const auth = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(credentials, _session, callback) {
      if (credentials.username === SMTP_USERS.good.username && credentials.password === SMTP_USERS.good.password) return callback(null, { user: credentials.username });
      if (credentials.username === SMTP_USERS.busyUsername) return callback(reply(454, '4.7.0 Temporary authentication failure'));
      return callback(reply(535, '5.7.8 Authentication credentials invalid'));
    },
    onData: (stream, _session, callback) => drain(stream, () => callback()),
  });
  // A port that was just free and is closed again: nothing answers there.
  const closed = createServer();
  const refused = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)));
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const ports = { relay: await listen(relay), auth: await listen(auth), refused };
  return {
    ports,
    close: () => Promise.all([relay, auth].map((s) => new Promise<void>((resolve) => s.close(() => resolve())))),
  };
}
