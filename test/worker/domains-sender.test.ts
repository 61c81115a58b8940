import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { dkimKeys, sendingDomains, tenants } from '../../worker/db/schema';
import { reencryptSecrets } from '../../worker/domain/key-rotation';
import { senderIdentity } from '../../worker/domain/sender-identity';
import { fromBase64 } from '../../worker/lib/encoding';
import { Problem } from '../../worker/lib/problem';
import { addDomain, domainAction, PLATFORM, recordOf, verifiedDomain } from './domain-helpers';
import { call, paidTenant, setPlan, signupTenant } from './helpers';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const db = () => getDb(env);
const tenantRow = async (id: string) => (await db().select().from(tenants).where(eq(tenants.id, id)).get())!;

/** True when the key signs something the published record's `p=` verifies: the pair DKIM receivers will check. */
async function signsFor(privateKey: CryptoKey, dkimRecordValue: string) {
  const publicKey = await crypto.subtle.importKey('spki', fromBase64(/p=([A-Za-z0-9+/=]+)/.exec(dkimRecordValue)![1]!), RSA, false, ['verify']);
  const data = new TextEncoder().encode('From: someone');
  return crypto.subtle.verify(RSA, publicKey, await crypto.subtle.sign(RSA, privateKey, data), data);
}

async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(Problem);
  expect((err as Problem).status).toBe(400);
  return (err as Problem).message;
}

describe('sender identity', () => {
  it('sends a free workspace from the platform domain, replying to its owner, signed with the platform key', async () => {
    const s = await signupTenant('Corner Bakery');
    const tenant = await tenantRow(s.tenantId);
    const id = await senderIdentity(env, db(), tenant);
    expect(id.from).toEqual({ name: 'Corner Bakery', email: `${tenant.slug}@${PLATFORM}` });
    expect(id.replyTo).toBe(s.email);
    expect(id.returnPath).toBe(`bounces@${PLATFORM}`);
    expect(id.dkim).toMatchObject({ domain: PLATFORM, selector: 'ep1' });
    const platform = (await call('/v1/domains', { token: s.token })).json.platform;
    expect(await signsFor(id.dkim.privateKey, platform.dkim_record_value)).toBe(true);
  });

  it('uses the workspace’s default From name and Reply-To', async () => {
    const s = await signupTenant();
    await db().update(tenants).set({ defaultFromName: 'The Bakery Team', defaultReplyTo: 'hello@bakery.example' }).where(eq(tenants.id, s.tenantId)).run();
    const id = await senderIdentity(env, db(), await tenantRow(s.tenantId));
    expect(id.from.name).toBe('The Bakery Team');
    expect(id.replyTo).toBe('hello@bakery.example');
  });

  it('accepts the workspace’s own platform address as an explicit From, with another display name', async () => {
    const s = await signupTenant();
    const tenant = await tenantRow(s.tenantId);
    const id = await senderIdentity(env, db(), tenant, { email: `${tenant.slug.toUpperCase()}@${PLATFORM}`, name: 'Newsletter' });
    expect(id.from).toEqual({ name: 'Newsletter', email: `${tenant.slug}@${PLATFORM}` });
  });

  it('refuses another workspace’s platform address', async () => {
    const s = await signupTenant();
    const message = await refusal(senderIdentity(env, db(), await tenantRow(s.tenantId), { email: `someone-else@${PLATFORM}` }));
    expect(message).toMatch(/sends only as/);
  });

  it('refuses a custom From on the free plan', async () => {
    const s = await signupTenant();
    expect(await refusal(senderIdentity(env, db(), await tenantRow(s.tenantId), { email: 'news@acme.example' }))).toMatch(/Free plan sends from/);
  });

  it('signs mail from a verified domain with that domain’s active key', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    const id = await senderIdentity(env, db(), await tenantRow(s.tenantId), { email: `News@${domain.domain}`, name: 'Acme News' });
    expect(id.from).toEqual({ name: 'Acme News', email: `news@${domain.domain}` });
    expect(id.replyTo).toBeNull();
    expect(id.returnPath).toBe(`bounces@bounces.${domain.domain}`);
    expect(id.dkim).toMatchObject({ domain: domain.domain, selector: domain.dkim_keys[0].selector });
    expect(await signsFor(id.dkim.privateKey, recordOf(domain, 'dkim').expected)).toBe(true);
    // Imported once per isolate: the sender asks for every batch.
    const again = await senderIdentity(env, db(), await tenantRow(s.tenantId), { email: `news@${domain.domain}` });
    expect(again.dkim.privateKey).toBe(id.dkim.privateKey);
  });

  it('switches to the new key once a rotation completes', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    await domainAction(s, domain.id, 'rotate-dkim');
    const during = await senderIdentity(env, db(), await tenantRow(s.tenantId), { email: `news@${domain.domain}` });
    expect(during.dkim.selector).toBe(domain.dkim_keys[0].selector);
    await domainAction(s, domain.id, 'publish-local');
    const rotated = (await domainAction(s, domain.id, 'verify')).json;
    const after = await senderIdentity(env, db(), await tenantRow(s.tenantId), { email: `news@${domain.domain}` });
    const active = rotated.dkim_keys.find((k: { status: string }) => k.status === 'active');
    expect(after.dkim.selector).toBe(active.selector);
    expect(await signsFor(after.dkim.privateKey, recordOf(rotated, 'dkim').expected)).toBe(true);
  });

  it('keeps sending from a domain whose records broke after verification', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    await db().update(sendingDomains).set({ status: 'failing', failingSince: new Date() }).where(eq(sendingDomains.id, domain.id)).run();
    expect((await senderIdentity(env, db(), await tenantRow(s.tenantId), { email: `news@${domain.domain}` })).dkim.domain).toBe(domain.domain);
  });

  it('refuses a From on a domain that is not verified, or not the workspace’s', async () => {
    const s = await paidTenant();
    const pending = await addDomain(s);
    const tenant = await tenantRow(s.tenantId);
    expect(await refusal(senderIdentity(env, db(), tenant, { email: `news@${pending.domain}` }))).toMatch(/Only verified domains may be used as From/);

    const other = await paidTenant();
    const theirs = await verifiedDomain(other);
    expect(await refusal(senderIdentity(env, db(), tenant, { email: `news@${theirs.domain}` }))).toMatch(/Only verified domains may be used as From/);
    expect(await refusal(senderIdentity(env, db(), tenant, { email: 'not an address' }))).toMatch(/not a valid From address/);
  });

  it('refuses a custom From after a downgrade to the free plan', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    await setPlan(s.tenantId, 'free');
    expect(await refusal(senderIdentity(env, db(), await tenantRow(s.tenantId), { email: `news@${domain.domain}` }))).toMatch(/Free plan sends from/);
  });

  it('keeps signing across an ENCRYPTION_KEY rotation: DKIM private keys are re-sealed with the other secrets', async () => {
    const s = await paidTenant();
    const domain = await verifiedDomain(s);
    const newKey = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
    const rotatedEnv = { ...env, ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: env.ENCRYPTION_KEY };
    const before = (await db().select().from(dkimKeys).where(eq(dkimKeys.domainId, domain.id)).get())!;
    try {
      expect((await reencryptSecrets(db(), [newKey, env.ENCRYPTION_KEY])).unreadable).toBe(0);
      const after = (await db().select().from(dkimKeys).where(eq(dkimKeys.id, before.id)).get())!;
      expect(after.privateKeyEnc).not.toBe(before.privateKeyEnc);
      const id = await senderIdentity({ ...rotatedEnv, ENCRYPTION_KEY_PREVIOUS: undefined }, db(), await tenantRow(s.tenantId), { email: `news@${domain.domain}` });
      expect(await signsFor(id.dkim.privateKey, recordOf(domain, 'dkim').expected)).toBe(true);
    } finally {
      await reencryptSecrets(db(), [env.ENCRYPTION_KEY, newKey]);
    }
  });
});
