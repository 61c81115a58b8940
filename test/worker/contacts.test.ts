import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contacts, tenants } from '../../worker/db/schema';
import { purgeDeletedContacts } from '../../worker/domain/contacts';
import { addMember, call, createApiKey, expectProblem, paidTenant, signupTenant } from './helpers';

describe('contacts', () => {
  it('are created with a normalized address, tags and typed custom fields', async () => {
    const s = await paidTenant();
    expect((await call('/v1/fields', { token: s.token, body: { key: 'plan', label: 'Plan', type: 'text' } })).status).toBe(201);
    expect((await call('/v1/fields', { token: s.token, body: { key: 'seats', label: 'Seats', type: 'number' } })).status).toBe(201);
    const res = await call('/v1/contacts', {
      token: s.token,
      body: { email: '  Ada.Lovelace@Example.COM ', first_name: 'Ada', last_name: 'Lovelace', country: 'gb', tags: ['vip', 'beta', 'vip'], custom: { plan: 'gold', seats: 12 } },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ email: 'ada.lovelace@example.com', country: 'GB', status: 'subscribed', tags: ['beta', 'vip'], custom: { plan: 'gold', seats: 12 } });
    expect((await call(`/v1/contacts/${res.json.id}`, { token: s.token })).json.email).toBe('ada.lovelace@example.com');
  });

  it('refuse invalid addresses with the reason, and flag disposable and role addresses', async () => {
    const s = await paidTenant();
    for (const email of ['not-an-address', 'two@@example.com', 'dots..in@example.com', 'no-tld@example']) {
      const bad = await call('/v1/contacts', { token: s.token, body: { email } });
      expectProblem(bad, 400, 'validation-error');
      expect(bad.json.errors[0].field).toBe('email');
    }
    expect((await call('/v1/contacts', { token: s.token, body: { email: 'info@acme.example' } })).json.flags).toEqual({ disposable: false, role: true });
    expect((await call('/v1/contacts', { token: s.token, body: { email: 'x@mailinator.com' } })).json.flags).toEqual({ disposable: true, role: false });
  });

  it('refuse duplicates (case-insensitively) with the existing id', async () => {
    const s = await paidTenant();
    const first = await call('/v1/contacts', { token: s.token, body: { email: 'dup@example.com' } });
    const again = await call('/v1/contacts', { token: s.token, body: { email: 'DUP@example.com' } });
    expectProblem(again, 409, 'conflict');
    expect(again.json.existing_id).toBe(first.json.id);
  });

  it('refuse unknown custom fields and wrong types', async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'seats', label: 'Seats', type: 'number' } });
    const res = await call('/v1/contacts', { token: s.token, body: { email: 'x@example.com', custom: { seats: 'many', nope: 1 } } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['custom.nope', 'custom.seats']);
    expectProblem(await call('/v1/fields', { token: s.token, body: { key: 'email', label: 'Email', type: 'text' } }), 409, 'conflict');
  });

  it('are updated partially; tags replace the set', async () => {
    const s = await paidTenant();
    const c = await call('/v1/contacts', { token: s.token, body: { email: 'upd@example.com', first_name: 'Old', tags: ['a'] } });
    const res = await call(`/v1/contacts/${c.json.id}`, { method: 'PATCH', token: s.token, body: { first_name: 'New', tags: ['b', 'c'] } });
    expect(res.json).toMatchObject({ first_name: 'New', email: 'upd@example.com', tags: ['b', 'c'] });
  });

  it('soft-delete, list as recently deleted with the purge date, and restore', async () => {
    const s = await paidTenant();
    const c = await call('/v1/contacts', { token: s.token, body: { email: 'gone@example.com' } });
    expect((await call(`/v1/contacts/${c.json.id}`, { method: 'DELETE', token: s.token })).status).toBe(204);
    expect((await call('/v1/contacts', { token: s.token })).json.data.map((x: { id: string }) => x.id)).not.toContain(c.json.id);
    const deleted = await call('/v1/contacts?deleted=true', { token: s.token });
    const row = deleted.json.data.find((x: { id: string }) => x.id === c.json.id);
    expect(Date.parse(row.purge_after) - Date.parse(row.deleted_at)).toBe(30 * 24 * 3600_000);
    expectProblem(await call('/v1/contacts', { token: s.token, body: { email: 'gone@example.com' } }), 409, 'conflict');
    expect((await call(`/v1/contacts/${c.json.id}/restore`, { method: 'POST', token: s.token })).json.deleted_at).toBeNull();
  });

  it('refuse restoring after 30 days', async () => {
    const s = await paidTenant();
    const c = await call('/v1/contacts', { token: s.token, body: { email: 'old@example.com' } });
    await getDb(env).update(contacts).set({ deletedAt: new Date(Date.now() - 31 * 24 * 3600_000) }).where(eq(contacts.id, c.json.id)).run();
    expectProblem(await call(`/v1/contacts/${c.json.id}/restore`, { method: 'POST', token: s.token }), 410, 'gone');
    expect(await purgeDeletedContacts(getDb(env))).toBeGreaterThanOrEqual(1);
    expectProblem(await call(`/v1/contacts/${c.json.id}`, { token: s.token }), 404, 'not-found');
  });

  it('are searched by prefix of email or name, filtered by status and tag, and paginated by cursor', async () => {
    const s = await paidTenant();
    for (let i = 0; i < 7; i++) {
      await call('/v1/contacts', { token: s.token, body: { email: `p${i}@example.com`, first_name: i % 2 ? 'Grace' : 'Linus', status: i < 2 ? 'unsubscribed' : 'subscribed', tags: i < 3 ? ['early'] : [] } });
    }
    expect((await call('/v1/contacts?q=grace', { token: s.token })).json.data).toHaveLength(3);
    expect((await call('/v1/contacts?q=p6@', { token: s.token })).json.data).toHaveLength(1);
    // LIKE wildcards in the search are literal.
    expect((await call('/v1/contacts?q=%25', { token: s.token })).json.data).toHaveLength(0);
    expect((await call('/v1/contacts?status=unsubscribed', { token: s.token })).json.data).toHaveLength(2);
    expect((await call('/v1/contacts?tag=early', { token: s.token })).json.data).toHaveLength(3);
    const first = await call('/v1/contacts?limit=4', { token: s.token });
    const second = await call(`/v1/contacts?limit=4&cursor=${first.json.next_cursor}`, { token: s.token });
    expect(first.json.data).toHaveLength(4);
    expect(second.json.data).toHaveLength(3);
    expect(second.json.next_cursor).toBeNull();
    const tagList = await call('/v1/tags', { token: s.token });
    expect(tagList.json.data.find((t: { name: string }) => t.name === 'early').contacts).toBe(3);
  });

  it("respect the plan's contact limit and warn the managers once at 80 %", async () => {
    const s = await signupTenant('Free Co');
    await getDb(env).update(tenants).set({ planId: 'free' }).where(eq(tenants.id, s.tenantId)).run();
    const { plans } = await import('../../worker/db/schema');
    await getDb(env).update(plans).set({ maxContacts: 5 }).where(eq(plans.id, 'free')).run();
    const warnings = async () =>
      (await call('/v1/notifications', { token: s.token })).json.data.filter((n: { kind: string }) => n.kind === 'contact_limit_warning');
    try {
      for (const n of [1, 2, 3]) await call('/v1/contacts', { token: s.token, body: { email: `c${n}@example.com` } });
      expect(await warnings()).toHaveLength(0);
      await call('/v1/contacts', { token: s.token, body: { email: 'c4@example.com' } });
      const [warning] = await warnings();
      expect(warning).toMatchObject({ title: 'You have used 80% of your plan’s contacts' });
      expect(warning.body).toContain('4 of 5 contacts');
      await call('/v1/contacts', { token: s.token, body: { email: 'c5@example.com' } });
      expect(await warnings()).toHaveLength(1);
      const res = await call('/v1/contacts', { token: s.token, body: { email: 'c6@example.com' } });
      expectProblem(res, 409, 'conflict');
      expect(res.json).toMatchObject({ limit: 5, used: 5 });
      expect(res.json.detail).toContain('Upgrade the plan or delete contacts');
    } finally {
      await getDb(env).update(plans).set({ maxContacts: 500 }).where(eq(plans.id, 'free')).run();
    }
  });

  it('are invisible across tenants and need the right scope', async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const c = await call('/v1/contacts', { token: b.token, body: { email: 'secret@example.com' } });
    for (const [method, path] of [['GET', `/v1/contacts/${c.json.id}`], ['PATCH', `/v1/contacts/${c.json.id}`], ['DELETE', `/v1/contacts/${c.json.id}`], ['POST', `/v1/contacts/${c.json.id}/restore`]] as const) {
      expectProblem(await call(path, { method, token: a.token, ...(method === 'PATCH' ? { body: { first_name: 'x' } } : {}) }), 404, 'not-found');
    }
    expect((await call('/v1/contacts?q=secret', { token: a.token })).json.data).toHaveLength(0);
    const readOnly = await createApiKey(b, ['contacts:read']);
    expect((await call('/v1/contacts', { token: readOnly.secret })).status).toBe(200);
    expectProblem(await call('/v1/contacts', { token: readOnly.secret, body: { email: 'new@example.com' } }), 403, 'insufficient-scope');
    const viewer = await addMember(b.tenantId, 'viewer');
    expectProblem(await call(`/v1/contacts/${c.json.id}`, { method: 'DELETE', token: viewer.token }), 403, 'forbidden');
  });
});
