import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, contacts, listMembers } from '../../worker/db/schema';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { addMember, call, createApiKey, expectProblem, paidTenant, type Session } from './helpers';

async function contact(s: Session, body: Record<string, unknown>) {
  const res = await call('/v1/contacts', { token: s.token, body });
  if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

const all = (...conditions: unknown[]) => ({ match: 'all', conditions });

async function count(s: Session, rules: unknown) {
  const res = await call('/v1/segments/count', { token: s.token, body: { rules } });
  if (res.status !== 200) throw new Error(`count failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.count as number;
}

describe('segments', () => {
  it('are created, listed, renamed, re-ruled and deleted, with unique names', async () => {
    const s = await paidTenant();
    const rules = all({ field: 'email', op: 'ends_with', value: '@example.com' });
    const created = await call('/v1/segments', { token: s.token, body: { name: 'Example people', description: 'By domain', rules } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Example people', description: 'By domain', rules, updated_at: null });
    expect(created.json.id).toMatch(/^seg_/);
    expectProblem(await call('/v1/segments', { token: s.token, body: { name: 'Example people', rules } }), 409, 'conflict');
    await call('/v1/segments', { token: s.token, body: { name: 'Second', rules } });
    expect((await call('/v1/segments', { token: s.token })).json.data.map((x: { name: string }) => x.name)).toEqual(['Second', 'Example people']);
    expectProblem(await call(`/v1/segments/${created.json.id}`, { method: 'PATCH', token: s.token, body: { name: 'Second' } }), 409, 'conflict');
    const newRules = { match: 'any', conditions: [{ field: 'status', op: 'in', value: ['subscribed', 'pending'] }] };
    const patched = await call(`/v1/segments/${created.json.id}`, { method: 'PATCH', token: s.token, body: { name: 'Renamed', rules: newRules } });
    expect(patched.json).toMatchObject({ name: 'Renamed', description: 'By domain', rules: newRules });
    expect(patched.json.updated_at).not.toBeNull();
    expect((await call(`/v1/segments/${created.json.id}`, { token: s.token })).json.name).toBe('Renamed');
    expect((await call(`/v1/segments/${created.json.id}`, { method: 'DELETE', token: s.token })).status).toBe(204);
    expectProblem(await call(`/v1/segments/${created.json.id}`, { token: s.token }), 404, 'not-found');
    const log = await call('/v1/audit-log?action=segment.*', { token: s.token });
    expect(log.json.data.map((e: { action: string }) => e.action)).toEqual(['segment.deleted', 'segment.updated', 'segment.created', 'segment.created']);
  });

  it('refuse malformed rules with the path of the bad condition', async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'seats', label: 'Seats', type: 'number' } });
    const cases: [unknown, string][] = [
      [all({ field: 'email', op: 'eq', value: 'a' }, { field: 'city', op: 'eq', value: 'x' }, { field: 'email', op: 'gt', value: 'a' }), 'rules.conditions[2].op'],
      [all({ field: 'shoe_size', op: 'eq', value: '9' }), 'rules.conditions[0].field'],
      [all({ field: 'created_at', op: 'within_last_days', value: 'a week' }), 'rules.conditions[0].value'],
      [all({ field: 'created_at', op: 'before', value: '2024-13-45' }), 'rules.conditions[0].value'],
      [all({ field: 'status', op: 'eq', value: 'happy' }), 'rules.conditions[0].value'],
      [all({ field: 'email', op: 'is_set', value: 'x' }), 'rules.conditions[0].value'],
      [all({ field: 'email', op: 'eq' }), 'rules.conditions[0].value'],
      [all({ field: 'activity', op: 'opened', value: { within_days: 0 } }), 'rules.conditions[0].value.within_days'],
      [all({ field: 'activity', op: 'opened', value: { campaign: 'x' } }), 'rules.conditions[0].value'],
      [all({ field: 'tag', op: 'has', value: 'vip', extra: true }), 'rules.conditions[0]'],
      [all(all({ field: 'email', op: 'eq', value: 'a' }, { match: 'any', conditions: [{ field: 'email', op: 'like', value: 'a' }] })), 'rules.conditions[0].conditions[1].conditions[0].op'],
      [{ match: 'some', conditions: [] }, 'rules.match'],
      // Custom fields: the tenant's definition decides.
      [all({ field: 'custom.nope', op: 'eq', value: 'x' }), 'rules.conditions[0].field'],
      [all({ field: 'custom.seats', op: 'contains', value: 'x' }), 'rules.conditions[0].op'],
      [all({ field: 'custom.seats', op: 'gt', value: 'many' }), 'rules.conditions[0].value'],
      [all({ field: 'custom.Bad-Key', op: 'eq', value: 'x' }), 'rules.conditions[0].field'],
    ];
    for (const [rules, field] of cases) {
      const res = await call('/v1/segments', { token: s.token, body: { name: 'Bad', rules } });
      expectProblem(res, 400, 'validation-error');
      expect(res.json.errors.map((e: { field: string }) => e.field), JSON.stringify(rules)).toContain(field);
      expectProblem(await call('/v1/segments/count', { token: s.token, body: { rules } }), 400, 'validation-error');
    }
  });

  it('refuse trees deeper than 4 groups or with more than 50 conditions, and survive hostile nesting', async () => {
    const s = await paidTenant();
    const leaf = { field: 'email', op: 'is_set' };
    const nest = (depth: number): unknown => (depth === 1 ? all(leaf) : all(nest(depth - 1)));
    expect(await count(s, nest(4))).toBe(0);
    const deep = await call('/v1/segments/count', { token: s.token, body: { rules: nest(5) } });
    expectProblem(deep, 400, 'validation-error');
    expect(deep.json.errors[0].field).toBe('rules.conditions[0].conditions[0].conditions[0].conditions[0]');
    expect(await count(s, all(...Array.from({ length: 50 }, () => leaf)))).toBe(0);
    const many = await call('/v1/segments/count', { token: s.token, body: { rules: all(...Array.from({ length: 51 }, () => leaf)) } });
    expect(many.json.errors[0]).toMatchObject({ field: 'rules' });
    const hostile = '{"rules":' + '{"match":"all","conditions":['.repeat(20_000) + ']}'.repeat(20_000) + '}';
    expectProblem(await call('/v1/segments/count', { token: s.token, body: hostile }), 400, 'validation-error');
  });

  it('count and preview matching live contacts, newest first, page by page', async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'plan', label: 'Plan', type: 'text' } });
    await call('/v1/fields', { token: s.token, body: { key: 'seats', label: 'Seats', type: 'number' } });
    await call('/v1/fields', { token: s.token, body: { key: 'renews', label: 'Renews', type: 'date' } });
    await call('/v1/fields', { token: s.token, body: { key: 'vip', label: 'VIP', type: 'boolean' } });
    const list = (await call('/v1/lists', { token: s.token, body: { name: 'News' } })).json.id;
    const ada = await contact(s, { email: 'ada@example.com', first_name: 'Ada', city: 'London', tags: ['vip'], custom: { plan: 'Gold', seats: 12, renews: '2030-01-15', vip: true } });
    const bob = await contact(s, { email: 'bob@example.org', first_name: 'Bob', city: 'Paris', custom: { plan: 'silver', seats: 3, vip: false } });
    const cy = await contact(s, { email: 'cy@example.com', first_name: 'Cy', status: 'unsubscribed', custom: { seats: 40 } });
    const gone = await contact(s, { email: 'gone@example.com', first_name: 'Ada', tags: ['vip'] });
    await call(`/v1/contacts/${gone}`, { method: 'DELETE', token: s.token });
    await call(`/v1/lists/${list}/members`, { token: s.token, body: { contact_ids: [ada, bob, gone] } });
    await getDb(env).update(listMembers).set({ status: 'unsubscribed' }).where(eq(listMembers.contactId, bob)).run();

    expect(await count(s, all({ field: 'first_name', op: 'eq', value: 'ADA' }))).toBe(1);
    expect(await count(s, all({ field: 'tag', op: 'has', value: 'vip' }))).toBe(1);
    expect(await count(s, all({ field: 'tag', op: 'has_not', value: 'vip' }))).toBe(2);
    expect(await count(s, all({ field: 'list', op: 'member', value: list }))).toBe(1);
    expect(await count(s, all({ field: 'list', op: 'not_member', value: list }))).toBe(2);
    expect(await count(s, all({ field: 'custom.plan', op: 'eq', value: 'gold' }))).toBe(1);
    expect(await count(s, all({ field: 'custom.seats', op: 'gte', value: 12 }))).toBe(2);
    expect(await count(s, all({ field: 'custom.seats', op: 'neq', value: 12 }))).toBe(2);
    expect(await count(s, all({ field: 'custom.renews', op: 'after', value: '2029-12-31' }))).toBe(1);
    expect(await count(s, all({ field: 'custom.renews', op: 'is_not_set' }))).toBe(2);
    expect(await count(s, all({ field: 'custom.vip', op: 'is_false' }))).toBe(1);
    expect(await count(s, all({ field: 'city', op: 'neq', value: 'london' }))).toBe(2);
    expect(await count(s, all({ field: 'created_at', op: 'within_last_days', value: 1 }))).toBe(3);
    expect(await count(s, all({ field: 'status', op: 'neq', value: 'subscribed' }))).toBe(1);
    expect(await count(s, { match: 'any', conditions: [{ field: 'city', op: 'eq', value: 'Paris' }, { field: 'status', op: 'eq', value: 'unsubscribed' }] })).toBe(2);
    expect(await count(s, { match: 'any', conditions: [] })).toBe(0);
    expect(await count(s, all())).toBe(3);

    const seg = await call('/v1/segments', { token: s.token, body: { name: 'Example.com', rules: all({ field: 'email', op: 'ends_with', value: '@example.com' }) } });
    expect((await call(`/v1/segments/${seg.json.id}/count`, { token: s.token })).json).toEqual({ count: 2 });
    const first = await call(`/v1/segments/${seg.json.id}/contacts?limit=1`, { token: s.token });
    expect(first.json.data.map((c: { id: string }) => c.id)).toEqual([cy]);
    expect(first.json.data[0]).toMatchObject({ email: 'cy@example.com', status: 'unsubscribed', tags: [], custom: { seats: 40 } });
    const second = await call(`/v1/segments/${seg.json.id}/contacts?limit=1&cursor=${first.json.next_cursor}`, { token: s.token });
    expect(second.json.data[0]).toMatchObject({ id: ada, tags: ['vip'] });
    expect(second.json.next_cursor).toBeNull();
  });

  it('match opens and clicks from the timeline, by campaign and recency', async () => {
    const s = await paidTenant();
    const [a, b, c] = [await contact(s, { email: 'a@example.com' }), await contact(s, { email: 'b@example.com' }), await contact(s, { email: 'c@example.com' })];
    const day = 24 * 3600_000;
    const event = (contactId: string, type: 'open' | 'click', campaignId: string, daysAgo: number) => ({
      id: newId(ID_PREFIX.contactEvent),
      tenantId: s.tenantId,
      contactId,
      type,
      campaignId,
      createdAt: new Date(Date.now() - daysAgo * day),
    });
    await getDb(env).insert(contactEvents).values([event(a, 'open', 'cmp_1', 2), event(a, 'click', 'cmp_1', 2), event(b, 'open', 'cmp_2', 40)]).run();
    expect(await count(s, all({ field: 'activity', op: 'opened' }))).toBe(2);
    expect(await count(s, all({ field: 'activity', op: 'opened', value: { within_days: 30 } }))).toBe(1);
    expect(await count(s, all({ field: 'activity', op: 'opened', value: { campaign_id: 'cmp_2' } }))).toBe(1);
    expect(await count(s, all({ field: 'activity', op: 'clicked' }))).toBe(1);
    expect(await count(s, all({ field: 'activity', op: 'not_opened', value: { within_days: 30 } }))).toBe(2);
    expect(await count(s, all({ field: 'activity', op: 'not_clicked' }))).toBe(2);
    expect(c).toBeTruthy();
  });

  it('take hostile values literally: quotes, SQL and LIKE wildcards', async () => {
    const s = await paidTenant();
    const hostile = "'); DROP TABLE contacts;--";
    await contact(s, { email: 'evil@example.com', first_name: hostile, company: '100% pure' });
    await contact(s, { email: 'plain@example.com', first_name: 'Robert', company: '100 pure' });
    await contact(s, { email: 'under_score@example.com', first_name: 'Under' });
    expect(await count(s, all({ field: 'first_name', op: 'eq', value: hostile }))).toBe(1);
    expect(await count(s, all({ field: 'first_name', op: 'contains', value: "');" }))).toBe(1);
    expect(await count(s, all({ field: 'company', op: 'contains', value: '%' }))).toBe(1);
    expect(await count(s, all({ field: 'company', op: 'contains', value: '0%' }))).toBe(1);
    expect(await count(s, all({ field: 'email', op: 'contains', value: '_' }))).toBe(1);
    expect(await count(s, all({ field: 'email', op: 'starts_with', value: 'u_d' }))).toBe(0);
    expect(await count(s, all({ field: 'company', op: 'ends_with', value: '\\' }))).toBe(0);
    const seg = await call('/v1/segments', { token: s.token, body: { name: hostile, rules: all({ field: 'first_name', op: 'eq', value: hostile }) } });
    expect((await call(`/v1/segments/${seg.json.id}/count`, { token: s.token })).json.count).toBe(1);
    expect(await getDb(env).select({ id: contacts.id }).from(contacts).where(eq(contacts.tenantId, s.tenantId)).all()).toHaveLength(3);
  });

  it('run the largest rule sets within the database limits, and refuse ones that would not fit', async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'plan', label: 'Plan', type: 'text' } });
    await contact(s, { email: 'tagged@example.com', tags: ['t7'] });
    const tagsAny = { match: 'any', conditions: Array.from({ length: 50 }, (_, i) => ({ field: 'tag', op: 'has', value: `t${i}` })) };
    expect(await count(s, tagsAny)).toBe(1);
    const customs = all(...Array.from({ length: 50 }, (_, i) => ({ field: 'custom.plan', op: 'neq', value: `p${i}` })));
    const res = await call('/v1/segments/count', { token: s.token, body: { rules: customs } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors[0].message).toMatch(/too complex/);
  });

  it("cannot reach another tenant's segments or lists", async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const segB = await call('/v1/segments', { token: b.token, body: { name: 'Theirs', rules: all() } });
    const listB = (await call('/v1/lists', { token: b.token, body: { name: 'Theirs' } })).json.id;
    for (const [method, path] of [
      ['GET', `/v1/segments/${segB.json.id}`],
      ['PATCH', `/v1/segments/${segB.json.id}`],
      ['DELETE', `/v1/segments/${segB.json.id}`],
      ['GET', `/v1/segments/${segB.json.id}/count`],
      ['GET', `/v1/segments/${segB.json.id}/contacts`],
    ] as const) {
      expectProblem(await call(path, { method, token: a.token, ...(method === 'PATCH' ? { body: { name: 'Mine now' } } : {}) }), 404, 'not-found');
    }
    const withList = all({ field: 'list', op: 'member', value: listB });
    expectProblem(await call('/v1/segments', { token: a.token, body: { name: 'Sneaky', rules: withList } }), 404, 'not-found');
    expectProblem(await call('/v1/segments/count', { token: a.token, body: { rules: withList } }), 404, 'not-found');
    expect((await call('/v1/segments', { token: a.token })).json.data).toEqual([]);
    await contact(b, { email: 'theirs@example.com' });
    expect(await count(a, all())).toBe(0);
  });

  it('need contacts:write to change and contacts:read to look', async () => {
    const s = await paidTenant();
    const seg = await call('/v1/segments', { token: s.token, body: { name: 'Everyone', rules: all() } });
    const viewer = await addMember(s.tenantId, 'viewer');
    expect((await call(`/v1/segments/${seg.json.id}/count`, { token: viewer.token })).status).toBe(200);
    expectProblem(await call('/v1/segments', { token: viewer.token, body: { name: 'Mine', rules: all() } }), 403, 'forbidden');
    expectProblem(await call(`/v1/segments/${seg.json.id}`, { method: 'PATCH', token: viewer.token, body: { name: 'x' } }), 403, 'forbidden');
    expectProblem(await call(`/v1/segments/${seg.json.id}`, { method: 'DELETE', token: viewer.token }), 403, 'forbidden');
    const readOnly = await createApiKey(s, ['contacts:read']);
    expect((await call('/v1/segments', { token: readOnly.secret })).status).toBe(200);
    expect((await call('/v1/segments/count', { token: readOnly.secret, body: { rules: all() } })).status).toBe(200);
    expectProblem(await call('/v1/segments', { token: readOnly.secret, body: { name: 'Mine', rules: all() } }), 403, 'insufficient-scope');
    const other = await createApiKey(s, ['templates:read']);
    expectProblem(await call('/v1/segments', { token: other.secret }), 403, 'insufficient-scope');
  });
});
