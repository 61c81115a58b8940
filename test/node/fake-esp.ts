import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { OutboundMessage } from '../../worker/transports/transport';

export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

const listen = (server: ReturnType<typeof createServer>) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/**
 * A stand-in for an ESP's HTTP API on a random loopback port: it records every request and answers
 * with whatever the test set up (200 `{}` by default).
 */
export async function startFakeEsp() {
  const requests: ReceivedRequest[] = [];
  let responder: (req: ReceivedRequest) => FakeReply = () => ({ body: {} });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(received);
      const reply = responder(received);
      const isJson = reply.body !== undefined && typeof reply.body !== 'string';
      res.writeHead(reply.status ?? 200, { ...(isJson ? { 'content-type': 'application/json' } : {}), ...reply.headers });
      res.end(reply.body === undefined ? '' : isJson ? JSON.stringify(reply.body) : (reply.body as string));
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    last: () => requests.at(-1)!,
    /** The JSON body of the last request. */
    lastJson: () => JSON.parse(requests.at(-1)!.body.toString('utf8')),
    reply(fn: (req: ReceivedRequest) => FakeReply) {
      responder = fn;
    },
    reset() {
      requests.length = 0;
      responder = () => ({ body: {} });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeEsp = Awaited<ReturnType<typeof startFakeEsp>>;

/** A fake ESP for the surrounding describe block, reset before each test; call the result to reach it. */
export function useFakeEsp(): () => FakeEsp {
  let esp: FakeEsp | undefined;
  beforeAll(async () => {
    esp = await startFakeEsp();
  });
  afterAll(() => esp?.close());
  beforeEach(() => esp?.reset());
  return () => esp!;
}

/** An origin nothing listens on: connecting is refused at once. */
export async function refusedOrigin(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * One message as the send consumer hands it over: 8-bit UTF-8 in the body (so a transport that
 * mangles bytes shows) and a line starting with a dot.
 */
/** A small PDF as the transactional API stores and hands it to transports. */
export const ATTACHMENT = { filename: 'receipt.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 receipt').toString('base64') };

export function outboundMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  const headers = {
    'Message-ID': '<msg_01testmessage@acme.test>',
    'List-Unsubscribe': '<https://api.edgepost.test/t/u/tok123>, <mailto:unsubscribe@mail.edgepost.test?subject=unsubscribe%20tok123>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': 'Acme <acme.list-id.mail.edgepost.test>',
    'Feedback-ID': 'cmp_1:ten_1:campaign:edgepost',
  };
  const raw = [
    'DKIM-Signature: v=1; a=rsa-sha256; d=acme.test; s=ep1; h=from:to:subject; bh=abc=; b=def=',
    'From: "Acme Cafe" <news@acme.test>',
    'To: zoe@example.com',
    'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus Köln 🌸',
    '.a line starting with a dot',
    '',
  ].join('\r\n');
  return {
    id: 'msg_01testmessage',
    envelopeFrom: 'bounces+msg_01testmessage@bounces.acme.test',
    from: { name: 'Acme "Café"', email: 'news@acme.test' },
    to: ['zoe@example.com'],
    replyTo: 'help@acme.test',
    subject: 'Grüße',
    html: '<p>Grüße aus Köln 🌸</p>',
    text: 'Grüße aus Köln 🌸',
    headers,
    raw,
    stream: 'marketing',
    ...overrides,
  };
}
