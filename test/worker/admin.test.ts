import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { issueEmailToken } from '../../worker/domain/email-tokens';
import { PASSWORD, call, expectProblem, signupTenant } from './helpers';

async function superAdmin() {
  // SUPER_ADMIN_EMAILS is admin@edgepost.test (wrangler.toml); the address counts only once verified.
  const res = await call('/v1/auth/signup', { body: { tenant_name: 'Platform Ops', email: 'admin@edgepost.test', password: PASSWORD } });
  const token = res.status === 201 ? res.json.token : (await call('/v1/auth/login', { body: { email: 'admin@edgepost.test', password: PASSWORD } })).json.token;
  return { token, userId: (await call('/v1/me', { token })).json.user.id as string };
}

describe('platform super-admin', () => {
  it('needs the configured address AND a verified mailbox', async () => {
    const admin = await superAdmin();
    expect((await call('/v1/me', { token: admin.token })).json.super_admin).toBe(false);
    expectProblem(await call('/v1/admin/tenants', { token: admin.token }), 403, 'forbidden');
    await call('/v1/auth/verify-email', { body: { token: await issueEmailToken(getDb(env), admin.userId, 'verify_email') } });
    expect((await call('/v1/me', { token: admin.token })).json.super_admin).toBe(true);
    expect((await call('/v1/admin/tenants', { token: admin.token })).status).toBe(200);
  });

  it('suspends a tenant (its sending stops through the kill switch) and lifts it', async () => {
    const admin = await superAdmin();
    await call('/v1/auth/verify-email', { body: { token: await issueEmailToken(getDb(env), admin.userId, 'verify_email') } });
    const victim = await signupTenant('Spammy Inc');
    const suspended = await call(`/v1/admin/tenants/${victim.tenantId}/suspend`, { token: admin.token, body: { reason: 'complaint rate 1.2%' } });
    expect(suspended.json.status).toBe('suspended');
    const ks = await call('/v1/admin/kill-switch', { token: admin.token });
    expect(ks.json.tenants[victim.tenantId]).toMatchObject({ engaged: true, reason: 'complaint rate 1.2%' });
    const lifted = await call(`/v1/admin/tenants/${victim.tenantId}/unsuspend`, { method: 'POST', token: admin.token });
    expect(lifted.json.status).toBe('active');
    expect((await call('/v1/admin/kill-switch', { token: admin.token })).json.tenants[victim.tenantId]).toBeUndefined();
    const list = await call('/v1/admin/tenants?status=active&limit=100', { token: admin.token });
    expect(list.json.data.find((t: { id: string }) => t.id === victim.tenantId)).toMatchObject({ members: 1, status: 'active' });
  });

  it('engages and releases the global kill switch', async () => {
    const admin = await superAdmin();
    await call('/v1/auth/verify-email', { body: { token: await issueEmailToken(getDb(env), admin.userId, 'verify_email') } });
    const on = await call('/v1/admin/kill-switch/engage', { token: admin.token, body: { reason: 'provider incident' } });
    expect(on.json.global).toMatchObject({ engaged: true, reason: 'provider incident', by: admin.userId });
    const off = await call('/v1/admin/kill-switch/release', { method: 'POST', token: admin.token });
    expect(off.json.global.engaged).toBe(false);
  });
});
