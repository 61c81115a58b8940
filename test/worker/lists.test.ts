import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { listMembers } from '../../worker/db/schema';
import { call, expectProblem, paidTenant } from './helpers';

async function contact(token: string, email: string) {
  return (await call('/v1/contacts', { token, body: { email } })).json.id as string;
}

describe('lists', () => {
  it('are created with unique names, count their subscribers and filter contacts', async () => {
    const s = await paidTenant();
    const list = await call('/v1/lists', { token: s.token, body: { name: 'Newsletter', double_opt_in: true } });
    expect(list.json).toMatchObject({ name: 'Newsletter', double_opt_in: true, subscribers: 0 });
    expectProblem(await call('/v1/lists', { token: s.token, body: { name: 'Newsletter' } }), 409, 'conflict');
    const [a, b] = [await contact(s.token, 'a@example.com'), await contact(s.token, 'b@example.com')];
    await contact(s.token, 'c@example.com');
    const added = await call(`/v1/lists/${list.json.id}/members`, { token: s.token, body: { contact_ids: [a, b, a, 'con_missing'] } });
    expect(added.json).toEqual({ added: 2, not_found: ['con_missing'] });
    expect((await call(`/v1/lists/${list.json.id}`, { token: s.token })).json.subscribers).toBe(2);
    const members = await call(`/v1/contacts?list=${list.json.id}`, { token: s.token });
    expect(members.json.data.map((x: { email: string }) => x.email).sort()).toEqual(['a@example.com', 'b@example.com']);
    expect((await call(`/v1/lists/${list.json.id}/members/remove`, { token: s.token, body: { contact_ids: [b] } })).json).toEqual({ removed: 1 });
    expect((await call('/v1/lists', { token: s.token })).json.data[0].subscribers).toBe(1);
  });

  it('neither re-adding nor remove-then-add undoes a recipient who unsubscribed from the list', async () => {
    const s = await paidTenant();
    const list = await call('/v1/lists', { token: s.token, body: { name: 'Product updates' } });
    const id = await contact(s.token, 'left@example.com');
    await call(`/v1/lists/${list.json.id}/members`, { token: s.token, body: { contact_ids: [id] } });
    await getDb(env).update(listMembers).set({ status: 'unsubscribed' }).where(eq(listMembers.contactId, id)).run();
    await call(`/v1/lists/${list.json.id}/members`, { token: s.token, body: { contact_ids: [id] } });
    expect((await call(`/v1/lists/${list.json.id}`, { token: s.token })).json.subscribers).toBe(0);
    // Removing keeps the unsubscribe on record, so remove-then-add does not re-subscribe either.
    expect((await call(`/v1/lists/${list.json.id}/members/remove`, { token: s.token, body: { contact_ids: [id] } })).json).toEqual({ removed: 0 });
    await call(`/v1/lists/${list.json.id}/members`, { token: s.token, body: { contact_ids: [id] } });
    expect((await call(`/v1/lists/${list.json.id}`, { token: s.token })).json.subscribers).toBe(0);
  });

  it("cannot reach another tenant's lists or put its contacts on a list", async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const listB = await call('/v1/lists', { token: b.token, body: { name: 'Private' } });
    const contactB = await contact(b.token, 'theirs@example.com');
    for (const [method, path] of [['GET', `/v1/lists/${listB.json.id}`], ['DELETE', `/v1/lists/${listB.json.id}`]] as const) {
      expectProblem(await call(path, { method, token: a.token }), 404, 'not-found');
    }
    expectProblem(await call(`/v1/lists/${listB.json.id}/members`, { token: a.token, body: { contact_ids: [contactB] } }), 404, 'not-found');
    const listA = await call('/v1/lists', { token: a.token, body: { name: 'Mine' } });
    expect((await call(`/v1/lists/${listA.json.id}/members`, { token: a.token, body: { contact_ids: [contactB] } })).json).toEqual({ added: 0, not_found: [contactB] });
  });
});
