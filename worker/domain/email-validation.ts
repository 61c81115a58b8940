// Imported as JSON rather than through the package's CommonJS entry, which `require`s the file at call
// time: the bundler inlines the list into the Worker and nothing runs until the first lookup.
import disposableDomains from 'disposable-email-domains-js/dist/dict/disposable_email_blocklist.json';
import type { DnsResolver } from '../lib/dns';

/**
 * Address checks shared by every way an address enters Edgepost: API create/update, CSV import and public
 * subscribe forms. Everything but the MX lookup is synchronous and allocation-light, because CSV imports
 * run it on 100,000 rows inside one request.
 */

export interface EmailVerdict {
  /** The normalized address: what Edgepost stores. */
  email: string;
  valid: boolean;
  reason: string | null;
  disposable: boolean;
  role: boolean;
  /** The whole corrected address (`ada@gmail.com` for `ada@gmial.com`), or null. */
  suggestion: string | null;
  /** null when not checked or when the resolver failed: a DNS outage must not reject subscribers. */
  mx: boolean | null;
}

export type SyntaxResult = { ok: true } | { ok: false; reason: string };

// ---------------------------------------------------------------------------------------------------
// Normalization

const WRAPPERS: Record<string, string> = { '<': '>', '"': '"', "'": "'" };
const ASCII_ONLY = /^[\x00-\x7f]*$/;
// Only hand a non-ASCII domain to the URL parser when its ASCII characters are plain LDH and dots:
// otherwise `bücher.de/x` or `bücher.de:25` would come back as a clean `xn--bcher-kva.de`.
const IDN_CANDIDATE = /^(?:[a-zA-Z0-9.-]|[^\x00-\x7f])+$/;

/** Converts an internationalized domain to its ASCII (punycode) form; returns the input lower-cased when it cannot. */
export function toAsciiDomain(domain: string): string {
  if (ASCII_ONLY.test(domain)) return domain.toLowerCase();
  if (!IDN_CANDIDATE.test(domain)) return domain.toLowerCase();
  try {
    // WHATWG URL applies UTS #46 mapping + punycode (RFC 5891 §4.4): full-width letters and ideographic
    // full stops fold to ASCII, `Bücher.DE` becomes `xn--bcher-kva.de`.
    const host = new URL(`http://${domain}`).hostname;
    return ASCII_ONLY.test(host) ? host : domain.toLowerCase();
  } catch {
    // Not a valid IDN (e.g. disallowed code points): leave it for checkSyntax to refuse.
    return domain.toLowerCase();
  }
}

/**
 * Trims, strips the angle brackets or quotes people paste around addresses, lower-cases the whole address
 * (lower-casing the local part is Edgepost's policy: no mainstream provider treats it case-sensitively, and
 * it keeps `Ada@x.com` and `ada@x.com` one contact) and converts an IDN domain to punycode.
 * Deliberately nothing else: no Gmail dot or +tag folding, which would merge contacts that are distinct
 * at other providers.
 */
export function normalizeEmail(raw: string): string {
  // trim() also removes U+FEFF, the BOM a CSV export leaves on its first cell.
  let s = raw.trim();
  for (;;) {
    const close = WRAPPERS[s.charAt(0)];
    if (close === undefined || s.length < 2 || !s.endsWith(close)) break;
    s = s.slice(1, -1).trim();
  }
  const at = s.lastIndexOf('@');
  if (at < 0) return s.toLowerCase();
  return `${s.slice(0, at).toLowerCase()}@${toAsciiDomain(s.slice(at + 1))}`;
}

// ---------------------------------------------------------------------------------------------------
// Syntax

/** RFC 5321 §4.5.3.1.3 limits a path to 256 octets including `<` `>` (RFC 3696 erratum 1690). */
const MAX_ADDRESS = 254;
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL = 64;
/** RFC 1035 §2.3.4. */
const MAX_LABEL = 63;

// RFC 5322 §3.2.3 atext: ALPHA / DIGIT / "!#$%&'*+-/=?^_`{|}~", indexed by char code for a branch-free loop.
const ATEXT = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~") {
  ATEXT[c.charCodeAt(0)] = 1;
}
const DOT = 46;
const HYPHEN = 45;
const WHITESPACE = /\s/;

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function describeChar(ch: string): string {
  return ch === '"' ? "'\"'" : `"${ch}"`;
}

function fail(reason: string): SyntaxResult {
  return { ok: false, reason };
}

/**
 * RFC 5322 §3.4.1 dot-atom local part: atext runs separated by single dots. Quoted strings and
 * SMTPUTF8 (RFC 6531) local parts are valid on paper but refused by the mailbox providers that matter,
 * so an address using them would only ever bounce.
 */
function checkLocal(local: string): SyntaxResult {
  if (local.length === 0) return fail('The part before @ is empty.');
  if (local.charCodeAt(0) === 34) return fail('Quoted names before @ are not accepted.');
  if (local.length > MAX_LOCAL) return fail(`The part before @ is longer than ${MAX_LOCAL} characters.`);
  if (local.charCodeAt(0) === DOT) return fail('The part before @ starts with a dot.');
  if (local.charCodeAt(local.length - 1) === DOT) return fail('The part before @ ends with a dot.');
  let prevDot = false;
  for (let i = 0; i < local.length; i++) {
    const code = local.charCodeAt(i);
    if (code === DOT) {
      if (prevDot) return fail('The part before @ has two dots in a row.');
      prevDot = true;
      continue;
    }
    prevDot = false;
    if (code >= 128) return fail('The part before @ contains letters outside the basic Latin alphabet.');
    if (ATEXT[code] !== 1) return fail(`The part before @ contains ${describeChar(local.charAt(i))}, which is not allowed.`);
  }
  return { ok: true };
}

/**
 * RFC 5321 §4.1.2 Domain: LDH labels (RFC 1035 §2.3.1, RFC 1123 §2.1) joined by dots. Address literals
 * (§4.1.3) and bare IPs are refused: no real subscriber has one, and they bypass domain reputation.
 */
function checkDomain(domain: string): SyntaxResult {
  if (domain.length === 0) return fail('The part after @ is empty.');
  if (domain.charCodeAt(0) === 91 /* [ */) return fail('IP addresses are not accepted after @.');
  if (domain.charCodeAt(0) === DOT) return fail('The part after @ starts with a dot.');
  if (domain.charCodeAt(domain.length - 1) === DOT) return fail('The part after @ ends with a dot.');
  let labelStart = 0;
  let dots = 0;
  let allNumeric = true;
  for (let i = 0; i <= domain.length; i++) {
    const code = i === domain.length ? DOT : domain.charCodeAt(i);
    if (code === DOT) {
      const len = i - labelStart;
      if (len === 0) return fail('The part after @ has two dots in a row.');
      if (len > MAX_LABEL) return fail(`A part of the domain is longer than ${MAX_LABEL} characters.`);
      if (domain.charCodeAt(labelStart) === HYPHEN || domain.charCodeAt(i - 1) === HYPHEN) {
        return fail('A part of the domain starts or ends with a hyphen.');
      }
      if (i < domain.length) dots++;
      labelStart = i + 1;
      continue;
    }
    if (code >= 128) return fail('The domain contains characters that are not allowed; convert it with normalizeEmail first.');
    if (code !== HYPHEN && !isAlnum(code)) {
      return fail(`The part after @ contains ${describeChar(domain.charAt(i))}, which is not allowed.`);
    }
    if (!isDigit(code)) allNumeric = false;
  }
  if (dots === 0) return fail('The part after @ has no dot.');
  if (allNumeric) return fail('IP addresses are not accepted after @.');
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  // Every delegated TLD is alphabetic (RFC 3696 §2); IDN TLDs appear as their xn-- A-label.
  if (!tld.toLowerCase().startsWith('xn--')) {
    if (tld.length < 2) return fail(`The domain ending ".${tld}" is not a real top-level domain.`);
    for (let i = 0; i < tld.length; i++) {
      const code = tld.charCodeAt(i) | 0x20;
      if (code < 97 || code > 122) return fail(`The domain ending ".${tld}" is not a real top-level domain.`);
    }
  }
  return { ok: true };
}

/** Practical RFC 5321/5322 syntax check of an address (normalize it first). */
export function checkSyntax(email: string): SyntaxResult {
  if (email.length === 0) return fail('The address is empty.');
  if (WHITESPACE.test(email)) return fail('The address contains a space.');
  const at = email.indexOf('@');
  if (at < 0) return fail('The address has no @.');
  if (email.indexOf('@', at + 1) >= 0) return fail('The address has more than one @.');
  if (email.length > MAX_ADDRESS) return fail(`The address is longer than ${MAX_ADDRESS} characters.`);
  const local = checkLocal(email.slice(0, at));
  if (!local.ok) return local;
  return checkDomain(email.slice(at + 1));
}

// ---------------------------------------------------------------------------------------------------
// Disposable and role addresses

let disposableSet: Set<string> | undefined;

/**
 * True when the domain, or any parent domain below the TLD, is on the disposable-email-domains list
 * (so `mail.mailinator.com` counts: throwaway services hand out unlimited subdomains).
 */
export function isDisposableDomain(domain: string): boolean {
  // Built on first use so isolates that never validate an address don't pay for ~9,000 inserts.
  disposableSet ??= new Set(disposableDomains);
  let d = toAsciiDomain(domain.trim());
  if (d.endsWith('.')) d = d.slice(0, -1);
  for (let dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.')) {
    if (disposableSet.has(d)) return true;
    d = d.slice(dot + 1);
  }
  return false;
}

/**
 * Shared mailboxes: RFC 2142 names (info, sales, support, abuse, postmaster, hostmaster, webmaster, noc,
 * security, …) plus the no-reply and team aliases that behave the same way. Mail to them reaches several
 * people or nobody, and they complain more, so senders usually want them flagged.
 */
const ROLE_LOCALS = new Set([
  'abuse', 'admin', 'administrator', 'billing', 'careers', 'contact', 'do-not-reply', 'donotreply',
  'ftp', 'hello', 'help', 'hostmaster', 'hr', 'info', 'jobs', 'legal', 'mailer-daemon', 'marketing',
  'news', 'no-reply', 'no_reply', 'noc', 'noreply', 'office', 'postmaster', 'privacy', 'root', 'sales',
  'security', 'support', 'team', 'usenet', 'uucp', 'webmaster', 'www',
]);

/** Whether a local part (or a whole address) is a role mailbox; a `+tag` subaddress is ignored. */
export function isRoleAddress(local: string): boolean {
  let s = local.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const plus = s.indexOf('+');
  if (plus >= 0) s = s.slice(0, plus);
  return ROLE_LOCALS.has(s);
}

// ---------------------------------------------------------------------------------------------------
// Typo suggestions

/** Suggestion targets, most used first: ties in edit distance go to the earlier entry. */
const POPULAR_DOMAINS = [
  'gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com', 'live.com', 'msn.com',
  'me.com', 'mac.com', 'googlemail.com', 'ymail.com', 'rocketmail.com', 'protonmail.com', 'proton.me',
  'yahoo.co.uk', 'hotmail.co.uk', 'yahoo.fr', 'hotmail.fr', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de',
  't-online.de', 'mail.com', 'zoho.com', 'fastmail.com', 'yandex.ru', 'mail.ru', 'orange.fr', 'free.fr',
  'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'qq.com', '163.com',
];

/**
 * Real mailbox domains within a few edits of a popular one (country variants, sibling brands). They are
 * never "corrected": telling a hotmail.de user they meant hotmail.fr would be worse than saying nothing.
 */
const KNOWN_DOMAINS = new Set([
  'email.com', 'cloud.com', 'pm.me', 'protonmail.ch', 'tuta.io', 'tutanota.com', 'hey.com', 'duck.com',
  'gmx.at', 'gmx.ch', 'gmx.fr', 'gmx.co.uk', 'mail.de', 'freenet.de', 'arcor.de', 'online.de',
  'hotmail.de', 'hotmail.it', 'hotmail.es', 'hotmail.nl', 'hotmail.be', 'hotmail.ca', 'hotmail.se',
  'outlook.de', 'outlook.fr', 'outlook.es', 'outlook.it', 'outlook.jp', 'outlook.pt', 'outlook.com.br',
  'live.co.uk', 'live.fr', 'live.de', 'live.nl', 'live.it', 'live.ca', 'live.com.au',
  'yahoo.de', 'yahoo.it', 'yahoo.es', 'yahoo.ca', 'yahoo.co.jp', 'yahoo.co.in', 'yahoo.com.br', 'yahoo.com.au',
  'googlemail.co.uk', 'yandex.com', 'ya.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'rambler.ru',
  'cox.net', 'charter.net', 'earthlink.net', 'optonline.net', 'bellsouth.net', 'att.com',
  '126.com', 'sina.com', 'naver.com', 'daum.net', 'hanmail.net', 'libero.it', 'laposte.net', 'sfr.fr',
  'wanadoo.fr', 'bluewin.ch', 'btinternet.com', 'sky.com', 'virginmedia.com', 'shaw.ca', 'rogers.com',
]);

/** Last labels people type for `.com`. Only consulted next to a popular name, because .co/.cm/.om are real ccTLDs. */
const COM_SLIPS = new Set(['con', 'cmo', 'ocm', 'om', 'co', 'cm', 'comm', 'coom', 'cpm', 'vom', 'xom', 'copm', 'c0m', 'cim', 'clm']);
const NET_SLIPS = new Set(['ner', 'nte', 'nett', 'ne', 'nt', 'met']);
/** Misspelled TLDs that are not delegated, so correcting them is safe for any domain. */
const UNDELEGATED_TLD_FIXES: Record<string, string> = {
  con: 'com', cmo: 'com', ocm: 'com', comm: 'com', coom: 'com', cpm: 'com', vom: 'com', xom: 'com',
  copm: 'com', c0m: 'com', ner: 'net', nte: 'net', nett: 'net', ogr: 'org', orgg: 'org', rog: 'org',
};

interface Target {
  domain: string;
  name: string;
  rest: string;
  undotted: string;
  /** Edits allowed in the name: none for ≤ 4 characters (aol/aok, live/love, zoho/soho are all real), one up to 6, two beyond. */
  maxNameEdits: number;
}

const POPULAR_SET = new Set(POPULAR_DOMAINS);
const TARGETS: Target[] = POPULAR_DOMAINS.map((domain) => {
  const dot = domain.indexOf('.');
  const name = domain.slice(0, dot);
  return {
    domain,
    name,
    rest: domain.slice(dot + 1),
    undotted: domain.replaceAll('.', ''),
    maxNameEdits: name.length <= 4 ? 0 : name.length <= 6 ? 1 : 2,
  };
});

// Reused between calls: the distance runs for every target of every row of an import.
let rowA = new Uint8Array(32);
let rowB = new Uint8Array(32);
let rowC = new Uint8Array(32);

/**
 * Optimal-string-alignment Damerau-Levenshtein distance (a swapped pair counts as one edit, the
 * commonest typo: gmial), or `max + 1` as soon as the result is known to exceed `max`.
 */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  if (rowA.length <= n) {
    rowA = new Uint8Array(n + 1);
    rowB = new Uint8Array(n + 1);
    rowC = new Uint8Array(n + 1);
  }
  let prev2 = rowA; // row i-2
  let prev = rowB; // row i-1
  let cur = rowC;
  for (let j = 0; j <= n; j++) prev[j] = Math.min(j, 255);
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = Math.min(i, 255);
    let rowMin = cur[0]!;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = Math.min(v, 255);
      if (v < rowMin) rowMin = v;
    }
    // A transposition reaches back two rows, so only two hopeless rows in a row prove the bound.
    if (rowMin > max && prevMin > max) return max + 1;
    prevMin = rowMin;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[n]!;
  return d > max ? max + 1 : d;
}

function restDistance(rest: string, target: string): number {
  if (rest === target) return 0;
  if (target === 'com' && COM_SLIPS.has(rest)) return 1;
  if (target === 'net' && NET_SLIPS.has(rest)) return 1;
  // Two-label suffixes (co.uk, com.br) are long enough that one edit is unambiguous; short ones are not
  // (yahoo.fi vs yahoo.fr are both plausible), so those only match through the slip lists above.
  if (rest.length >= 4 && target.length >= 4) return editDistance(rest, target, 1);
  return 2;
}

function suggestDomain(domain: string): string | null {
  if (domain.length === 0 || POPULAR_SET.has(domain) || KNOWN_DOMAINS.has(domain)) return null;
  const dot = domain.indexOf('.');
  if (dot < 0) {
    // `ada@gmailcom`: the dot went missing.
    for (const t of TARGETS) if (t.undotted === domain) return t.domain;
    return null;
  }
  const name = domain.slice(0, dot);
  const rest = domain.slice(dot + 1);
  let best: string | null = null;
  let bestScore = Infinity;
  for (const t of TARGETS) {
    const restD = restDistance(rest, t.rest);
    if (restD > 1) continue;
    const nameD = editDistance(name, t.name, t.maxNameEdits);
    if (nameD > t.maxNameEdits) continue;
    const score = nameD + restD;
    if (score < bestScore) {
      bestScore = score;
      best = t.domain;
    }
  }
  if (best !== null) return best;
  const lastDot = domain.lastIndexOf('.');
  const fixedTld = UNDELEGATED_TLD_FIXES[domain.slice(lastDot + 1)];
  return fixedTld === undefined ? null : `${domain.slice(0, lastDot)}.${fixedTld}`;
}

// Imports repeat a few hundred domains across 100,000 rows; bounded so a list of unique domains can't grow it.
const suggestionCache = new Map<string, string | null>();
const SUGGESTION_CACHE_LIMIT = 5000;

/**
 * Suggests a correction for a mistyped popular mailbox domain (`ada@gmial.com` → `ada@gmail.com`) or a
 * misspelled TLD (`.con` → `.com`). Returns the whole corrected address, or the corrected domain when
 * given a bare domain; null when the domain looks intended.
 */
export function suggestTypo(email: string): string | null {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  const domain = trimmed.slice(at + 1).toLowerCase();
  let suggestion = suggestionCache.get(domain);
  if (suggestion === undefined) {
    suggestion = suggestDomain(domain);
    if (suggestionCache.size >= SUGGESTION_CACHE_LIMIT) suggestionCache.clear();
    suggestionCache.set(domain, suggestion);
  }
  if (suggestion === null) return null;
  return at < 0 ? suggestion : `${trimmed.slice(0, at)}@${suggestion}`;
}

// ---------------------------------------------------------------------------------------------------
// MX lookup

/** What address validation needs of a resolver (lib/dns.ts: DNS over HTTPS in production, the local zone elsewhere). */
export type MxResolver = Pick<DnsResolver, 'resolveMx'>;

/** A resolver that answers from a table, for tests. Unknown domains have no mail exchanger. */
export function fakeResolver(records: Record<string, string[]>): MxResolver {
  const table = new Map(Object.entries(records).map(([d, hosts]) => [d.toLowerCase(), [...hosts]]));
  return {
    resolveMx(domain) {
      return Promise.resolve([...(table.get(domain.toLowerCase()) ?? [])]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Verdicts

function syncVerdict(raw: string): EmailVerdict {
  const email = normalizeEmail(raw);
  const syntax = checkSyntax(email);
  const suggestion = suggestTypo(email);
  if (!syntax.ok) {
    return { email, valid: false, reason: syntax.reason, disposable: false, role: false, suggestion, mx: null };
  }
  const at = email.indexOf('@');
  return {
    email,
    valid: true,
    reason: null,
    disposable: isDisposableDomain(email.slice(at + 1)),
    role: isRoleAddress(email.slice(0, at)),
    suggestion,
    mx: null,
  };
}

/** Everything but the MX lookup, for bulk paths (CSV import). Disposable and role addresses stay valid: they are flags. */
export function validateEmailSync(raw: string): EmailVerdict {
  return syncVerdict(raw);
}

/**
 * Full validation. With a resolver, a domain that has neither MX nor A/AAAA records makes the address
 * invalid; a resolver failure leaves `mx: null` and the address valid, since refusing a real subscriber
 * over a DNS hiccup is worse than accepting one that will bounce.
 */
export async function validateEmail(raw: string, opts: { resolver?: MxResolver } = {}): Promise<EmailVerdict> {
  const verdict = syncVerdict(raw);
  if (!verdict.valid || opts.resolver === undefined) return verdict;
  const domain = verdict.email.slice(verdict.email.indexOf('@') + 1);
  let hosts: string[];
  try {
    hosts = await opts.resolver.resolveMx(domain);
  } catch {
    return verdict;
  }
  if (hosts.length > 0) return { ...verdict, mx: true };
  return { ...verdict, valid: false, mx: false, reason: `The domain ${domain} does not receive email.` };
}
