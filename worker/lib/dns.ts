import { config, type Env } from '../env';

/**
 * The one DNS interface: DNS over HTTPS in production (Workers have no DNS socket API), a zone kept in
 * R2 in development and tests, where names under the reserved `.test` TLD (RFC 2606) never resolve.
 * Every method throws when the lookup itself fails, so callers can tell "no records" from "don't know".
 */
export interface DnsResolver {
  /** One string per TXT record, its character-strings joined (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
  resolveTxt(name: string): Promise<string[]>;
  /** CNAME targets, lower-cased, without the trailing dot. */
  resolveCname(name: string): Promise<string[]>;
  /** Mail exchanger hosts, best first; an empty array when the domain receives no mail. */
  resolveMx(name: string): Promise<string[]>;
  /** A and AAAA addresses (webhook targets are checked against private ranges: lib/ssrf.ts). */
  resolveAddresses(name: string): Promise<string[]>;
}

export type RecordType = 'TXT' | 'CNAME' | 'MX' | 'A' | 'AAAA';

/** The local zone holds no record of this name: unknown, which is not the same as "no records". */
export class NotInLocalZone extends Error {
  constructor(name: string) {
    super(`${name} is not in the local DNS zone`);
    this.name = 'NotInLocalZone';
  }
}

/** A lower-cased name without the root's trailing dot. */
export const canonicalName = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/**
 * One query: the answers' data in presentation format (RFC 1035 §5.1: TXT as quoted strings), or null
 * when the name does not exist (NXDOMAIN). Throws when the lookup failed.
 */
type Lookup = (name: string, type: RecordType) => Promise<string[] | null>;

/**
 * A TXT record's data in presentation format (`"v=DKIM1; k=rsa; p=MIIB…" "…AQAB"`) as one string.
 * DNS holds at most 255 octets per character-string, so providers split long values (DKIM keys) into
 * several, and verifiers concatenate them without a separator. Unquoted data is taken as it stands.
 */
export function joinTxtChunks(data: string): string {
  const s = data.trim();
  if (!s.startsWith('"')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '"') {
      i++; // whitespace between character-strings
      continue;
    }
    for (i++; i < s.length && s[i] !== '"'; i++) {
      if (s[i] !== '\\') {
        out += s[i];
        continue;
      }
      const digits = s.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        out += String.fromCharCode(Number(digits)); // \DDD: a decimal octet
        i += 3;
      } else {
        out += s[++i] ?? '';
      }
    }
    i++; // closing quote
  }
  return out;
}

/** Presentation format of one TXT record given as its character-strings (a string is one of them). */
export function quoteTxt(strings: string | string[]): string {
  return (typeof strings === 'string' ? [strings] : strings).map((c) => `"${c.replace(/[\\"]/g, '\\$&')}"`).join(' ');
}

/** Splits a TXT value into the 255-octet character-strings DNS can hold (DKIM keys are longer). */
export function splitTxt(value: string, size = 255): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += size) chunks.push(value.slice(i, i + size));
  return chunks.length ? chunks : [''];
}

function resolverOver(lookup: Lookup): DnsResolver {
  return {
    async resolveTxt(name) {
      return ((await lookup(name, 'TXT')) ?? []).map(joinTxtChunks);
    },
    async resolveCname(name) {
      return ((await lookup(name, 'CNAME')) ?? []).map(canonicalName);
    },
    async resolveAddresses(name) {
      const [a, aaaa] = await Promise.all([lookup(name, 'A'), lookup(name, 'AAAA')]);
      return [...(a ?? []), ...(aaaa ?? [])];
    },
    /**
     * RFC 5321 §5.1: without MX records the domain's own A/AAAA record is the implicit mail exchanger;
     * RFC 7505: a lone "null MX" (`0 .`) declares that the domain accepts no mail at all.
     */
    async resolveMx(domain) {
      const mx = await lookup(domain, 'MX');
      if (mx === null) return [];
      if (mx.length > 0) {
        const hosts = mx
          .map((data) => {
            const [pref, host = ''] = data.trim().split(/\s+/);
            return { pref: Number(pref), host: canonicalName(host) };
          })
          .sort((x, y) => x.pref - y.pref);
        // RFC 7505 §3: a null MX is the domain saying "no mail here"; don't fall back to A records.
        return hosts.filter((h) => h.host !== '').map((h) => h.host);
      }
      if (((await lookup(domain, 'A')) ?? []).length > 0) return [domain];
      if (((await lookup(domain, 'AAAA')) ?? []).length > 0) return [domain];
      return [];
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// DNS over HTTPS

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

interface DohResponse {
  Status?: number;
  Answer?: { type?: number; data?: string }[];
}

const DNS_TYPE: Record<RecordType, number> = { A: 1, CNAME: 5, MX: 15, TXT: 16, AAAA: 28 };
const NOERROR = 0;
const NXDOMAIN = 3;
const DOH_TIMEOUT_MS = 5000;
export const CLOUDFLARE_DOH = 'https://cloudflare-dns.com/dns-query';

/** DNS over HTTPS, JSON flavour (`application/dns-json`, as Cloudflare and Google serve it). */
export function dohResolver(fetcher: FetchLike = fetch, endpoint = CLOUDFLARE_DOH): DnsResolver {
  return resolverOver(async (name, type) => {
    const url = new URL(endpoint);
    url.searchParams.set('name', name);
    url.searchParams.set('type', type);
    const res = await fetcher(url.toString(), {
      method: 'GET',
      headers: { accept: 'application/dns-json' },
      signal: AbortSignal.timeout(DOH_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`DNS-over-HTTPS ${type} lookup for ${name} failed: HTTP ${res.status}`);
    const body = (await res.json()) as DohResponse;
    if (body.Status === NXDOMAIN) return null;
    if (body.Status !== NOERROR) {
      // SERVFAIL, REFUSED…: the domain may be fine, we just couldn't tell.
      throw new Error(`DNS-over-HTTPS ${type} lookup for ${name} failed: DNS status ${String(body.Status)}`);
    }
    // Answers can include the CNAME chain that led to the records asked for.
    return (body.Answer ?? []).filter((a) => a.type === DNS_TYPE[type]).map((a) => a.data ?? '');
  });
}

// ---------------------------------------------------------------------------------------------------
// The local zone (development and tests)

/** A record as stored in the local zone: TXT records may be given as their character-strings. */
export type LocalRecordValue = string | string[];

/** All records of one name and type; publishing replaces what the zone held for that name and type. */
export interface LocalRecordSet {
  name: string;
  type: RecordType;
  values: LocalRecordValue[];
}

type LocalZoneEnv = Pick<Env, 'FILES' | 'APP_ENV'>;

const ZONE_PREFIX = 'dev-dns/';
const zoneKey = (name: string, type: RecordType) => `${ZONE_PREFIX}${canonicalName(name)}/${type}`;

/**
 * Answers from R2 objects `dev-dns/<name>/<TYPE>` (a JSON array of records). A name the zone knows
 * nothing about throws NotInLocalZone, so validating an arbitrary `.test` address stays possible (MX
 * unknown), while a name with records of other types answers "no records" of the one asked.
 */
export function localZoneResolver(bucket: R2Bucket): DnsResolver {
  return resolverOver(async (name, type) => {
    const object = await bucket.get(zoneKey(name, type));
    if (!object) {
      const known = await bucket.list({ prefix: `${ZONE_PREFIX}${canonicalName(name)}/`, limit: 1 });
      if (!known.objects.length) throw new NotInLocalZone(canonicalName(name));
      return [];
    }
    const values = await object.json<LocalRecordValue[]>();
    return values.map((v) => (type === 'TXT' ? quoteTxt(v) : String(v)));
  });
}

/** Writes record sets into the local zone (development and tests only: production resolves for real). */
export async function publishLocalRecords(env: LocalZoneEnv, sets: LocalRecordSet[]) {
  if (env.APP_ENV === 'production') throw new Error('the local DNS zone does not exist in production');
  for (const set of sets) {
    await env.FILES.put(zoneKey(set.name, set.type), JSON.stringify(set.values), { httpMetadata: { contentType: 'application/json' } });
  }
}

// ---------------------------------------------------------------------------------------------------
// MX answer cache

export const MX_CACHE_TTL_MS = 5 * 60_000;
const MX_CACHE_LIMIT = 1000;

/**
 * Keeps resolveMx answers, "no mail" included, for a few minutes in a bounded map (the oldest entry
 * goes when full), so a burst of sign-ups at one provider costs one lookup. Failures are not kept: the
 * next caller asks again. Settled answers only, never a lookup in flight: a Worker must not await a
 * promise whose I/O belongs to another request.
 */
export function cachingMx(resolver: DnsResolver, { ttlMs = MX_CACHE_TTL_MS, limit = MX_CACHE_LIMIT, now = Date.now } = {}): DnsResolver {
  const cache = new Map<string, { expires: number; hosts: string[] }>();
  return {
    ...resolver,
    async resolveMx(domain) {
      const key = canonicalName(domain);
      const hit = cache.get(key);
      if (hit && hit.expires > now()) return [...hit.hosts];
      const hosts = await resolver.resolveMx(key);
      cache.delete(key);
      if (cache.size >= limit) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(key, { expires: now() + ttlMs, hosts: [...hosts] });
      return hosts;
    },
  };
}

// One per isolate, so its MX cache serves every request the isolate handles.
let productionResolver: DnsResolver | undefined;

/**
 * DNS over HTTPS through Cloudflare in production, MX answers cached; the local zone everywhere else,
 * uncached, so records published during development take effect at once.
 */
export function resolverFor(env: Env): DnsResolver {
  if (config(env).APP_ENV !== 'production') return localZoneResolver(env.FILES);
  return (productionResolver ??= cachingMx(dohResolver()));
}
