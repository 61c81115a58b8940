import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { dkimKeys, sendingDomains } from '../../worker/db/schema';
import { purgeRetiredKeys, recheckDomains, RETIRED_KEY_GRACE_MS, rotateAgedKeys } from '../../worker/domain/sending-domains';
import { publishLocalRecords, type DnsResolver } from '../../worker/lib/dns';
import { addDomain, domainAction, domainRow, notificationsOf, recordOf, verifiedDomain } from './domain-helpers';
import { call, paidTenant } from './helpers';

const db = () => getDb(env);
const YEAR = 365 * 24 * 3600_000;

/** Makes the domain the oldest one due, so a cron run with its small batch picks it first. */
let dueOrder = 0;
const makeDue = (id: string) => db().update(sendingDomains).set({ lastCheckedAt: new Date(++dueOrder * 1000) }).where(eq(sendingDomains.id, id)).run();

const failingResolver: DnsResolver = {
  resolveTxt: () => Promise.reject(new Error('DNS-over-HTTPS TXT lookup failed: HTTP 503')),
  resolveCname: () => Promise.reject(new Error('DNS-over-HTTPS CNAME lookup failed: HTTP 503')),
  resolveMx: () => Promise.reject(new Error('DNS-over-HTTPS MX lookup failed: HTTP 503')),
  resolveAddresses: () => Promise.reject(new Error('DNS-over-HTTPS A lookup failed: HTTP 503')),
};

describe('daily re-check of verified domains', () => {
  it('marks a domain failing when a record breaks, tells the managers once per breakage, and recovers', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    const dkim = recordOf(domain, 'dkim');

    await publishLocalRecords(env, [{ name: dkim.name, type: 'TXT', values: [] }]);
    await makeDue(domain.id);
    await recheckDomains(env, db());
    const broken = (await call(`/v1/domains/${domain.id}`, { token: s.token })).json;
    expect(broken.status).toBe('failing');
    expect(broken.failing_since).not.toBeNull();
    expect(recordOf(broken, 'dkim')).toMatchObject({ ok: false, state: 'missing' });
    const told = await notificationsOf(s.tenantId, 'domain_broken');
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toBe(`Sending domain ${domain.domain} needs attention`);
    expect(told[0]!.body).toContain('The DKIM record of');
    expect(told[0]!.body).toContain(dkim.name);

    await makeDue(domain.id);
    await recheckDomains(env, db());
    expect((await domainRow(domain.id))!.status).toBe('failing');
    expect(await notificationsOf(s.tenantId, 'domain_broken')).toHaveLength(1);

    await domainAction(s, domain.id, 'publish-local');
    await makeDue(domain.id);
    await recheckDomains(env, db());
    expect(await domainRow(domain.id)).toMatchObject({ status: 'verified', failingSince: null });

    await publishLocalRecords(env, [{ name: `bounces.${domain.domain}`, type: 'CNAME', values: ['elsewhere.example'] }]);
    await makeDue(domain.id);
    await recheckDomains(env, db());
    const again = await notificationsOf(s.tenantId, 'domain_broken');
    expect(again).toHaveLength(2);
    expect(again.map((n) => n.body).join('\n')).toContain('return-path CNAME');
    expect(await notificationsOf(s.tenantId, 'domain_verified')).toHaveLength(1);
  });

  it('keeps a verified domain verified when DNS cannot be reached, reporting "could not check"', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    await makeDue(domain.id);
    await recheckDomains(env, db(), Date.now(), failingResolver);
    const row = (await domainRow(domain.id))!;
    expect(row).toMatchObject({ status: 'verified', failingSince: null });
    expect(row.lastCheckedAt!.getTime()).toBeGreaterThan(dueOrder * 1000);
    const view = (await call(`/v1/domains/${domain.id}`, { token: s.token })).json;
    for (const r of view.records) expect(r, r.kind).toMatchObject({ ok: false, state: 'error', detail: expect.stringMatching(/^Could not check: .*HTTP 503/) });
    expect(await notificationsOf(s.tenantId, 'domain_broken')).toHaveLength(0);
  });

  it('leaves domains checked within the last day alone', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    const checkedAt = (await domainRow(domain.id))!.lastCheckedAt;
    await recheckDomains(env, db(), Date.now(), failingResolver);
    expect((await domainRow(domain.id))!.lastCheckedAt).toEqual(checkedAt);
  });

  it('does not re-check pending domains', async () => {
    const s = await paidTenant();
    const domain = await addDomain(s);
    await domainAction(s, domain.id, 'verify');
    await makeDue(domain.id);
    await domainAction(s, domain.id, 'publish-local');
    await recheckDomains(env, db());
    expect((await domainRow(domain.id))!.status).toBe('pending');
  });
});

describe('yearly DKIM rotation', () => {
  it('starts a rotation for keys older than a year, tells the managers, and never starts a second one', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    const young = await verifiedDomain(s);
    await db().update(dkimKeys).set({ activatedAt: new Date(Date.now() - YEAR - 3600_000) }).where(eq(dkimKeys.domainId, domain.id)).run();

    await rotateAgedKeys(env, db());
    await rotateAgedKeys(env, db());
    const keys = await db().select().from(dkimKeys).where(eq(dkimKeys.domainId, domain.id)).all();
    expect(keys.map((k) => k.status).sort()).toEqual(['active', 'pending']);
    const pending = keys.find((k) => k.status === 'pending')!;
    const told = await notificationsOf(s.tenantId, 'dkim_rotation');
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain(`${pending.selector}._domainkey.${domain.domain}`);
    expect((await db().select().from(dkimKeys).where(eq(dkimKeys.domainId, young.id)).all()).map((k) => k.status)).toEqual(['active']);

    await domainAction(s, domain.id, 'publish-local');
    await domainAction(s, domain.id, 'verify');
    const after = await db().select().from(dkimKeys).where(eq(dkimKeys.domainId, domain.id)).all();
    expect(after.find((k) => k.id === pending.id)!.status).toBe('active');
  });
});

describe('retired keys', () => {
  it('are deleted once the grace period after their retirement is over', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    await domainAction(s, domain.id, 'rotate-dkim');
    await domainAction(s, domain.id, 'publish-local');
    await domainAction(s, domain.id, 'verify');
    const retired = (await db().select().from(dkimKeys).where(eq(dkimKeys.domainId, domain.id)).all()).find((k) => k.status === 'retired')!;

    await purgeRetiredKeys(db(), retired.retiredAt!.getTime() + RETIRED_KEY_GRACE_MS - 60_000);
    expect(await db().select().from(dkimKeys).where(eq(dkimKeys.id, retired.id)).get()).toBeDefined();
    await purgeRetiredKeys(db(), retired.retiredAt!.getTime() + RETIRED_KEY_GRACE_MS + 60_000);
    expect(await db().select().from(dkimKeys).where(eq(dkimKeys.id, retired.id)).get()).toBeUndefined();
    expect((await db().select().from(dkimKeys).where(eq(dkimKeys.domainId, domain.id)).all()).map((k) => k.status)).toEqual(['active']);
  });
});
