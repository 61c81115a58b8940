import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { jobs } from '../../worker/db/schema';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { addMember, call, createApiKey, expectProblem, PASSWORD, setPlan, signupTenant, tokenFromLink, uniqueEmail, waitForEmail } from './helpers';

/** Every resource of tenant B, addressed by id from tenant A, is a 404 — never a leak, never a change. */
describe('cross-tenant access by id', () => {
  async function twoTenants() {
    const a = await signupTenant('Tenant A');
    const b = await signupTenant('Tenant B');
    for (const t of [a, b]) await setPlan(t.tenantId, 'pro');
    return { a, b };
  }

  it("members of another tenant can be neither changed nor removed", async () => {
    const { a, b } = await twoTenants();
    const victim = await addMember(b.tenantId, 'editor');
    expectProblem(await call(`/v1/members/${victim.membershipId}`, { method: 'PATCH', token: a.token, body: { role: 'viewer' } }), 404, 'not-found');
    expectProblem(await call(`/v1/members/${victim.membershipId}`, { method: 'DELETE', token: a.token }), 404, 'not-found');
    const stillThere = await call('/v1/members', { token: b.token });
    expect(stillThere.json.data.find((m: { id: string }) => m.id === victim.membershipId).role).toBe('editor');
  });

  it('API keys of another tenant cannot be revoked, nor seen', async () => {
    const { a, b } = await twoTenants();
    const key = await createApiKey(b, ['tenant:read']);
    expectProblem(await call(`/v1/api-keys/${key.id}`, { method: 'DELETE', token: a.token }), 404, 'not-found');
    expect((await call('/v1/me', { token: key.secret })).status).toBe(200);
    const listA = await call('/v1/api-keys', { token: a.token });
    expect(listA.json.data.map((k: { id: string }) => k.id)).not.toContain(key.id);
  });

  it('invitations of another tenant cannot be revoked', async () => {
    const { a, b } = await twoTenants();
    const inv = await call('/v1/members/invitations', { token: b.token, body: { email: uniqueEmail(), role: 'viewer' } });
    expectProblem(await call(`/v1/members/invitations/${inv.json.id}`, { method: 'DELETE', token: a.token }), 404, 'not-found');
  });

  it('jobs of another tenant are not found, by session or API key', async () => {
    const { a, b } = await twoTenants();
    const jobId = newId(ID_PREFIX.job);
    await getDb(env).insert(jobs).values({ id: jobId, tenantId: b.tenantId, type: 'import', total: 10, processed: 5 }).run();
    expect((await call(`/v1/jobs/${jobId}`, { token: b.token })).json).toMatchObject({ id: jobId, progress: 50 });
    expectProblem(await call(`/v1/jobs/${jobId}`, { token: a.token }), 404, 'not-found');
    const keyA = await createApiKey(a, ['jobs:read']);
    expectProblem(await call(`/v1/jobs/${jobId}`, { token: keyA.secret }), 404, 'not-found');
  });

  it("the audit log shows only the caller's tenant", async () => {
    const { a, b } = await twoTenants();
    const logA = await call('/v1/audit-log?limit=100', { token: a.token });
    const ids = new Set(logA.json.data.map((e: { target_id: string }) => e.target_id));
    expect(ids.has(b.tenantId)).toBe(false);
    expect(ids.has(a.tenantId)).toBe(true);
  });

  it('a user in two workspaces signs into each separately and sees only that one', async () => {
    const { a, b } = await twoTenants();
    const inv = await call('/v1/members/invitations', { token: b.token, body: { email: a.email, role: 'viewer' } });
    expect(inv.status).toBe(201);
    const mail = await waitForEmail(a.email, /invited/);
    const accepted = await call('/v1/auth/invitations/accept', { body: { token: tokenFromLink(mail.links.find((l) => l.includes('accept-invite'))!), password: PASSWORD } });
    expect(accepted.status).toBe(200);
    expect(accepted.json.tenant.id).toBe(b.tenantId);
    const meB = await call('/v1/me', { token: accepted.json.token });
    expect(meB.json.role).toBe('viewer');
    expect(meB.json.workspaces.map((w: { tenant_id: string }) => w.tenant_id).sort()).toEqual([a.tenantId, b.tenantId].sort());
    const meA = await call('/v1/me', { token: a.token });
    expect(meA.json).toMatchObject({ role: 'owner', tenant: { id: a.tenantId } });
  });
});
