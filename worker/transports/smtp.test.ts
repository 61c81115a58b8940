import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../lib/encoding';
import { buildMessage, type BuildMessageInput } from '../mail/build-message';
import { importDkimPrivateKey } from '../mail/dkim';
import { dataPayload, openSmtpSession, sendRawSmtp, type SmtpConfig } from './smtp';

const smtp: SmtpConfig = { host: '127.0.0.1', port: Number(env.SMTP_PORT) };
let privateKey: CryptoKey;

beforeAll(async () => {
  // The key goes through importDkimPrivateKey as bare base64 PKCS#8, the form stored keys take.
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const pkcs8 = (await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer;
  privateKey = await importDkimPrivateKey(toBase64(new Uint8Array(pkcs8)));
});

let seq = 0;
async function signedMessage(to: string, text: string): Promise<string> {
  const input: BuildMessageInput = {
    messageId: `msg_smtp${Date.now().toString(36)}${++seq}`,
    tenant: { id: 'ten_smtp', name: 'Acme Café', slug: 'acme', postalAddress: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' } },
    contact: { id: 'con_smtp', email: to, name: 'Zoë Recipient' },
    from: { name: 'Acme Café', email: 'news@acme.test' },
    subject: `Raw SMTP 🌸 ${seq}`,
    html: '<p>Hello <a href="https://shop.example.com/">shop</a></p>',
    text,
    tracking: { opens: true, clicks: true },
    baseUrl: 'https://api.edgepost.test',
    signingKeys: env.TOKEN_SIGNING_KEYS,
    dkim: { domain: 'acme.test', selector: 'ep1', privateKey },
    platformDomain: 'edgepost.test',
  };
  return (await buildMessage(input)).raw;
}

interface SinkMessage {
  id: string;
  to: { address: string }[];
}

/** The message exactly as maildev stored it from the DATA stream. */
async function receivedSource(to: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const list = (await (await fetch(`${env.MAILDEV_URL}/api/email`)).json()) as SinkMessage[];
    const found = list.find((m) => m.to.some((t) => t.address === to));
    if (found) return (await fetch(`${env.MAILDEV_URL}/api/email/${found.id}/source`)).text();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no message to ${to}`);
}

const recipient = (label: string) => `${label}-${Date.now().toString(36)}-${++seq}@example.com`;

describe('raw SMTP sending', () => {
  it('delivers a DKIM-signed message byte for byte, including lines that start with a dot', async () => {
    const to = recipient('raw');
    // A lone "." line would end the DATA phase early if it were not dot-stuffed.
    const raw = await signedMessage(to, 'Line one\n.\n.leading dot\n..two dots');
    expect(raw).toMatch(/\r\n\.\r\n/);
    await sendRawSmtp(smtp, { from: 'bounces@acme.test', to: [to], raw });
    expect(await receivedSource(to)).toBe(raw);
  });

  it('sends many messages over one session, each to its own envelope recipient', async () => {
    const recipients = [recipient('batch'), recipient('batch'), recipient('batch')];
    const raws = await Promise.all(recipients.map((to) => signedMessage(to, `For ${to}`)));
    const session = await openSmtpSession(smtp);
    try {
      await Promise.all(recipients.map((to, i) => session.send({ from: 'bounces@acme.test', to: [to], raw: raws[i]! })));
    } finally {
      await session.close();
    }
    for (const [i, to] of recipients.entries()) expect(await receivedSource(to)).toBe(raws[i]);
  });

  it('refuses to send after the session is closed instead of waiting forever', async () => {
    const session = await openSmtpSession(smtp);
    await session.close();
    await expect(session.send({ from: 'a@acme.test', to: ['b@example.com'], raw: 'Subject: x\r\n\r\nx\r\n' })).rejects.toThrow(/closed/);
  });
});

describe('the DATA payload', () => {
  it('dot-stuffs every line that starts with a dot, the first one included, and terminates the data', () => {
    expect(dataPayload('.a\r\nb\r\n.\r\n..c\r\n')).toBe('..a\r\nb\r\n..\r\n...c\r\n.\r\n');
    expect(dataPayload('Subject: x\r\n\r\nbody')).toBe('Subject: x\r\n\r\nbody\r\n.\r\n');
  });

  it('refuses bare CR or LF, which SMTP smuggling uses to inject a second message', () => {
    expect(() => dataPayload('Subject: x\r\n\r\nhi\n.\nMAIL FROM:<evil@x>\r\n')).toThrow(/bare CR or LF/);
    expect(() => dataPayload('Subject: x\r\n\r\nhi\r.\r\n')).toThrow(/bare CR or LF/);
  });
});
