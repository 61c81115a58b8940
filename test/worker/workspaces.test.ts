import { describe, expect, it } from 'vitest';
import { call, expectProblem, signupTenant } from './helpers';

describe('multiple workspaces', () => {
  it('a user creates another workspace, owns it, and switches between them', async () => {
    const s = await signupTenant('First Co');
    const created = await call('/v1/workspaces', { token: s.token, body: { name: 'Second Co' } });
    expect(created.status).toBe(201);
    expect(created.json.tenant).toMatchObject({ name: 'Second Co', plan: 'free' });
    const meSecond = await call('/v1/me', { token: created.json.token });
    expect(meSecond.json).toMatchObject({ role: 'owner', tenant: { name: 'Second Co' } });
    expect(meSecond.json.workspaces.map((w: { tenant_name: string }) => w.tenant_name)).toEqual(['First Co', 'Second Co']);

    const back = await call('/v1/auth/switch', { token: created.json.token, body: { tenant_id: s.tenantId } });
    expect(back.json.tenant.id).toBe(s.tenantId);
    // Switching moves the session: the old one ends.
    expectProblem(await call('/v1/me', { token: created.json.token }), 401, 'invalid-token');
    expect((await call('/v1/me', { token: back.json.token })).json.tenant.name).toBe('First Co');
  });

  it('cannot switch into a workspace the user is not a member of', async () => {
    const a = await signupTenant();
    const b = await signupTenant();
    expectProblem(await call('/v1/auth/switch', { token: a.token, body: { tenant_id: b.tenantId } }), 404, 'not-found');
    expect((await call('/v1/me', { token: a.token })).status).toBe(200);
  });
});
