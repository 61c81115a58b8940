import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { apiKeys } from '../../worker/db/schema';
import { sha256Hex } from '../../worker/lib/crypto';
import { tenantScope } from '../../worker/db/tenant-scope';
import { createApiKey as createKey } from '../../worker/domain/api-keys';
import { call, createApiKey, expectProblem, signupTenant } from './helpers';

describe('API keys', () => {
  it('are shown once, stored only as a SHA-256 hash with a visible prefix', async () => {
    const owner = await signupTenant();
    const key = await createApiKey(owner, ['contacts:read', 'stats:read']);
    expect(key.secret).toMatch(/^ep_live_[\w-]{40}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    const row = await getDb(env).select().from(apiKeys).where(eq(apiKeys.id, key.id)).get();
    expect(row!.keyHash).toBe(await sha256Hex(key.secret));
    expect(JSON.stringify(row)).not.toContain(key.secret);
    const list = await call('/v1/api-keys', { token: owner.token });
    expect(JSON.stringify(list.json)).not.toContain(key.secret);
    expect(list.json.data[0]).toMatchObject({ id: key.id, prefix: key.prefix, scopes: ['contacts:read', 'stats:read'] });
  });

  it('work like a session, limited to their scopes, and record last use', async () => {
    const owner = await signupTenant();
    const key = await createApiKey(owner, ['tenant:read', 'audit:read']);
    const me = await call('/v1/me', { token: key.secret });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user: null, api_key_id: key.id, tenant: { id: owner.tenantId } });
    expect(me.json.permissions.sort()).toEqual(['audit:read', 'tenant:read']);
    expect((await call('/v1/audit-log', { token: key.secret })).status).toBe(200);
    const denied = await call('/v1/members', { token: key.secret });
    expectProblem(denied, 403, 'insufficient-scope');
    expect(denied.json.required_scope).toBe('members:read');
    const listed = await call('/v1/api-keys', { token: owner.token });
    expect(listed.json.data.find((k: { id: string }) => k.id === key.id).last_used_at).not.toBeNull();
  });

  it('can never manage keys or members, whatever the scopes', async () => {
    const owner = await signupTenant();
    const key = await createApiKey(owner, ['tenant:read']);
    expectProblem(await call('/v1/api-keys', { token: key.secret, body: { name: 'x', scopes: ['tenant:read'] } }), 403, 'forbidden');
    expectProblem(await call('/v1/auth/logout', { method: 'POST', token: key.secret }), 403, 'forbidden');
    const bad = await call('/v1/api-keys', { token: owner.token, body: { name: 'x', scopes: ['members:write'] } });
    expectProblem(bad, 400, 'validation-error');
  });

  it('cannot carry scopes beyond the creator role', async () => {
    // Only owners and admins reach this through the API today, and they hold every key scope; the
    // domain rule still guards any future caller with a narrower role.
    const owner = await signupTenant();
    const scope = tenantScope(getDb(env), owner.tenantId);
    await expect(createKey(scope, { name: 'x', scopes: ['send'] }, { userId: owner.userId, role: 'viewer' })).rejects.toMatchObject({ type: 'forbidden' });
    await expect(createKey(scope, { name: 'x', scopes: ['stats:read'] }, { userId: owner.userId, role: 'viewer' })).resolves.toBeTruthy();
  });

  it('stop working the moment they are revoked', async () => {
    const owner = await signupTenant();
    const key = await createApiKey(owner, ['tenant:read']);
    expect((await call('/v1/me', { token: key.secret })).status).toBe(200);
    expect((await call(`/v1/api-keys/${key.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expectProblem(await call('/v1/me', { token: key.secret }), 401, 'invalid-token');
  });

  it('stop working after they expire', async () => {
    const owner = await signupTenant();
    const key = await createApiKey(owner, ['tenant:read']);
    await getDb(env).update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, key.id)).run();
    expectProblem(await call('/v1/me', { token: key.secret }), 401, 'invalid-token');
  });

  it('refuse an expiry in the past and unknown scopes', async () => {
    const owner = await signupTenant();
    const past = await call('/v1/api-keys', { token: owner.token, body: { name: 'x', scopes: ['tenant:read'], expires_at: '2020-01-01T00:00:00Z' } });
    expectProblem(past, 400, 'validation-error');
    expect(past.json.errors[0].field).toBe('expires_at');
    expectProblem(await call('/v1/api-keys', { token: owner.token, body: { name: 'x', scopes: ['root'] } }), 400, 'validation-error');
  });

  it('a guessed key of the right shape is refused', async () => {
    expectProblem(await call('/v1/me', { token: 'ep_live_' + 'A'.repeat(40) }), 401, 'invalid-token');
  });
});
