import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { getDb, runBatch } from '../../worker/db/client';
import { contacts } from '../../worker/db/schema';
import { tenantScope } from '../../worker/db/tenant-scope';
import { suppressContactsStatements } from '../../worker/domain/suppressions';
import { addContacts } from './campaign-helpers';
import { call, expectProblem, paidTenant } from './helpers';

describe('suppressions', () => {
  it('a suppressed address is refused on create, on re-subscribe, on email change and on restore', async () => {
    const s = await paidTenant();
    const kept = await call('/v1/contacts', { token: s.token, body: { email: 'keep@example.com' } });
    const gone = await call('/v1/contacts', { token: s.token, body: { email: 'later@example.com' } });
    await call(`/v1/contacts/${gone.json.id}`, { method: 'DELETE', token: s.token });
    expect((await call('/v1/suppressions', { token: s.token, body: { email: ' Blocked@Example.com', reason: 'complaint' } })).status).toBe(201);
    await call('/v1/suppressions', { token: s.token, body: { email: 'later@example.com', reason: 'unsubscribe' } });

    const create = await call('/v1/contacts', { token: s.token, body: { email: 'blocked@example.com' } });
    expectProblem(create, 409, 'conflict');
    expect(create.json.detail).toContain('complaint');
    // Recording the person as unsubscribed is allowed: that is not a subscription.
    expect((await call('/v1/contacts', { token: s.token, body: { email: 'blocked@example.com', status: 'unsubscribed' } })).status).toBe(201);
    const created = await call('/v1/contacts?q=blocked', { token: s.token });
    expectProblem(await call(`/v1/contacts/${created.json.data[0].id}`, { method: 'PATCH', token: s.token, body: { status: 'subscribed' } }), 409, 'conflict');
    expectProblem(await call(`/v1/contacts/${kept.json.id}`, { method: 'PATCH', token: s.token, body: { email: 'blocked@example.com' } }), 409, 'conflict');
    expectProblem(await call(`/v1/contacts/${gone.json.id}/restore`, { method: 'POST', token: s.token }), 409, 'conflict');
  });

  it('a suppressed domain blocks every address in it', async () => {
    const s = await paidTenant();
    expect((await call('/v1/suppressions', { token: s.token, body: { domain: '@Spam.Example', reason: 'manual', note: 'competitor' } })).json).toMatchObject({ kind: 'domain', value: 'spam.example' });
    expectProblem(await call('/v1/contacts', { token: s.token, body: { email: 'anyone@spam.example' } }), 409, 'conflict');
    expect((await call('/v1/contacts', { token: s.token, body: { email: 'anyone@ham.example' } })).status).toBe(201);
  });

  it('are listed, exported as formula-safe CSV, lifted, and private to the tenant', async () => {
    const s = await paidTenant();
    const other = await paidTenant();
    const added = await call('/v1/suppressions', { token: s.token, body: { email: 'x@example.com', note: '=HYPERLINK("http://evil")' } });
    expectProblem(await call('/v1/suppressions', { token: s.token, body: { email: 'x@example.com' } }), 409, 'conflict');
    expectProblem(await call('/v1/suppressions', { token: s.token, body: { email: 'a@example.com', domain: 'example.com' } }), 400, 'validation-error');
    expect((await call('/v1/suppressions?reason=manual', { token: s.token })).json.data).toHaveLength(1);
    const csv = await call('/v1/suppressions/export', { token: s.token });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.json).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect((await call('/v1/suppressions', { token: other.token })).json.data).toHaveLength(0);
    expectProblem(await call(`/v1/suppressions/${added.json.id}`, { method: 'DELETE', token: other.token }), 404, 'not-found');
    expect((await call(`/v1/suppressions/${added.json.id}`, { method: 'DELETE', token: s.token })).status).toBe(204);
    expect((await call('/v1/contacts', { token: s.token, body: { email: 'x@example.com' } })).status).toBe(201);
  });
});

describe('suppressing contacts in bulk (bounces, complaints, unsubscribes)', () => {
  it('takes any number of contacts out of the mailable statuses in one batch and keeps the first reason of an address already suppressed', async () => {
    const s = await paidTenant();
    const people = await addContacts(s.tenantId, 40, 'bulk');
    const [already, unsubscribed] = people;
    await getDb(env).update(contacts).set({ status: 'unsubscribed' }).where(eq(contacts.id, unsubscribed!.id)).run();
    await call('/v1/suppressions', { token: s.token, body: { email: already!.email, reason: 'manual' } });
    const scope = tenantScope(getDb(env), s.tenantId);
    await runBatch(scope.db, suppressContactsStatements(scope, people.map((p) => ({ contactId: p.id, email: p.email })), { status: 'bounced', reason: 'bounce' }));

    const rows = await getDb(env).select().from(contacts).where(eq(contacts.tenantId, s.tenantId)).all();
    expect(rows.filter((r) => r.status === 'bounced')).toHaveLength(39);
    expect(rows.find((r) => r.id === unsubscribed!.id)!.status).toBe('unsubscribed');
    const listed = await call('/v1/suppressions?limit=100', { token: s.token });
    expect(listed.json.data).toHaveLength(40);
    expect(listed.json.data.find((x: any) => x.value === already!.email).reason).toBe('manual');
    expect(listed.json.data.filter((x: any) => x.reason === 'bounce')).toHaveLength(39);
  });
});
