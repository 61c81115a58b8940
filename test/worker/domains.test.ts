import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { dkimKeys } from '../../worker/db/schema';
import { tenantScope } from '../../worker/db/tenant-scope';
import { publishLocally } from '../../worker/domain/sending-domains';
import { decryptSecret } from '../../worker/lib/crypto';
import { importDkimPrivateKey } from '../../worker/mail/dkim';
import { fromBase64 } from '../../worker/lib/encoding';
import { publishLocalRecords, splitTxt } from '../../worker/lib/dns';
import { addDomain, domainAction, notificationsOf, PLATFORM, recordOf, uniqueDomain, verifiedDomain } from './domain-helpers';
import { addMember, call, createApiKey, expectProblem, paidTenant, setPlan, signupTenant } from './helpers';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const pOf = (dkimValue: string) => /p=([A-Za-z0-9+/=]+)/.exec(dkimValue)![1]!;
const importPublic = (p: string) => crypto.subtle.importKey('spki', fromBase64(p), RSA, true, ['verify']);

describe('adding a sending domain', () => {
  it('is refused on the free plan with a problem that says to upgrade', async () => {
    const s = await signupTenant('Free Sender');
    const res = await call('/v1/domains', { token: s.token, body: { domain: uniqueDomain() } });
    expectProblem(res, 409, 'conflict');
    expect(res.json.detail).toMatch(/Free plan sends from free-sender.*@mail\.edgepost\.test.*upgrade the plan/i);
    expect(res.json.upgrade_required).toBe(true);
    const list = await call('/v1/domains', { token: s.token });
    expect(list.json).toMatchObject({ data: [], custom_domains_allowed: false, max_domains: 0 });
  });

  it('stops at the plan’s domain count', async () => {
    const s = await signupTenant();
    await setPlan(s.tenantId, 'starter');
    await addDomain(s);
    const res = await call('/v1/domains', { token: s.token, body: { domain: uniqueDomain() } });
    expectProblem(res, 409, 'conflict');
    expect(res.json).toMatchObject({ limit: 1, used: 1 });
  });

  it('refuses the same domain twice in a workspace', async () => {
    const s = await paidTenant();
    const first = await addDomain(s);
    const again = await call('/v1/domains', { token: s.token, body: { domain: first.domain.toUpperCase() } });
    expectProblem(again, 409, 'conflict');
    expect(again.json.existing_id).toBe(first.id);
  });

  it('generates a real 2048-bit DKIM key, stores the private half only encrypted, and lists every record to publish', async () => {
    const s = await paidTenant();
    const domain = uniqueDomain();
    const added = await addDomain(s, domain);
    expect(added).toMatchObject({ domain, status: 'pending', verified_at: null, last_checked_at: null });
    const [key] = added.dkim_keys;
    expect(key).toMatchObject({ status: 'active', selector: expect.stringMatching(/^ep\d{6}-[a-z0-9]{4}$/) });

    const dkim = recordOf(added, 'dkim');
    expect(dkim).toMatchObject({ name: `${key.selector}._domainkey.${domain}`, type: 'TXT', required: true, found: [], ok: false, state: 'unchecked' });
    expect(dkim.expected).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
    expect(recordOf(added, 'spf')).toMatchObject({ name: domain, type: 'TXT', expected: `v=spf1 include:_spf.${PLATFORM} ~all`, required: true });
    expect(recordOf(added, 'return_path')).toMatchObject({ name: `bounces.${domain}`, type: 'CNAME', expected: PLATFORM, required: true });
    expect(recordOf(added, 'dmarc')).toMatchObject({ name: `_dmarc.${domain}`, type: 'TXT', required: false });
    expect(recordOf(added, 'dmarc').expected).toMatch(/^v=DMARC1; p=none; rua=mailto:/);

    const publicKey = await importPublic(pOf(dkim.expected));
    expect((publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength).toBe(2048);

    const row = (await getDb(env).select().from(dkimKeys).where(eq(dkimKeys.tenantId, s.tenantId)).all())[0]!;
    expect(row.privateKeyEnc).toMatch(/^v1\./);
    expect(row.privateKeyEnc).not.toContain('PRIVATE KEY');
    expect(row.privateKeyEnc).not.toContain('MII');
    const privateKey = await importDkimPrivateKey(await decryptSecret(env.ENCRYPTION_KEY, row.privateKeyEnc));
    const data = new TextEncoder().encode('a message to sign');
    const signature = await crypto.subtle.sign(RSA, privateKey, data);
    expect(await crypto.subtle.verify(RSA, publicKey, signature, data)).toBe(true);
  });

  it.each([
    ['an IPv4 address', '192.168.0.1', /IP address/],
    ['an IPv6 literal', '[::1]', /IP address/],
    ['a bare IPv6 address', '2001:db8::1', /IP address/],
    ['localhost', 'localhost', /reserved/],
    ['a .localhost name', 'mail.localhost', /reserved/],
    ['a single label', 'intranet', /not a full domain name/],
    ['the platform domain', PLATFORM, /Edgepost's own sending domain/],
    ['a subdomain of the platform domain', `tenant.${PLATFORM}`, /Edgepost's own sending domain/],
    ['the platform domain in full-width letters', 'ｍａｉｌ．ｅｄｇｅｐｏｓｔ．ｔｅｓｔ', /Edgepost's own sending domain/],
    ['a URL', 'https://acme.com/', /domain alone/],
    ['a port', 'acme.com:25', /domain alone/],
    ['an address', 'ada@acme.com', /domain alone/],
    ['an underscore', 'ex_ample.com', /letters, digits or inner hyphens/],
    ['a leading hyphen', '-acme.com', /letters, digits or inner hyphens/],
    ['an empty label', 'acme..com', /letters, digits or inner hyphens/],
    ['a numeric top-level domain', 'acme.123', /not a top-level domain/],
    ['a label over 63 characters', `${'a'.repeat(64)}.com`, /letters, digits or inner hyphens/],
    ['a name too long for its DKIM record', `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(40)}.com`, /longer than/],
    ['invalid code points', 'ex\u0000ample.com', /not allowed|domain alone/],
  ])('refuses %s', async (_, domain, message) => {
    const s = await paidTenant();
    const res = await call('/v1/domains', { token: s.token, body: { domain } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.detail).toMatch(message);
    expect(res.json.errors).toEqual([{ field: 'domain', message: expect.any(String) }]);
  });

  it.each([
    ['drops the trailing root dot', 'evil-1.com.', 'evil-1.com'],
    ['lower-cases', 'Acme-Mixed.COM', 'acme-mixed.com'],
    ['stores an IDN as punycode', 'bücher.de', 'xn--bcher-kva.de'],
  ])('%s', async (_, input, stored) => {
    const s = await paidTenant();
    expect((await addDomain(s, input)).domain).toBe(stored);
  });
});

describe('verifying a sending domain', () => {
  it('reports every record as not found when nothing is published', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    const res = await domainAction(s, added.id, 'verify');
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('pending');
    expect(res.json.last_checked_at).not.toBeNull();
    for (const kind of ['dkim', 'spf', 'return_path', 'dmarc']) {
      expect(recordOf(res.json, kind), kind).toMatchObject({ ok: false, state: 'missing', found: [] });
      expect(recordOf(res.json, kind).detail, kind).toBeTruthy();
    }
    expect(await notificationsOf(s.tenantId, 'domain_verified')).toHaveLength(0);
  });

  it('verifies once the records are published (DKIM split into 255-character strings), and notifies once', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    const published = await domainAction(s, added.id, 'publish-local');
    expect(published.json.status).toBe('pending');
    const res = await domainAction(s, added.id, 'verify');
    expect(res.json).toMatchObject({ status: 'verified', failing_since: null });
    expect(res.json.verified_at).not.toBeNull();
    for (const r of res.json.records) expect(r, r.kind).toMatchObject({ ok: true, state: 'ok', found: [r.expected] });

    await domainAction(s, added.id, 'verify');
    expect(await notificationsOf(s.tenantId, 'domain_verified')).toHaveLength(1);
    expect((await call(`/v1/domains/${added.id}`, { token: s.token })).json.status).toBe('verified');
  });

  it('joins a DKIM key however the provider split it', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    await domainAction(s, added.id, 'publish-local');
    const dkim = recordOf(added, 'dkim');
    await publishLocalRecords(env, [{ name: dkim.name, type: 'TXT', values: [splitTxt(dkim.expected, 100)] }]);
    const res = await domainAction(s, added.id, 'verify');
    expect(recordOf(res.json, 'dkim')).toMatchObject({ ok: true, found: [dkim.expected] });
    expect(res.json.status).toBe('verified');
  });

  it('fails SPF with an explanation when the domain has two SPF records', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    await domainAction(s, added.id, 'publish-local');
    await publishLocalRecords(env, [
      { name: added.domain, type: 'TXT', values: [`v=spf1 include:_spf.${PLATFORM} ~all`, 'v=spf1 include:_spf.google.com ~all', 'google-site-verification=abc'] },
    ]);
    const res = await domainAction(s, added.id, 'verify');
    expect(res.json.status).toBe('pending');
    const spf = recordOf(res.json, 'spf');
    expect(spf).toMatchObject({ ok: false, state: 'mismatch' });
    expect(spf.found).toHaveLength(2);
    expect(spf.detail).toMatch(/2 SPF records.*only one.*Merge them/);
  });

  it('suggests the merged SPF record when the existing one lacks the include', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    await domainAction(s, added.id, 'publish-local');
    await publishLocalRecords(env, [{ name: added.domain, type: 'TXT', values: ['v=spf1 include:_spf.google.com -all'] }]);
    const spf = recordOf((await domainAction(s, added.id, 'verify')).json, 'spf');
    expect(spf).toMatchObject({ ok: false, state: 'mismatch' });
    expect(spf.detail).toContain(`v=spf1 include:_spf.google.com include:_spf.${PLATFORM} -all`);
  });

  it('accepts an existing SPF record that includes the platform among others', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    await domainAction(s, added.id, 'publish-local');
    await publishLocalRecords(env, [{ name: added.domain, type: 'TXT', values: [`v=spf1 ip4:192.0.2.0/24 include:_spf.${PLATFORM.toUpperCase()} ~all`] }]);
    expect(recordOf((await domainAction(s, added.id, 'verify')).json, 'spf').ok).toBe(true);
  });

  it('refuses a DKIM record carrying another key, and a wrong return path', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    await domainAction(s, added.id, 'publish-local');
    const other = await addDomain(s);
    await publishLocalRecords(env, [
      { name: recordOf(added, 'dkim').name, type: 'TXT', values: [recordOf(other, 'dkim').expected] },
      { name: `bounces.${added.domain}`, type: 'CNAME', values: ['bounces.other-esp.example.'] },
    ]);
    const res = await domainAction(s, added.id, 'verify');
    expect(res.json.status).toBe('pending');
    expect(recordOf(res.json, 'dkim')).toMatchObject({ state: 'mismatch', detail: expect.stringMatching(/different key/) });
    expect(recordOf(res.json, 'return_path')).toMatchObject({ state: 'mismatch', found: ['bounces.other-esp.example'] });
  });

  it('verifies without DMARC (recommended, not required), and accepts a parent domain’s DMARC for a subdomain', async () => {
    const s = await paidTenant();
    const parent = uniqueDomain('org');
    const added = await addDomain(s, `news.${parent}`);
    await domainAction(s, added.id, 'publish-local');
    await publishLocalRecords(env, [{ name: `_dmarc.${added.domain}`, type: 'TXT', values: [] }]);
    const without = await domainAction(s, added.id, 'verify');
    expect(without.json.status).toBe('verified');
    expect(recordOf(without.json, 'dmarc')).toMatchObject({ ok: false, state: 'missing', required: false, detail: expect.stringMatching(/Gmail and Yahoo/) });

    await publishLocalRecords(env, [{ name: `_dmarc.${parent}`, type: 'TXT', values: ['v=DMARC1; p=reject'] }]);
    const inherited = await domainAction(s, added.id, 'verify');
    expect(recordOf(inherited.json, 'dmarc')).toMatchObject({ ok: true, found: ['v=DMARC1; p=reject'], detail: `Covered by the DMARC record of ${parent}.` });
  });

  it('is rate-limited per workspace', async () => {
    const s = await paidTenant();
    const added = await addDomain(s);
    for (let i = 0; i < 30; i++) expect((await domainAction(s, added.id, 'verify')).status).toBe(200);
    const limited = await domainAction(s, added.id, 'verify');
    expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('DKIM key rotation', () => {
  it('keeps the old key active until the new record is published, then retires it', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    const oldSelector = domain.dkim_keys[0].selector;

    const rotated = await domainAction(s, domain.id, 'rotate-dkim');
    expect(rotated.status).toBe(200);
    const newKey = rotated.json.dkim_keys.find((k: { status: string }) => k.status === 'pending');
    expect(newKey.selector).not.toBe(oldSelector);
    const dkimRecords = rotated.json.records.filter((r: { kind: string }) => r.kind === 'dkim');
    expect(dkimRecords.map((r: { name: string; required: boolean }) => [r.name.split('.')[0], r.required])).toEqual([
      [oldSelector, true],
      [newKey.selector, false],
    ]);
    expectProblem(await domainAction(s, domain.id, 'rotate-dkim'), 409, 'conflict');

    const notYet = await domainAction(s, domain.id, 'verify');
    expect(notYet.json.status).toBe('verified');
    expect(notYet.json.dkim_keys.map((k: { selector: string; status: string }) => [k.selector, k.status])).toEqual([
      [oldSelector, 'active'],
      [newKey.selector, 'pending'],
    ]);
    expect(recordOf(notYet.json, 'dkim', `${newKey.selector}._domainkey.${domain.domain}`)).toMatchObject({ state: 'missing', required: false });

    await domainAction(s, domain.id, 'publish-local');
    const done = await domainAction(s, domain.id, 'verify');
    expect(done.json.status).toBe('verified');
    const keys = done.json.dkim_keys.map((k: { selector: string; status: string; retired_at: string | null }) => [k.selector, k.status, Boolean(k.retired_at)]);
    expect(keys).toEqual([
      [oldSelector, 'retired', true],
      [newKey.selector, 'active', false],
    ]);
    const dkimAfter = done.json.records.filter((r: { kind: string }) => r.kind === 'dkim');
    expect(dkimAfter).toHaveLength(1);
    expect(dkimAfter[0]).toMatchObject({ name: `${newKey.selector}._domainkey.${domain.domain}`, required: true, ok: true });
  });
});

describe('domains API', () => {
  it('lists the workspace’s domains with the platform address and its DKIM record', async () => {
    const s = await paidTenant('Listing Co');
    const domain = await addDomain(s);
    const res = await call('/v1/domains', { token: s.token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ custom_domains_allowed: true, max_domains: 5 });
    expect(res.json.data.map((d: { id: string }) => d.id)).toEqual([domain.id]);
    expect(res.json.platform).toMatchObject({
      domain: PLATFORM,
      from_email: expect.stringMatching(/^listing-co(-\d+)?@mail\.edgepost\.test$/),
      dkim_selector: 'ep1',
      dkim_record_name: `ep1._domainkey.${PLATFORM}`,
    });
    // The published value is the public half of the configured platform key.
    const platformKey = await importDkimPrivateKey(env.PLATFORM_DKIM_PRIVATE_KEY);
    const data = new TextEncoder().encode('platform');
    const signature = await crypto.subtle.sign(RSA, platformKey, data);
    expect(await crypto.subtle.verify(RSA, await importPublic(pOf(res.json.platform.dkim_record_value)), signature, data)).toBe(true);
  });

  it('deletes a domain with its keys, audited', async () => {
    const s = await paidTenant();
    const domain = await addDomain(s);
    expect((await call(`/v1/domains/${domain.id}`, { token: s.token, method: 'DELETE' })).status).toBe(204);
    expect((await call(`/v1/domains/${domain.id}`, { token: s.token })).status).toBe(404);
    expect(await getDb(env).select().from(dkimKeys).where(eq(dkimKeys.domainId, domain.id)).all()).toEqual([]);
    const log = await call('/v1/audit-log?action=domain.*', { token: s.token });
    expect(log.json.data.map((e: { action: string }) => e.action)).toEqual(['domain.deleted', 'domain.created']);
  });

  it('answers 404 for another workspace’s domain on every route', async () => {
    const owner = await paidTenant();
    const domain = await addDomain(owner);
    const other = await paidTenant();
    expect((await call(`/v1/domains/${domain.id}`, { token: other.token })).status).toBe(404);
    for (const action of ['verify', 'rotate-dkim', 'publish-local'] as const) expectProblem(await domainAction(other, domain.id, action), 404, 'not-found');
    expectProblem(await call(`/v1/domains/${domain.id}`, { token: other.token, method: 'DELETE' }), 404, 'not-found');
    expect((await call('/v1/domains', { token: other.token })).json.data).toEqual([]);
    expect((await call(`/v1/domains/${domain.id}`, { token: owner.token })).status).toBe(200);
  });

  it('lets every member read but only managers and scoped keys change domains', async () => {
    const s = await paidTenant();
    const viewer = await addMember(s.tenantId, 'viewer');
    const editor = await addMember(s.tenantId, 'editor');
    expect((await call('/v1/domains', { token: viewer.token })).status).toBe(200);
    expectProblem(await call('/v1/domains', { token: editor.token, body: { domain: uniqueDomain() } }), 403, 'forbidden');
    const readKey = await createApiKey(s, ['tenant:read']);
    expect((await call('/v1/domains', { token: readKey.secret })).status).toBe(200);
    expectProblem(await call('/v1/domains', { token: readKey.secret, body: { domain: uniqueDomain() } }), 403, 'insufficient-scope');
    const writeKey = await createApiKey(s, ['domains:write']);
    expect((await call('/v1/domains', { token: writeKey.secret, body: { domain: uniqueDomain() } })).status).toBe(201);
  });

  it('rejects unknown body fields', async () => {
    const s = await paidTenant();
    expectProblem(await call('/v1/domains', { token: s.token, body: { domain: uniqueDomain(), verified: true } }), 400, 'validation-error');
  });

  it('has no local publishing in production', async () => {
    const s = await paidTenant();
    const domain = await addDomain(s);
    const production = { ...env, APP_ENV: 'production', TURNSTILE_SITE_KEY: 'site', TURNSTILE_SECRET_KEY: 'secret' };
    await expect(publishLocally(production, tenantScope(getDb(env), s.tenantId), domain.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('onboarding', () => {
  it('ticks the sending-domain step of a paid plan once a domain is verified', async () => {
    const s = await paidTenant();
    const step = async () => (await call('/v1/onboarding', { token: s.token })).json.steps.find((x: { key: string }) => x.key === 'sending_domain');
    expect(await step()).toMatchObject({ done: false, href: '/domains' });
    await addDomain(s);
    expect((await step()).done).toBe(false);
    await verifiedDomain(s);
    expect((await step()).done).toBe(true);
  });
});
