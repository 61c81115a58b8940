import { randomBytes } from '../lib/crypto';
import { toBase64, toHex, utf8 } from '../lib/encoding';

/**
 * RFC 5322 / MIME message writing: a `multipart/alternative` with a text/plain and a text/html part
 * (inside a `multipart/mixed` with the attachments when there are any), 7-bit clean (encoded-words in headers, quoted-printable or base64 bodies), CRLF everywhere, header
 * lines folded to 78 octets where the syntax allows and never beyond 998.
 */
export interface Mailbox {
  name?: string | null;
  email: string;
}

export interface Attachment {
  filename: string;
  contentType: string;
  /** The file's bytes in base64 (how the API receives them and the ESP APIs want them). */
  content: string;
}

export interface MimeInput {
  from: Mailbox;
  to: Mailbox | Mailbox[];
  cc?: Mailbox[];
  replyTo?: Mailbox | null;
  subject: string;
  /** Complete, with angle brackets: `<id@domain>`. */
  messageId: string;
  date: Date;
  /** Structured headers Edgepost writes itself (List-Unsubscribe, List-Id…): printable ASCII, written as given. */
  headers?: [name: string, value: string][];
  /** Caller-defined `X-` headers: free text, encoded when needed. */
  extraHeaders?: Record<string, string>;
  text: string;
  html: string;
  attachments?: Attachment[];
}

const CRLF = '\r\n';
const SOFT_LIMIT = 78;
const HARD_LIMIT = 998;
const QP_LINE = 76;
// An encoded-word is at most 75 characters (RFC 2047 §2); 66 leaves room for "Reply-To: " on the first line.
const MAX_WORD = 66;

export function buildMime(input: MimeInput): string {
  const boundary = newBoundary();
  const attachments = input.attachments ?? [];
  const mixed = attachments.length ? newBoundary() : null;
  const lines = [
    foldHeader('From', formatMailbox(input.from)),
    foldHeader('To', formatMailboxes([input.to].flat())),
    ...(input.cc?.length ? [foldHeader('Cc', formatMailboxes(input.cc))] : []),
    ...(input.replyTo ? [foldHeader('Reply-To', formatMailbox(input.replyTo))] : []),
    foldHeader('Subject', unstructured('Subject', input.subject)),
    foldHeader('Date', formatDate(input.date)),
    foldHeader('Message-ID', input.messageId),
    'MIME-Version: 1.0',
    foldHeader('Content-Type', mixed ? `multipart/mixed; boundary="${mixed}"` : `multipart/alternative; boundary="${boundary}"`),
    ...(input.headers ?? []).map(([name, value]) => foldHeader(name, structured(name, value))),
    ...Object.entries(input.extraHeaders ?? {}).map(([name, value]) => foldHeader(extraHeaderName(name), unstructured(name, value))),
  ];
  const part = (type: string, content: string) => {
    const { encoding, body } = encodeBody(content);
    return `--${boundary}${CRLF}Content-Type: ${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: ${encoding}${CRLF}${CRLF}${body}${CRLF}`;
  };
  const alternative = `${part('text/plain', input.text)}${part('text/html', input.html)}--${boundary}--${CRLF}`;
  if (!mixed) return `${lines.join(CRLF)}${CRLF}${CRLF}${alternative}`;
  const files = attachments.map((a) => {
    const name = parameterValue(a.filename);
    return [
      `--${mixed}`,
      foldHeader('Content-Type', `${structured('Content-Type', a.contentType)}; name=${name}`),
      'Content-Transfer-Encoding: base64',
      foldHeader('Content-Disposition', `attachment; filename=${name}`),
      '',
      a.content.replace(/\s+/g, '').replace(/.{76}(?=.)/g, `$&${CRLF}`),
      '',
    ].join(CRLF);
  });
  return `${lines.join(CRLF)}${CRLF}${CRLF}--${mixed}${CRLF}Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}${CRLF}${alternative}${files.join('')}--${mixed}--${CRLF}`;
}

/**
 * A MIME parameter value (file names): a quoted-string when it is printable ASCII, else one
 * RFC 2047 encoded-word per chunk in quotes — what mail clients actually decode (RFC 2231 continuations
 * are less widely read back).
 */
function parameterValue(value: string): string {
  const v = oneLine(value);
  if (/^[\x20-\x7e]*$/.test(v) && !v.includes('=?')) return `"${v.replace(/[\\"]/g, '\\$&')}"`;
  return `"${encodedWords(v).join(' ')}"`;
}

/**
 * `=_` can never occur in quoted-printable output (`=` is always followed by a hex digit or a line
 * break) nor in base64, so a boundary starting with it cannot collide with any encoded body.
 */
const newBoundary = () => `=_ep_${toHex(randomBytes(12))}`;

// ---------------------------------------------------------------- headers

/** Header values may come from contact data: a CR or LF there would start a new header (header injection). */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/**
 * Folds at spaces (a fold is a CRLF inserted before whitespace, so unfolding restores the value) to keep
 * lines within 78 octets; a token longer than that stays whole up to the 998-octet hard limit.
 */
function foldHeader(name: string, value: string): string {
  const lines: string[] = [];
  let line = `${name}: ${value}`;
  while (line.length > SOFT_LIMIT) {
    // A line must hold more than whitespace, and the first one the start of the value (never a fold right after the colon).
    const earliest = lines.length === 0 ? name.length + 2 : line.search(/\S/) + 1;
    let cut = line.lastIndexOf(' ', SOFT_LIMIT);
    if (cut < earliest) cut = line.indexOf(' ', earliest);
    if (cut < 0) break;
    lines.push(line.slice(0, cut));
    line = line.slice(cut);
  }
  lines.push(line);
  if (lines.some((l) => l.length > HARD_LIMIT)) throw new Error(`${name} header has a token longer than ${HARD_LIMIT} octets`);
  return lines.join(CRLF);
}

/** Whether folding at spaces keeps every line of the header within 78 octets. */
function fitsFolded(name: string, value: string): boolean {
  const [first = '', ...rest] = value.split(' ');
  return name.length + 2 + first.length <= SOFT_LIMIT && rest.every((token) => token.length + 1 <= SOFT_LIMIT);
}

/**
 * Free text (Subject, X- headers): as-is when it is printable ASCII that folds within 78 octets and holds
 * nothing a decoder would take for an encoded-word, otherwise RFC 2047 encoded-words.
 */
function unstructured(name: string, value: string): string {
  const v = oneLine(value);
  if (/^[\x20-\x7e]*$/.test(v) && !v.includes('=?') && fitsFolded(name, v)) return v;
  return encodedWords(v).join(' ');
}

function structured(name: string, value: string): string {
  if (!/^[\x20-\x7e]+$/.test(value)) throw new Error(`${name} must be printable ASCII`);
  return value;
}

function extraHeaderName(name: string): string {
  if (!/^X-[A-Za-z0-9-]+$/.test(name)) throw new Error(`custom header ${name} must be an X- header`);
  return name;
}

/**
 * RFC 2047 encoded-words, each cut on a code-point boundary so no UTF-8 sequence is split between two
 * words. Q uses only the characters allowed inside a phrase (§5(3)), so the same words serve display
 * names and Subject; B is chosen instead when it is shorter (mostly non-Latin text).
 */
function encodedWords(text: string): string[] {
  const q = chunkWords(text, 'Q');
  const b = chunkWords(text, 'B');
  return q.join('').length <= b.join('').length ? q : b;
}

/** `=XX` for each UTF-8 byte of a code point: the escape of both Q encoding and quoted-printable. */
const hexEscape = (cp: string) => Array.from(utf8(cp), (byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

const qChar = (cp: string) => (cp === ' ' ? '_' : /^[A-Za-z0-9!*+\-/]$/.test(cp) ? cp : hexEscape(cp));

function chunkWords(text: string, mode: 'Q' | 'B'): string[] {
  const payload = (cps: string[]) => (mode === 'Q' ? cps.map(qChar).join('') : toBase64(utf8(cps.join(''))));
  const word = (cps: string[]) => `=?UTF-8?${mode}?${payload(cps)}?=`;
  const words: string[] = [];
  let cps: string[] = [];
  for (const cp of text) {
    if (cps.length && word([...cps, cp]).length > MAX_WORD) {
      words.push(word(cps));
      cps = [];
    }
    cps.push(cp);
  }
  words.push(word(cps));
  return words;
}

/** A display name as an atom sequence, a quoted-string, or encoded-words (RFC 5322 §3.2.5, RFC 2047 §5(3)). */
export function formatPhrase(name: string): string {
  const v = oneLine(name).trim();
  if (!v) return '';
  if (!/^[\x20-\x7e]*$/.test(v)) return encodedWords(v).join(' ');
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(v) && !v.includes('=?')) return v;
  return `"${v.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * `Name <local@domain>`; an internationalized domain is written in its A-label (punycode) form.
 * A non-ASCII local part would need SMTPUTF8, which is not offered: such an address is refused.
 */
function formatMailbox(m: Mailbox): string {
  const email = asciiAddress(m.email);
  const name = m.name ? formatPhrase(m.name) : '';
  return name ? `${name} <${email}>` : email;
}

const formatMailboxes = (list: Mailbox[]) => list.map(formatMailbox).join(', ');

function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  let domain = address.slice(at + 1);
  if (/[^\x00-\x7f]/.test(domain) && URL.canParse(`http://${domain}`)) domain = new URL(`http://${domain}`).hostname;
  if (at <= 0 || !/^[A-Za-z0-9.!#$%&'*+\-/=?^_`{|}~]+$/.test(local) || !/^[A-Za-z0-9.-]+$/.test(domain)) {
    throw new Error('not a sendable email address');
  }
  return `${local}@${domain}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC, with the numeric zone (`+0000`) rather than the obsolete `GMT`. */
function formatDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

// ---------------------------------------------------------------- bodies

/** Quoted-printable for mostly-ASCII content, base64 when that is shorter (mostly non-Latin text). */
function encodeBody(content: string): { encoding: 'quoted-printable' | 'base64'; body: string } {
  const qp = encodeQuotedPrintable(content);
  const bytes = utf8(content.replace(/\r\n|\r|\n/g, CRLF));
  const base64Length = Math.ceil(bytes.length / 3) * 4 * (1 + 2 / QP_LINE);
  if (qp.length <= base64Length) return { encoding: 'quoted-printable', body: qp };
  return { encoding: 'base64', body: toBase64(bytes).replace(/.{76}(?=.)/g, `$&${CRLF}`) };
}

/**
 * RFC 2045 §6.7: lines of at most 76 characters ending soft breaks with `=`, trailing whitespace encoded,
 * every line break of the input written as CRLF. A code point's escapes (`=E2=9C=93`) stay on one line,
 * so no UTF-8 sequence and no `=XX` is ever cut by a soft break.
 */
function encodeQuotedPrintable(content: string): string {
  return content
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const out: string[] = [];
      let current = '';
      const chars = Array.from(line);
      chars.forEach((cp, i) => {
        const atEnd = i === chars.length - 1;
        const literal = (cp >= '!' && cp <= '~' && cp !== '=') || ((cp === ' ' || cp === '\t') && !atEnd);
        const token = literal ? cp : hexEscape(cp);
        // A soft break costs one character (`=`), so a line holds 75 characters of content.
        if (current.length + token.length > QP_LINE - 1) {
          out.push(`${current}=`);
          current = '';
        }
        current += token;
      });
      out.push(current);
      return out.join(CRLF);
    })
    .join(CRLF);
}
