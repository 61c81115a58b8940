import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { cachingMx, dohResolver, joinTxtChunks, localZoneResolver, MX_CACHE_TTL_MS, NotInLocalZone, publishLocalRecords, quoteTxt, resolverFor, splitTxt, type DnsResolver, type FetchLike } from './dns';

/** A fetch double that answers DoH queries from a table keyed by "name type" and records every request. */
function fakeDoh(answers: Record<string, unknown>) {
  const requests: { url: URL; init: RequestInit }[] = [];
  const fetcher: FetchLike = (input, init) => {
    const url = new URL(input);
    requests.push({ url, init });
    const body = answers[`${url.searchParams.get('name')} ${url.searchParams.get('type')}`];
    if (body instanceof Response) return Promise.resolve(body);
    if (body instanceof Error) return Promise.reject(body);
    return Promise.resolve(Response.json(body ?? { Status: 0 }));
  };
  return { fetcher, requests };
}

const mx = (data: string) => ({ type: 15, data });

describe('DNS-over-HTTPS resolver', () => {
  it('sends a JSON DoH query for MX with the accept header', async () => {
    const { fetcher, requests } = fakeDoh({ 'example.com MX': { Status: 0, Answer: [mx('10 mx.example.com.')] } });
    await dohResolver(fetcher).resolveMx('example.com');
    expect(requests).toHaveLength(1);
    const { url, init } = requests[0]!;
    expect(`${url.origin}${url.pathname}`).toBe('https://cloudflare-dns.com/dns-query');
    expect(Object.fromEntries(url.searchParams)).toEqual({ name: 'example.com', type: 'MX' });
    expect(new Headers(init.headers).get('accept')).toBe('application/dns-json');
    expect(init.method ?? 'GET').toBe('GET');
  });

  it('uses a custom endpoint', async () => {
    const { fetcher, requests } = fakeDoh({ 'example.com MX': { Status: 0, Answer: [mx('10 mx.example.com.')] } });
    await dohResolver(fetcher, 'https://dns.google/resolve').resolveMx('example.com');
    expect(requests[0]!.url.toString()).toBe('https://dns.google/resolve?name=example.com&type=MX');
  });

  it('returns MX hosts by preference, without trailing dots, skipping CNAME answers', async () => {
    const { fetcher } = fakeDoh({
      'example.com MX': {
        Status: 0,
        Answer: [{ type: 5, data: 'alias.example.net.' }, mx('20 backup.example.com.'), mx('5 Primary.Example.com.'), mx('10 second.example.com.')],
      },
    });
    expect(await dohResolver(fetcher).resolveMx('example.com')).toEqual(['primary.example.com', 'second.example.com', 'backup.example.com']);
  });

  it('answers NXDOMAIN with no hosts and no further queries', async () => {
    const { fetcher, requests } = fakeDoh({ 'nope.example MX': { Status: 3 } });
    expect(await dohResolver(fetcher).resolveMx('nope.example')).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('falls back to the A record as implicit MX (RFC 5321 §5.1)', async () => {
    const { fetcher, requests } = fakeDoh({
      'a-only.example MX': { Status: 0, Authority: [{ type: 6, data: 'ns. hostmaster. 1 2 3 4 5' }] },
      'a-only.example A': { Status: 0, Answer: [{ type: 1, data: '192.0.2.1' }] },
    });
    expect(await dohResolver(fetcher).resolveMx('a-only.example')).toEqual(['a-only.example']);
    expect(requests.map((r) => r.url.searchParams.get('type'))).toEqual(['MX', 'A']);
  });

  it('falls back to the AAAA record when there is no A record either', async () => {
    const { fetcher, requests } = fakeDoh({
      'v6.example AAAA': { Status: 0, Answer: [{ type: 28, data: '2001:db8::1' }] },
    });
    expect(await dohResolver(fetcher).resolveMx('v6.example')).toEqual(['v6.example']);
    expect(requests.map((r) => r.url.searchParams.get('type'))).toEqual(['MX', 'A', 'AAAA']);
  });

  it('returns no hosts when there is no MX, A or AAAA record', async () => {
    const { fetcher } = fakeDoh({});
    expect(await dohResolver(fetcher).resolveMx('parked.example')).toEqual([]);
  });

  it('treats a null MX (RFC 7505) as no mail, without an A fallback', async () => {
    const { fetcher, requests } = fakeDoh({
      'nomail.example MX': { Status: 0, Answer: [mx('0 .')] },
      'nomail.example A': { Status: 0, Answer: [{ type: 1, data: '192.0.2.1' }] },
    });
    expect(await dohResolver(fetcher).resolveMx('nomail.example')).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('throws on SERVFAIL', async () => {
    const { fetcher } = fakeDoh({ 'broken.example MX': { Status: 2 } });
    await expect(dohResolver(fetcher).resolveMx('broken.example')).rejects.toThrow(/DNS status 2/);
  });

  it('throws on an HTTP error from the DoH endpoint', async () => {
    const { fetcher } = fakeDoh({ 'example.com MX': new Response('busy', { status: 503 }) });
    await expect(dohResolver(fetcher).resolveMx('example.com')).rejects.toThrow(/HTTP 503/);
  });

  it('throws when the request itself fails', async () => {
    const { fetcher } = fakeDoh({ 'example.com MX': new TypeError('network down') });
    await expect(dohResolver(fetcher).resolveMx('example.com')).rejects.toThrow(/network down/);
  });

  it('joins the character-strings of a split TXT record and unquotes escapes', async () => {
    const key = 'MIIBIjANBg' + 'A'.repeat(300) + 'IDAQAB';
    const [first, second] = [key.slice(0, 240), key.slice(240)];
    const { fetcher } = fakeDoh({
      'sel._domainkey.example.com TXT': {
        Status: 0,
        Answer: [
          { type: 5, data: 'keys.esp.example.' },
          { type: 16, data: `"v=DKIM1; k=rsa; p=${first}" "${second}"` },
          { type: 16, data: '"say \\"hi\\"\\059 back\\\\slash"' },
        ],
      },
    });
    expect(await dohResolver(fetcher).resolveTxt('sel._domainkey.example.com')).toEqual([`v=DKIM1; k=rsa; p=${key}`, 'say "hi"; back\\slash']);
  });

  it('takes unquoted TXT data as it stands (resolvers that return it unquoted)', async () => {
    const { fetcher } = fakeDoh({ 'example.com TXT': { Status: 0, Answer: [{ type: 16, data: 'v=spf1 -all' }] } });
    expect(await dohResolver(fetcher).resolveTxt('example.com')).toEqual(['v=spf1 -all']);
  });

  it('returns CNAME targets lower-cased without the trailing dot', async () => {
    const { fetcher, requests } = fakeDoh({ 'bounces.example.com CNAME': { Status: 0, Answer: [{ type: 5, data: 'Mail.Edgepost.test.' }] } });
    expect(await dohResolver(fetcher).resolveCname('bounces.example.com')).toEqual(['mail.edgepost.test']);
    expect(requests[0]!.url.searchParams.get('type')).toBe('CNAME');
  });

  it('answers NXDOMAIN with no TXT or CNAME records', async () => {
    const { fetcher } = fakeDoh({ 'nope.example TXT': { Status: 3 }, 'nope.example CNAME': { Status: 3 } });
    expect(await dohResolver(fetcher).resolveTxt('nope.example')).toEqual([]);
    expect(await dohResolver(fetcher).resolveCname('nope.example')).toEqual([]);
  });

  it('throws on SERVFAIL for TXT lookups too, rather than answering "no records"', async () => {
    const { fetcher } = fakeDoh({ 'broken.example TXT': { Status: 2 } });
    await expect(dohResolver(fetcher).resolveTxt('broken.example')).rejects.toThrow(/DNS status 2/);
  });

  it('gives every query a timeout', async () => {
    const { fetcher, requests } = fakeDoh({});
    await dohResolver(fetcher).resolveTxt('example.com');
    expect(requests[0]!.init.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('TXT presentation format', () => {
  it('round-trips split values through quoting and joining', () => {
    const value = `v=DKIM1; k=rsa; p=${'x'.repeat(600)}"\\`;
    const chunks = splitTxt(value);
    expect(chunks.map((c) => c.length)).toEqual([255, 255, value.length - 510]);
    expect(joinTxtChunks(quoteTxt(chunks))).toBe(value);
  });
});

describe('local DNS zone', () => {
  const resolver = () => localZoneResolver(env.FILES);

  it('answers published records, joining split TXT records and canonicalizing names', async () => {
    await publishLocalRecords(env, [
      { name: 'Zone-A.test.', type: 'TXT', values: ['v=spf1 -all', ['v=DKIM1; p=abc', 'def']] },
      { name: 'bounces.zone-a.test', type: 'CNAME', values: ['Mail.Edgepost.test.'] },
      { name: 'zone-a.test', type: 'MX', values: ['20 backup.zone-a.test', '10 mx.zone-a.test'] },
    ]);
    expect(await resolver().resolveTxt('zone-a.test')).toEqual(['v=spf1 -all', 'v=DKIM1; p=abcdef']);
    expect(await resolver().resolveCname('BOUNCES.zone-a.test')).toEqual(['mail.edgepost.test']);
    expect(await resolver().resolveMx('zone-a.test')).toEqual(['mx.zone-a.test', 'backup.zone-a.test']);
  });

  it('throws NotInLocalZone for a name it knows nothing about, so "unknown" is not mistaken for "no records"', async () => {
    await expect(resolver().resolveTxt('never-published.test')).rejects.toBeInstanceOf(NotInLocalZone);
    await expect(resolver().resolveMx('never-published.test')).rejects.toBeInstanceOf(NotInLocalZone);
  });

  it('answers "no records" for a type a known name lacks', async () => {
    await publishLocalRecords(env, [{ name: 'zone-b.test', type: 'TXT', values: ['hello'] }]);
    expect(await resolver().resolveCname('zone-b.test')).toEqual([]);
  });

  it('replaces a name and type on republishing', async () => {
    await publishLocalRecords(env, [{ name: 'zone-c.test', type: 'TXT', values: ['one', 'two'] }]);
    await publishLocalRecords(env, [{ name: 'zone-c.test', type: 'TXT', values: ['three'] }]);
    expect(await resolver().resolveTxt('zone-c.test')).toEqual(['three']);
  });

  it('refuses to write in production', async () => {
    await expect(publishLocalRecords({ ...env, APP_ENV: 'production' }, [{ name: 'x.test', type: 'TXT', values: ['x'] }])).rejects.toThrow(/production/);
  });
});

describe('MX answer cache', () => {
  /** A resolver that answers MX from a table (a missing name fails) and counts the lookups per name. */
  function counting(table: Record<string, string[]>) {
    const lookups: string[] = [];
    const resolver: DnsResolver = {
      resolveTxt: () => Promise.resolve([]),
      resolveCname: () => Promise.resolve([]),
      resolveAddresses: () => Promise.resolve([]),
      resolveMx(name) {
        lookups.push(name);
        const hosts = table[name];
        return hosts ? Promise.resolve([...hosts]) : Promise.reject(new Error('SERVFAIL'));
      },
    };
    return { resolver, lookups };
  }

  it('answers repeated lookups of a domain from one query until the TTL runs out, "no mail" included', async () => {
    let clock = 0;
    const { resolver, lookups } = counting({ 'gmail.com': ['gmail-smtp-in.l.google.com'], 'dead.example': [] });
    const cached = cachingMx(resolver, { now: () => clock });
    expect(await cached.resolveMx('gmail.com')).toEqual(['gmail-smtp-in.l.google.com']);
    expect(await cached.resolveMx('GMAIL.com.')).toEqual(['gmail-smtp-in.l.google.com']);
    expect(await cached.resolveMx('dead.example')).toEqual([]);
    expect(await cached.resolveMx('dead.example')).toEqual([]);
    expect(lookups).toEqual(['gmail.com', 'dead.example']);
    clock = MX_CACHE_TTL_MS;
    await cached.resolveMx('gmail.com');
    expect(lookups).toEqual(['gmail.com', 'dead.example', 'gmail.com']);
  });

  it('does not keep a failed lookup: the next caller asks again', async () => {
    const { resolver, lookups } = counting({});
    const cached = cachingMx(resolver);
    await expect(cached.resolveMx('flaky.example')).rejects.toThrow('SERVFAIL');
    await expect(cached.resolveMx('flaky.example')).rejects.toThrow('SERVFAIL');
    expect(lookups).toEqual(['flaky.example', 'flaky.example']);
  });

  it('stays bounded, dropping the oldest domain first', async () => {
    const { resolver, lookups } = counting({ 'a.example': ['mx.a'], 'b.example': ['mx.b'], 'c.example': ['mx.c'] });
    const cached = cachingMx(resolver, { limit: 2 });
    for (const d of ['a.example', 'b.example', 'c.example', 'c.example', 'b.example', 'a.example']) await cached.resolveMx(d);
    expect(lookups).toEqual(['a.example', 'b.example', 'c.example', 'a.example']);
  });

  it('hands out copies, so a caller cannot change what later callers get', async () => {
    const cached = cachingMx(counting({ 'a.example': ['mx1', 'mx2'] }).resolver);
    (await cached.resolveMx('a.example')).pop();
    expect(await cached.resolveMx('a.example')).toEqual(['mx1', 'mx2']);
  });

  it('is not used for the local zone, so records published during development count at once', async () => {
    const resolver = resolverFor(env);
    await publishLocalRecords(env, [{ name: 'zone-mx.test', type: 'MX', values: ['0 .'] }]);
    expect(await resolver.resolveMx('zone-mx.test')).toEqual([]);
    await publishLocalRecords(env, [{ name: 'zone-mx.test', type: 'MX', values: ['10 mx.zone-mx.test'] }]);
    expect(await resolver.resolveMx('zone-mx.test')).toEqual(['mx.zone-mx.test']);
  });
});
