import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** What the relay does with one message once its data has arrived (or, for `drop`, as it starts). */
export type DataReply = 'accept' | 'tempfail' | 'drop' | 'hold';

/** An SMTP reply: smtp-server answers with `responseCode` and the message. */
const reply = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * A platform relay that misbehaves on cue, in the test process. It advertises no AUTH (worker-mailer
 * fails when AUTH is offered and it has no credentials) and keeps, per recipient, how many messages
 * it took responsibility for: a message counts only once the relay answers 250 to its data
 * (RFC 5321 §4.1.1.4), so a message whose connection is dropped before the reply does not count.
 *
 * - `refuseConnections(n)`: the next n connections get 421 instead of the greeting;
 * - `refuseRecipients`: addresses refused at RCPT TO with 550 5.1.1 (a hard bounce);
 * - `dataReply(recipient, attempt)`: per message, accept (250), 451, drop the connection mid-DATA,
 *   or hold the reply until `dropHeld()` closes those connections without answering.
 */
export async function startFaultySmtpRelay() {
  const accepted = new Map<string, number>();
  const dataAttempts = new Map<string, number>();
  const refuseRecipients = new Set<string>();
  const held = new Set<string>();
  let refuseNext = 0;
  let refused = 0;

  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onConnect(_session, callback) {
      if (refuseNext <= 0) return callback();
      refuseNext--;
      refused++;
      callback(reply(421, '4.3.2 Service not available, closing transmission channel'));
    },
    onRcptTo(address, _session, callback) {
      callback(refuseRecipients.has(address.address.toLowerCase()) ? reply(550, '5.1.1 No such user here') : null);
    },
    onData(stream, session, callback) {
      // worker-mailer sends one recipient per transaction (Edgepost mails each contact on its own).
      const recipient = session.envelope.rcptTo[0]!.address.toLowerCase();
      const attempt = (dataAttempts.get(recipient) ?? 0) + 1;
      dataAttempts.set(recipient, attempt);
      const what = relay.dataReply(recipient, attempt);
      if (what === 'drop') {
        stream.resume();
        return closeConnection(session);
      }
      stream.on('data', () => {});
      stream.on('end', () => {
        if (what === 'hold') return void held.add(session.id);
        if (what === 'tempfail') return callback(reply(451, '4.3.0 Temporary local problem, try again later'));
        accepted.set(recipient, (accepted.get(recipient) ?? 0) + 1);
        callback();
      });
    },
  });
  // A client that disappears (a crashed worker) resets its sockets: not an error of the relay.
  server.on('error', () => {});

  /** Ends the connection without a reply (no 250, no 4xx): the sender cannot know whether the message arrived. */
  function closeConnection(session: SMTPServerSession) {
    for (const connection of server.connections) if (connection.session.id === session.id) connection.close();
  }

  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));

  const relay = {
    port,
    /** Accepted messages per recipient (lower-cased address). */
    accepted,
    /** DATA transactions per recipient, whatever their outcome. */
    dataAttempts,
    refuseRecipients,
    dataReply: (_recipient: string, _attempt: number): DataReply => 'accept',
    refuseConnections(n: number) {
      refuseNext = n;
    },
    /** Connections refused with 421 so far. */
    get refused() {
      return refused;
    },
    get heldCount() {
      return held.size;
    },
    /** Closes every connection whose data reply is being held, without answering. */
    dropHeld() {
      for (const connection of server.connections) if (held.has(connection.session.id)) connection.close();
      held.clear();
    },
    /** Accepted messages addressed to any of `recipients`. */
    acceptedAmong(recipients: Iterable<string>) {
      let n = 0;
      for (const r of recipients) n += accepted.get(r.toLowerCase()) ?? 0;
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection.close();
        server.close(() => resolve());
      }),
  };
  return relay;
}

export type FaultySmtpRelay = Awaited<ReturnType<typeof startFaultySmtpRelay>>;

