import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import PostalMime, { decodeWords } from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMessage, recipientLinks, type BuildMessageInput } from './build-message';
import { importDkimPrivateKey } from './dkim';
import { unsubscribeTokenFromSubject } from './list-headers';
import { verifyTrackingToken } from './tracking-tokens';

/**
 * Messages checked against independent implementations: postal-mime parses them back, mailauth
 * verifies their DKIM signature against the key as it would be published in DNS.
 */
const KEYS = 'k1:node-test-secret-node-test-secret-0123456';
const BASE = 'https://api.edgepost.test';
let privateKey: CryptoKey;
let publishedKey: string;

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = await importDkimPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  publishedKey = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
});

function input(overrides: Partial<BuildMessageInput> = {}): BuildMessageInput {
  return {
    messageId: 'msg_01jz8q4m7k3x9v2b6n5c1d0f8h',
    tenant: {
      id: 'ten_01jz8q4m7k3x9v2b6n5c1d0f8g',
      name: 'Acme Café',
      slug: 'acme-cafe',
      postalAddress: { line1: '1 Main St', city: 'Springfield', postal_code: '62701', country: 'US' },
      brand: { primary_color: '#0a7aff', footer_text: 'Fresh coffee since 1999' },
    },
    contact: { id: 'con_01jz8q4m7k3x9v2b6n5c1d0f8j', email: 'zoe@example.com', name: 'Zoë "Z" Müller' },
    campaignId: 'cmp_01jz8q4m7k3x9v2b6n5c1d0f8k',
    from: { name: 'Acme Café', email: 'news@acme.test' },
    replyTo: { name: 'Acme Support', email: 'support@acme.test' },
    subject: 'Spring sale 🌸 — 20 % off at the café',
    preheader: 'Only this weekend',
    html: '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><h1>Grüße!</h1><p><a href="https://shop.example.com/sale?utm_source=mail&amp;x=1">Shop now</a> · <a href="mailto:hi@acme.test">Write</a></p></body></html>',
    text: 'Grüße!\n\nShop now: https://shop.example.com/sale\n',
    tracking: { opens: true, clicks: true },
    baseUrl: BASE,
    signingKeys: KEYS,
    dkim: { domain: 'acme.test', selector: 'ep2026', privateKey },
    platformDomain: 'edgepost.test',
    headers: { 'X-Campaign': 'Spring ☀' },
    date: new Date('2026-03-20T09:30:00Z'),
    ...overrides,
  };
}

async function dkimResult(raw: string) {
  const { results } = await dkimVerify(raw, {
    resolver: async (name: string, type: string) => {
      if (name === 'ep2026._domainkey.acme.test' && type === 'TXT') return [[`v=DKIM1; k=rsa; p=${publishedKey}`]];
      throw Object.assign(new Error('NXDOMAIN'), { code: 'ENOTFOUND' });
    },
  });
  return results[0]!;
}

const headerBlock = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n'));
const header = (raw: string, name: string) =>
  headerBlock(raw)
    .split(/\r\n(?![ \t])/)
    .find((f) => f.toLowerCase().startsWith(`${name.toLowerCase()}:`));
// Text parts carry line breaks as CRLF (a lone CR or LF is one too), and postal-mime's line-based decoder
// ends a quoted-printable part with an extra newline: bodies are compared with breaks as LF, trailing ones dropped.
const lf = (s: string | undefined) => (s ?? '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');

describe('a built message', () => {
  it('parses back with the same subject, addresses, text and HTML', async () => {
    const built = await buildMessage(input());
    const parsed = await PostalMime.parse(built.raw);
    expect(parsed.subject).toBe('Spring sale 🌸 — 20 % off at the café');
    expect(parsed.from).toEqual({ name: 'Acme Café', address: 'news@acme.test' });
    expect(parsed.to).toEqual([{ name: 'Zoë "Z" Müller', address: 'zoe@example.com' }]);
    expect(parsed.replyTo).toEqual([{ name: 'Acme Support', address: 'support@acme.test' }]);
    expect(parsed.messageId).toBe('<msg_01jz8q4m7k3x9v2b6n5c1d0f8h@acme.test>');
    expect(lf(parsed.text)).toBe(lf(built.text));
    expect(lf(parsed.html)).toBe(lf(built.html));
    expect(built.text).toMatch(/^Grüße!\n\nShop now: https:\/\/shop\.example\.com\/sale\n\n-- \n/);
    expect(built.html).toContain('<h1>Grüße!</h1>');
    expect(decodeWords(parsed.headers.find((h) => h.key === 'x-campaign')!.value)).toBe('Spring ☀');
  });

  it('carries the one-click unsubscribe, list and feedback headers', async () => {
    const built = await buildMessage(input());
    const parsed = await PostalMime.parse(built.raw);
    const value = (key: string) => parsed.headers.find((h) => h.key === key)?.value;
    const [https, mailto] = value('list-unsubscribe')!.split(/,\s*/);
    expect(https).toMatch(new RegExp(`^<${BASE}/t/u/[\\w-]+\\.k1\\.[\\w-]+>$`));
    const token = https!.slice(`<${BASE}/t/u/`.length, -1);
    expect(await verifyTrackingToken(KEYS, token, 'u')).toEqual({
      kind: 'u',
      tenantId: 'ten_01jz8q4m7k3x9v2b6n5c1d0f8g',
      messageId: 'msg_01jz8q4m7k3x9v2b6n5c1d0f8h',
      contactId: 'con_01jz8q4m7k3x9v2b6n5c1d0f8j',
      campaignId: 'cmp_01jz8q4m7k3x9v2b6n5c1d0f8k',
    });
    const mailtoUrl = new URL(mailto!.slice(1, -1));
    expect(mailtoUrl.pathname).toBe('unsubscribe@edgepost.test');
    expect(unsubscribeTokenFromSubject(mailtoUrl.searchParams.get('subject')!)).toBe(token);
    expect(value('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(value('list-id')).toBe('=?UTF-8?Q?Acme_Caf=C3=A9?= <acme-cafe.list-id.edgepost.test>');
    expect(value('feedback-id')).toBe('cmp_01jz8q4m7k3x9v2b6n5c1d0f8k:ten_01jz8q4m7k3x9v2b6n5c1d0f8g:campaign:edgepost');
    expect(built.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(built.messageIdHeader).toBe('<msg_01jz8q4m7k3x9v2b6n5c1d0f8h@acme.test>');
  });

  it('rewrites the tracked links, adds the pixel and the footer with the postal address', async () => {
    const built = await buildMessage(input());
    const links = [...built.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    const click = links.find((l) => l.startsWith(`${BASE}/t/c/`))!;
    expect((await verifyTrackingToken(KEYS, click.slice(`${BASE}/t/c/`.length), 'c'))?.url).toBe('https://shop.example.com/sale?utm_source=mail&x=1');
    expect(links).toContain('mailto:hi@acme.test');
    expect(links.filter((l) => l.startsWith(`${BASE}/t/u/`))).toHaveLength(1);
    expect(built.html).toMatch(new RegExp(`<img [^>]*src="${BASE}/t/o/[^"]+"[^>]*></body>`));
    expect(built.html).toContain('1 Main St, Springfield 62701, US');
    expect(built.text).toMatch(/Unsubscribe: https:\/\/api\.edgepost\.test\/t\/u\//);
  });

  it('does not add a second unsubscribe link when the template shows {{ unsubscribe_url }}', async () => {
    const links = await recipientLinks(input());
    const built = await buildMessage(
      input({
        links,
        html: `<p>Hi</p><p><a href="${links.unsubscribeUrl}">Leave this list</a></p>`,
        text: `Hi\nLeave: ${links.unsubscribeUrl}`,
      }),
    );
    expect(built.html.split('/t/u/')).toHaveLength(2);
    expect(built.text.split('/t/u/')).toHaveLength(2);
    expect(built.html).toContain('1 Main St');
    expect(built.text).toContain('1 Main St');
  });

  it('tracks nothing when tracking is off', async () => {
    const built = await buildMessage(input({ tracking: { opens: false, clicks: false } }));
    expect(built.html).not.toMatch(/\/t\/[co]\//);
    expect(built.html).toContain('href="https://shop.example.com/sale?utm_source=mail&amp;x=1"');
  });

  it('cannot be built without a postal address', async () => {
    await expect(buildMessage(input({ tenant: { ...input().tenant, postalAddress: null } }))).rejects.toThrow(/postal address is required/);
  });

  it('writes an internationalized domain as punycode and refuses a local part that needs SMTPUTF8', async () => {
    const built = await buildMessage(input({ contact: { id: 'con_1', email: 'anna@bücher.example' } }));
    expect(header(built.raw, 'To')).toBe('To: anna@xn--bcher-kva.example');
    await expect(buildMessage(input({ contact: { id: 'con_1', email: 'ännä@example.com' } }))).rejects.toThrow(/not a sendable email address/);
  });

  it('keeps header injection out of the headers', async () => {
    const built = await buildMessage(
      input({ subject: 'Hello\r\nBcc: victim@example.com', contact: { id: 'con_1', email: 'zoe@example.com', name: 'Zoë\r\nX-Evil: 1' } }),
    );
    expect(headerBlock(built.raw)).not.toMatch(/^(Bcc|X-Evil):/im);
    expect((await PostalMime.parse(built.raw)).subject).toBe('Hello Bcc: victim@example.com');
  });
});

describe('a transactional message', () => {
  const pdf = Buffer.from('%PDF-1.4 a receipt with ünïcode bytes \x00\xff').toString('base64');
  const transactional = {
    to: [{ email: 'zoe@example.com' }, { email: 'max@example.com', name: 'Max' }],
    cc: [{ email: 'accounts@example.com' }],
    attachments: [{ filename: 'Rechnung März.pdf', contentType: 'application/pdf', content: pdf }],
  };

  it('parses back with every To and Cc, the attachment byte for byte, and no footer or list headers', async () => {
    const built = await buildMessage(input({ campaignId: undefined, transactional }));
    const parsed = await PostalMime.parse(built.raw);
    expect(parsed.to).toEqual([{ name: '', address: 'zoe@example.com' }, { name: 'Max', address: 'max@example.com' }]);
    expect(parsed.cc).toEqual([{ name: '', address: 'accounts@example.com' }]);
    expect(parsed.attachments).toHaveLength(1);
    const file = parsed.attachments[0]!;
    expect(file.filename).toBe('Rechnung März.pdf');
    expect(file.mimeType).toBe('application/pdf');
    expect(Buffer.from(file.content as ArrayBuffer).toString('base64')).toBe(pdf);
    expect(lf(parsed.html)).toBe(lf(built.html));
    expect(parsed.headers.some((h) => h.key.startsWith('list-'))).toBe(false);
    expect(built.text).not.toContain('Unsubscribe');
    expect(built.html).not.toContain('/t/u/');
  });

  it('verifies with mailauth', async () => {
    const result = await dkimResult((await buildMessage(input({ campaignId: undefined, transactional }))).raw);
    expect(result.status.result).toBe('pass');
  });
});

describe('the DKIM signature', () => {
  it('verifies with mailauth against the published key', async () => {
    const result = await dkimResult((await buildMessage(input())).raw);
    expect(result.status.result).toBe('pass');
    expect(result.signingDomain).toBe('acme.test');
    expect(result.selector).toBe('ep2026');
  });

  it('covers From, Subject and both one-click unsubscribe headers, over-signing them', async () => {
    const raw = (await buildMessage(input())).raw;
    const h = header(raw, 'DKIM-Signature')!
      .replace(/\s+/g, '')
      .match(/;h=([^;]+)/)![1]!
      .split(':');
    for (const name of ['from', 'to', 'subject', 'date', 'message-id', 'reply-to', 'mime-version', 'content-type', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'feedback-id']) {
      expect(h).toContain(name);
    }
    for (const name of ['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']) {
      expect(h.filter((n) => n === name)).toHaveLength(2);
    }
    expect(header(raw, 'DKIM-Signature')).toMatch(/c=relaxed\/relaxed;/);
    expect(header(raw, 'DKIM-Signature')).toMatch(/a=rsa-sha256;/);
    expect(header(raw, 'DKIM-Signature')).toContain(`t=${Date.parse('2026-03-20T09:30:00Z') / 1000};`);
  });

  it('fails once the subject, the body or the unsubscribe target is changed, or a header is added', async () => {
    const raw = (await buildMessage(input())).raw;
    const listUnsubscribe = header(raw, 'List-Unsubscribe')!;
    const tampered = [
      raw.replace(/^Subject: .*$/m, 'Subject: You won a prize'),
      raw.replace('Gr=C3=BC=C3=9Fe!', 'Hello!'),
      raw.replace(/\/t\/u\/[\w-]+/, '/t/u/AAAA'),
      // Added above the signature, where a verifier without over-signing would never look (it reads from the bottom).
      `From: "Bank" <security@bank.example>\r\n${raw}`,
      `Subject: Your account is locked\r\n${raw}`,
      `List-Unsubscribe: <https://evil.example/u>\r\n${raw}`,
      `Reply-To: attacker@evil.example\r\n${raw}`,
      raw.replace(`${listUnsubscribe}\r\n`, ''),
    ];
    for (const message of tampered) {
      expect(message).not.toBe(raw);
      expect((await dkimResult(message)).status.result).not.toBe('pass');
    }
  });

  it('survives what relays may do: folding changes and an added Received header', async () => {
    const raw = (await buildMessage(input())).raw;
    expect((await dkimResult(`Received: from relay.example by mx.example; Fri, 20 Mar 2026 09:30:01 +0000\r\n${raw}`)).status.result).toBe('pass');
    expect((await dkimResult(raw.replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post:  List-Unsubscribe=One-Click'))).status.result).toBe('pass');
  });

  it('is left out when no signer is given', async () => {
    const raw = (await buildMessage(input({ dkim: null }))).raw;
    expect(header(raw, 'DKIM-Signature')).toBeUndefined();
  });
});

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
function qpLineBytes(line: string): Uint8Array {
  const bytes: number[] = [];
  const content = line.endsWith('=') ? line.slice(0, -1) : line;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === '=') {
      expect(content.slice(i + 1, i + 3)).toMatch(/^[0-9A-F]{2}$/);
      bytes.push(parseInt(content.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(content.charCodeAt(i));
  }
  return new Uint8Array(bytes);
}

describe('the wire format', () => {
  const checkLines = (raw: string) => {
    expect(raw).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(raw).toMatch(/^[\x00-\x7f]*$/);
    const lines = raw.split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    for (const part of body.split(/^--=_ep_/m).slice(1)) {
      if (/Content-Transfer-Encoding: quoted-printable/.test(part)) {
        const content = part.slice(part.indexOf('\r\n\r\n') + 4).split('\r\n');
        expect(Math.max(...content.map((l) => l.length))).toBeLessThanOrEqual(76);
        // Each line decodes on its own: no soft break cuts an =XX escape or a UTF-8 sequence.
        for (const line of content) expect(() => utf8Fatal.decode(qpLineBytes(line))).not.toThrow();
      }
    }
  };

  it('uses CRLF only, 7-bit, quoted-printable lines of at most 76 and no line over 998', async () => {
    const longLine = `${'Lorem ipsum dolor sit amet, '.repeat(40)}ünïcödé ✓ 🌸🌸🌸 ${'x'.repeat(300)} trailing spaces   `;
    const built = await buildMessage(input({ text: `${longLine}\n${longLine}\r\nlast`, html: `<p>${longLine}</p>` }));
    checkLines(built.raw);
    const parsed = await PostalMime.parse(built.raw);
    expect(lf(parsed.text)).toBe(lf(built.text));
    expect(lf(parsed.html)).toBe(lf(built.html));
  });

  it('folds a long subject to lines of at most 78 octets and reads it back whole', async () => {
    const subjects = [
      'An unusually long subject line for a newsletter that goes on and on about the spring collection, the café and the garden',
      'Ünïcödé everywhere — Überraschung für alle Kundinnen und Kunden: 30 % Rabatt auf ausgewählte Artikel 🎉🎉🎉 nur heute',
      '春のセール：全商品が20％オフ！この週末限定のお得な情報をお見逃しなく。詳しくはウェブサイトをご覧ください。',
      'Family 👨‍👩‍👧‍👦 and flags 🇫🇷🇯🇵 with skin tones 👍🏽 split across encoded words 👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦',
      `A link https://example.com/${'very-long-path-segment-'.repeat(5)} in the subject`,
    ];
    for (const subject of subjects) {
      const raw = (await buildMessage(input({ subject }))).raw;
      for (const line of header(raw, 'Subject')!.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
      expect((await PostalMime.parse(raw)).subject).toBe(subject);
    }
  });

  it('round-trips arbitrary Unicode subjects, names and bodies, and stays signed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 120 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        // Mostly-ASCII bodies go out quoted-printable, mostly non-Latin ones base64: both are drawn.
        fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'binary-ascii', maxLength: 400 })),
        fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'binary-ascii', maxLength: 400 })),
        async (subject, name, text, html) => {
          const built = await buildMessage(input({ subject, text, html, contact: { id: 'con_1', email: 'zoe@example.com', name } }));
          checkLines(built.raw);
          const parsed = await PostalMime.parse(built.raw);
          // Line breaks in a header become spaces (no header injection); a parser trims the ends.
          const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
          expect(oneLine(parsed.subject ?? '')).toBe(oneLine(subject));
          expect(oneLine(parsed.to?.[0]?.name ?? '')).toBe(oneLine(name));
          expect(lf(parsed.text)).toBe(lf(built.text));
          expect(lf(parsed.html)).toBe(lf(built.html));
          expect(built.text.startsWith(text.replace(/\r\n?/g, '\n').trimEnd())).toBe(true);
          expect((await dkimResult(built.raw)).status.result).toBe('pass');
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
