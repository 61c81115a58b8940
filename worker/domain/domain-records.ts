import type { DkimKey, DnsRecordCheck } from '../db/schema';
import { dkimRecordValue } from '../lib/dkim-keys';
import { NotInLocalZone, splitTxt, type DnsResolver, type LocalRecordSet } from '../lib/dns';

/**
 * The DNS records a sending domain publishes for Edgepost, and how each is checked. Pure: the caller
 * brings the resolver, the keys and the platform domain (the seed uses this module too).
 */

/**
 * - `unchecked`: not looked up yet;
 * - `missing` / `mismatch`: the record is absent, or present with the wrong value (or duplicated);
 * - `error`: the lookup itself failed (DNS over HTTPS down, SERVFAIL): nothing is concluded from it.
 */
export const RECORD_STATES = ['unchecked', 'ok', 'missing', 'mismatch', 'error'] as const;
export type RecordState = (typeof RECORD_STATES)[number];

/** A DnsRecordCheck (db/schema.ts) with what the tenant needs to fix it; stored as such in sending_domains.records. */
export interface RecordCheck extends DnsRecordCheck {
  state: RecordState;
  detail: string | null;
}

export type KeyForRecords = Pick<DkimKey, 'selector' | 'publicKey' | 'status'>;

/** Where bounces return: `bounces.<domain>` is a CNAME to the platform domain, so its MX and SPF apply. */
export const returnPathHost = (domain: string) => `bounces.${domain}`;
/** The platform publishes the sending IPs of its transports here; tenants `include:` it. */
export const spfIncludeHost = (platformDomain: string) => `_spf.${platformDomain}`;
export const dkimRecordName = (selector: string, domain: string) => `${selector}._domainkey.${domain}`;

const LABELS: Record<DnsRecordCheck['kind'], string> = { dkim: 'DKIM', spf: 'SPF', return_path: 'return-path CNAME', dmarc: 'DMARC' };
export const recordLabel = (r: Pick<DnsRecordCheck, 'kind'>) => LABELS[r.kind];

const unchecked = (r: Omit<RecordCheck, 'found' | 'ok' | 'state' | 'detail'>): RecordCheck => ({ ...r, found: [], ok: false, state: 'unchecked', detail: null });

/**
 * What to publish, in the order a DNS screen lists it: the DKIM key of each non-retired key (a pending
 * key during a rotation is optional until it takes over), SPF, the return path, and DMARC (recommended).
 */
export function expectedRecords(domain: string, platformDomain: string, keys: KeyForRecords[]): RecordCheck[] {
  const live = keys.filter((k) => k.status !== 'retired').sort((a, b) => (a.status === b.status ? 0 : a.status === 'active' ? -1 : 1));
  return [
    ...live.map((k) =>
      unchecked({ kind: 'dkim', name: dkimRecordName(k.selector, domain), type: 'TXT', expected: dkimRecordValue(k.publicKey), required: k.status === 'active' }),
    ),
    unchecked({ kind: 'spf', name: domain, type: 'TXT', expected: `v=spf1 include:${spfIncludeHost(platformDomain)} ~all`, required: true }),
    unchecked({ kind: 'return_path', name: returnPathHost(domain), type: 'CNAME', expected: platformDomain, required: true }),
    unchecked({ kind: 'dmarc', name: `_dmarc.${domain}`, type: 'TXT', expected: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}`, required: false }),
  ];
}

/** The expected records with the results of a check laid over them (matched by kind and name); the rest stay unchecked. */
export function withResults(expected: RecordCheck[], results: readonly RecordCheck[]): RecordCheck[] {
  return expected.map((r) => {
    const found = results.find((c) => c.kind === r.kind && c.name === r.name);
    return found ? { ...r, found: found.found, ok: found.ok, state: found.state, detail: found.detail } : r;
  });
}

type Verdict = Pick<RecordCheck, 'found' | 'state' | 'detail'>;

/** A name the local zone does not know is simply not published; any other failure means "could not check". */
async function lookup(name: string, type: DnsRecordCheck['type'], resolver: DnsResolver): Promise<string[]> {
  try {
    return await (type === 'CNAME' ? resolver.resolveCname(name) : resolver.resolveTxt(name));
  } catch (err) {
    if (err instanceof NotInLocalZone) return [];
    throw err;
  }
}

/** RFC 6376 §3.2 tag-list: `v=DKIM1; k=rsa; p=…`; whitespace inside a base64 value is folding, not data. */
function dkimTags(record: string) {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

function judgeDkim(r: RecordCheck, found: string[]): Verdict {
  const rotation = r.required ? '' : 'New key from a rotation: the current key keeps signing until this record is published. ';
  if (!found.length) return { found, state: 'missing', detail: `${rotation}Publish a TXT record at ${r.name} with the value shown.` };
  if (found.length > 1) return { found, state: 'mismatch', detail: `${found.length} TXT records at ${r.name}: receivers pick one at random. Keep only the one shown.` };
  const tags = dkimTags(found[0]!);
  const key = tags.get('p');
  if (key === dkimTags(r.expected).get('p') && (tags.get('k') ?? 'rsa') === 'rsa') return { found, state: 'ok', detail: null };
  if (key === '') return { found, state: 'mismatch', detail: `The record at ${r.name} revokes its key (empty p=). Replace it with the value shown.` };
  return {
    found,
    state: 'mismatch',
    detail: `The record at ${r.name} holds a different key. Replace its value with the one shown (a provider splitting it into quoted strings of 255 characters is fine).`,
  };
}

const SPF_RECORD = /^v=spf1(\s|$)/i;

/** Inserts the include before the record's `all` or `redirect=`, where it still counts. */
function withInclude(record: string, include: string) {
  const terms = record.trim().split(/\s+/);
  const end = terms.findIndex((t) => /^[-~?+]?all$/i.test(t) || /^redirect=/i.test(t));
  terms.splice(end < 0 ? terms.length : end, 0, include);
  return terms.join(' ');
}

function judgeSpf(r: RecordCheck, txt: string[], platformDomain: string): Verdict {
  const found = txt.filter((t) => SPF_RECORD.test(t.trim()));
  const host = spfIncludeHost(platformDomain);
  if (!found.length) return { found, state: 'missing', detail: `No SPF record on ${r.name}. Publish a TXT record with the value shown.` };
  if (found.length > 1) {
    return {
      found,
      state: 'mismatch',
      detail: `${found.length} SPF records on ${r.name}: a domain may have only one (RFC 7208 §3.2), and with two every receiver fails SPF. Merge them into one record that contains include:${host}.`,
    };
  }
  const terms = found[0]!.trim().toLowerCase().split(/\s+/);
  if (terms.includes(`include:${host}`) || terms.includes(`+include:${host}`) || terms.includes(`redirect=${host}`)) return { found, state: 'ok', detail: null };
  return { found, state: 'mismatch', detail: `Your SPF record does not authorize Edgepost. Add include:${host} to it: ${withInclude(found[0]!, `include:${host}`)}` };
}

function judgeReturnPath(r: RecordCheck, found: string[]): Verdict {
  if (!found.length) return { found, state: 'missing', detail: `Publish a CNAME record ${r.name} pointing to ${r.expected}, so bounces come back to Edgepost.` };
  if (found.includes(r.expected)) return { found, state: 'ok', detail: null };
  return { found, state: 'mismatch', detail: `${r.name} points to ${found.join(', ')} instead of ${r.expected}.` };
}

const DMARC_RECORD = /^v=DMARC1\s*(;|$)/i;
const dmarcRecords = (txt: string[]) => txt.filter((t) => DMARC_RECORD.test(t.trim()));

/**
 * A subdomain without its own DMARC record is covered by its organizational domain's (RFC 7489 §6.6.3).
 * Without the public suffix list, each parent with at least two labels is tried, nearest first.
 */
async function parentDmarc(domain: string, resolver: DnsResolver) {
  const labels = domain.split('.');
  for (let i = 1; labels.length - i >= 2; i++) {
    const parent = labels.slice(i).join('.');
    const found = dmarcRecords(await lookup(`_dmarc.${parent}`, 'TXT', resolver));
    if (found.length) return { parent, found };
  }
  return null;
}

async function judgeDmarc(r: RecordCheck, txt: string[], resolver: DnsResolver): Promise<Verdict> {
  const found = dmarcRecords(txt);
  if (found.length === 1) return { found, state: 'ok', detail: null };
  if (found.length > 1) return { found, state: 'mismatch', detail: `${found.length} DMARC records at ${r.name}: receivers then ignore DMARC altogether. Keep one.` };
  const inherited = await parentDmarc(r.name.slice('_dmarc.'.length), resolver);
  if (inherited) return { found: inherited.found, state: 'ok', detail: `Covered by the DMARC record of ${inherited.parent}.` };
  return {
    found,
    state: 'missing',
    detail: 'Recommended: Gmail and Yahoo require a DMARC record from bulk senders. Start with p=none (monitor only) and tighten it once reports look clean.',
  };
}

async function checkRecord(r: RecordCheck, resolver: DnsResolver, platformDomain: string): Promise<RecordCheck> {
  let verdict: Verdict;
  try {
    const found = await lookup(r.name, r.type, resolver);
    if (r.kind === 'dkim') verdict = judgeDkim(r, found);
    else if (r.kind === 'spf') verdict = judgeSpf(r, found, platformDomain);
    else if (r.kind === 'return_path') verdict = judgeReturnPath(r, found);
    else verdict = await judgeDmarc(r, found, resolver);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    verdict = { found: [], state: 'error', detail: `Could not check: the DNS lookup failed (${reason}). Nothing was changed; Edgepost will try again.` };
  }
  return { ...r, ...verdict, ok: verdict.state === 'ok' };
}

/** Looks every record up (in parallel: a handful of lookups, within Workers' 6 open connections). */
export function checkRecords(records: RecordCheck[], resolver: DnsResolver, platformDomain: string): Promise<RecordCheck[]> {
  return Promise.all(records.map((r) => checkRecord(r, resolver, platformDomain)));
}

/**
 * The records as local-zone record sets, DKIM keys split into 255-character strings the way DNS
 * providers store them, so development exercises the same joining as production.
 */
export function localRecordSets(records: RecordCheck[]): LocalRecordSet[] {
  return records.map((r) => ({ name: r.name, type: r.type, values: [r.kind === 'dkim' ? splitTxt(r.expected) : r.expected] }));
}
