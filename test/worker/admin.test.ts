import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { issueEmailToken } from '../../worker/domain/email-tokens';
import { CAPTCHA_PASS, PASSWORD, call, enrollTotp, expectProblem, signupTenant } from './helpers';

/** SUPER_ADMIN_EMAILS is admin@edgepost.test (wrangler.toml); each test file has its own database. */
async function superAdmin() {
  const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'Platform Ops', email: 'admin@edgepost.test', password: PASSWORD } });
  if (res.status === 201) return { token: res.json.token as string, userId: res.json.user.id as string, fresh: true };
  const challenge = await call('/v1/auth/login', { body: { email: 'admin@edgepost.test', password: PASSWORD } });
  const signedIn = await call('/v1/auth/2fa/verify', { body: { mfa_token: challenge.json.mfa_token, code: enrolled!.backupCodes.pop()! } });
  return { token: signedIn.json.token as string, userId: signedIn.json.user.id as string, fresh: false };
}

let enrolled: Awaited<ReturnType<typeof enrollTotp>> | undefined;

/** A super-admin with every condition met: configured address, verified mailbox, second factor. */
async function fullSuperAdmin() {
  const admin = await superAdmin();
  if (admin.fresh) {
    await call('/v1/auth/verify-email', { body: { token: await issueEmailToken(getDb(env), admin.userId, 'verify_email') } });
    enrolled = await enrollTotp(admin);
  }
  return admin;
}

describe('platform super-admin', () => {
  it('needs the configured address, a verified mailbox and a second factor', async () => {
    const admin = await superAdmin();
    expect((await call('/v1/me', { token: admin.token })).json.super_admin).toBe(false);
    expectProblem(await call('/v1/admin/tenants', { token: admin.token }), 403, 'forbidden');
    await call('/v1/auth/verify-email', { body: { token: await issueEmailToken(getDb(env), admin.userId, 'verify_email') } });
    expect((await call('/v1/me', { token: admin.token })).json.super_admin).toBe(false);
    enrolled = await enrollTotp(admin);
    expect((await call('/v1/me', { token: admin.token })).json.super_admin).toBe(true);
    expect((await call('/v1/admin/tenants', { token: admin.token })).status).toBe(200);
    // …and may not turn the second factor off again.
    expectProblem(await call('/v1/auth/2fa/disable', { token: admin.token, body: { password: PASSWORD, code: enrolled.code(1) } }), 409, 'conflict');
  });

  it('suspends a tenant (its sending stops through the kill switch) and lifts it', async () => {
    const admin = await fullSuperAdmin();
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
    const admin = await fullSuperAdmin();
    const on = await call('/v1/admin/kill-switch/engage', { token: admin.token, body: { reason: 'provider incident' } });
    expect(on.json.global).toMatchObject({ engaged: true, reason: 'provider incident', by: admin.userId });
    const off = await call('/v1/admin/kill-switch/release', { method: 'POST', token: admin.token });
    expect(off.json.global.engaged).toBe(false);
  });
});
