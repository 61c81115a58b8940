import { describe, expect, it } from 'vitest';
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
