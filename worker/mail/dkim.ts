import { fromBase64, toBase64, utf8 } from '../lib/encoding';

/**
 * DKIM signing (RFC 6376): rsa-sha256, relaxed/relaxed, with WebCrypto so it runs in Workers and Node.
 * Import the key once per batch (`importDkimPrivateKey`) and sign each message with `signDkim`.
 */
export interface DkimSigner {
  domain: string;
  selector: string;
  privateKey: CryptoKey;
}

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** A PKCS#8 RSA private key, as PEM (`BEGIN PRIVATE KEY`) or bare base64 DER. */
export async function importDkimPrivateKey(pemOrBase64: string): Promise<CryptoKey> {
  if (pemOrBase64.includes('BEGIN RSA PRIVATE KEY')) {
    throw new Error('DKIM key is PKCS#1; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)');
  }
  const base64 = pemOrBase64.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  return crypto.subtle.importKey('pkcs8', fromBase64(base64), ALGORITHM, false, ['sign']);
}

/** Signed when present, in this order. */
const SIGNED_HEADERS = [
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'reply-to',
  'mime-version',
  'content-type',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'list-id',
  'feedback-id',
];

/**
 * Listed once more than they occur, which signs the absence of a further instance: nobody can add a
 * second From or Subject that a client might display, a Reply-To that diverts answers, or a second
 * unsubscribe target (RFC 8058 §4 requires both List-Unsubscribe headers to be signed). A relay that
 * adds one of these breaks the signature, which is the point; relays that add Received, Return-Path or
 * their own Feedback-ID are unaffected, because those are not over-signed.
 */
const OVERSIGNED = new Set(['from', 'to', 'subject', 'reply-to', 'list-unsubscribe', 'list-unsubscribe-post']);

const CRLF = '\r\n';

/** Returns the message with a DKIM-Signature header prepended. `raw` must use CRLF line endings. */
export async function signDkim(raw: string, signer: DkimSigner, now = new Date()): Promise<string> {
  const split = raw.indexOf(CRLF + CRLF);
  if (split < 0) throw new Error('message has no header/body separator');
  const fields = raw.slice(0, split).split(/\r\n(?![ \t])/);
  const body = raw.slice(split + 4);

  const byName = new Map<string, string[]>();
  for (const field of fields) {
    const name = field.slice(0, field.indexOf(':')).trim().toLowerCase();
    byName.set(name, [...(byName.get(name) ?? []), field]);
  }
  const signedNames = SIGNED_HEADERS.flatMap((name) => {
    const count = byName.get(name)?.length ?? 0;
    return Array<string>(count + (OVERSIGNED.has(name) ? 1 : 0)).fill(name);
  });
  // RFC 6376 §5.4.2: repeated names take instances from the bottom up; an over-signed name contributes nothing.
  const used = new Map<string, number>();
  let signedData = '';
  for (const name of signedNames) {
    const instances = byName.get(name) ?? [];
    const n = used.get(name) ?? 0;
    const field = instances[instances.length - 1 - n];
    used.set(name, n + 1);
    if (field) signedData += relaxedHeader(field) + CRLF;
  }

  const bodyHash = toBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(relaxedBody(body)))));
  const unsigned = foldSignature([
    'v=1',
    'a=rsa-sha256',
    'c=relaxed/relaxed',
    `d=${signer.domain}`,
    `s=${signer.selector}`,
    `t=${Math.floor(now.getTime() / 1000)}`,
    `h=${signedNames.join(':')}`,
    `bh=${bodyHash}`,
  ]);
  signedData += relaxedHeader(unsigned);
  const signature = toBase64(new Uint8Array(await crypto.subtle.sign(ALGORITHM, signer.privateKey, utf8(signedData))));
  return `${unsigned}${fold(signature, lastLineLength(unsigned))}${CRLF}${raw}`;
}

/** §3.4.2: unfold, collapse whitespace runs to one space, trim the value, lower-case the name. */
function relaxedHeader(field: string): string {
  const colon = field.indexOf(':');
  const value = field
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${field.slice(0, colon).trim().toLowerCase()}:${value}`;
}

/** §3.4.4: collapse whitespace runs, strip trailing whitespace and trailing empty lines, end with one CRLF. */
function relaxedBody(body: string): string {
  const lines = body.split(CRLF).map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? lines.join(CRLF) + CRLF : '';
}

const LINE = 76;
const lastLineLength = (s: string) => s.length - (s.includes(CRLF) ? s.lastIndexOf(CRLF) + 2 : 0);

/**
 * The header up to an empty `b=`, folded between tags and inside `h=` (FWS is allowed around its colons).
 * The signature is then appended to `b=` folded the same way; verifiers ignore whitespace in `b=`.
 */
function foldSignature(tags: string[]): string {
  let out = 'DKIM-Signature:';
  for (const tag of [...tags, 'b=']) {
    const atoms = tag.startsWith('h=') ? tag.split(/(?=:)/) : [tag];
    if (tag !== 'b=') atoms[atoms.length - 1] += ';';
    atoms.forEach((atom, i) => {
      const separator = i === 0 ? ' ' : '';
      out += lastLineLength(out) + separator.length + atom.length > LINE ? CRLF + ' ' : separator;
      out += atom;
    });
  }
  return out;
}

function fold(value: string, used: number): string {
  let out = '';
  let room = LINE - used;
  for (let i = 0; i < value.length; ) {
    if (room <= 0) {
      out += CRLF + ' ';
      room = LINE - 1;
    }
    out += value.slice(i, i + room);
    i += room;
    room = 0;
  }
  return out;
}
