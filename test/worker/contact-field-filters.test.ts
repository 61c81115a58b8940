import { describe, expect, it } from 'vitest';
import { call, expectProblem, paidTenant, type Session } from './helpers';

async function contact(s: Session, body: Record<string, unknown>) {
  const res = await call('/v1/contacts', { token: s.token, body });
  if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

const listed = async (s: Session, ...filters: string[]) => {
  const query = filters.map((f) => `field=${encodeURIComponent(f)}`).join('&');
  const res = await call(`/v1/contacts?limit=100&${query}`, { token: s.token });
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.data.map((c: { email: string }) => c.email).sort();
};

async function workspaceWithFields() {
  const s = await paidTenant();
  for (const f of [
    { key: 'plan', label: 'Plan', type: 'text' },
    { key: 'seats', label: 'Seats', type: 'number' },
    { key: 'vip', label: 'VIP', type: 'boolean' },
    { key: 'renewal', label: 'Renewal', type: 'date' },
  ]) {
    expect((await call('/v1/fields', { token: s.token, body: f })).status).toBe(201);
  }
  await contact(s, { email: 'ada@example.com', city: 'Berlin', country: 'DE', custom: { plan: 'Pro', seats: 10, vip: true, renewal: '2027-01-31' } });
  await contact(s, { email: 'ben@example.com', city: 'berlin', country: 'DE', custom: { plan: 'free', seats: 1, vip: false } });
  await contact(s, { email: 'cat@example.com', city: 'Paris', country: 'FR', custom: { plan: 'pro', seats: 10 } });
  await contact(s, { email: 'dan@example.com' });
  return s;
}

describe('contact field filters', () => {
  it('match a contact field or a custom field by equality, typed as the field is, and combine with AND', async () => {
    const s = await workspaceWithFields();
    expect(await listed(s, 'city:BERLIN')).toEqual(['ada@example.com', 'ben@example.com']);
    expect(await listed(s, 'country:FR')).toEqual(['cat@example.com']);
    expect(await listed(s, 'custom.plan:pro')).toEqual(['ada@example.com', 'cat@example.com']);
    expect(await listed(s, 'custom.seats:10')).toEqual(['ada@example.com', 'cat@example.com']);
    expect(await listed(s, 'custom.seats:10.0')).toEqual(['ada@example.com', 'cat@example.com']);
    expect(await listed(s, 'custom.vip:true')).toEqual(['ada@example.com']);
    expect(await listed(s, 'custom.vip:false')).toEqual(['ben@example.com']);
    expect(await listed(s, 'custom.renewal:2027-01-31')).toEqual(['ada@example.com']);
    expect(await listed(s, 'custom.plan:pro', 'country:DE')).toEqual(['ada@example.com']);
    // With the other filters too.
    const res = await call(`/v1/contacts?q=ca&field=${encodeURIComponent('custom.plan:pro')}`, { token: s.token });
    expect(res.json.data.map((c: { email: string }) => c.email)).toEqual(['cat@example.com']);
  });

  it('match contacts without a value when the value is empty', async () => {
    const s = await workspaceWithFields();
    expect(await listed(s, 'city:')).toEqual(['dan@example.com']);
    expect(await listed(s, 'custom.vip:')).toEqual(['cat@example.com', 'dan@example.com']);
  });

  it('refuse unknown fields, malformed filters and values that do not fit the type, naming each', async () => {
    const s = await workspaceWithFields();
    const other = await paidTenant();
    await call('/v1/fields', { token: other.token, body: { key: 'secret_score', label: 'Secret', type: 'number' } });
    const cases: [string, RegExp][] = [
      ['no-colon', /must be field:value/],
      ['favourite_color:red', /not a contact field or a defined custom field/],
      ['custom.secret_score:1', /not a contact field or a defined custom field/],
      ['custom.seats:ten', /number field/],
      ['custom.vip:yes', /boolean field/],
      ['custom.renewal:31/01/2027', /date field/],
      [`city:${'x'.repeat(250)}`, /text field/],
    ];
    for (const [filter, message] of cases) {
      const res = await call(`/v1/contacts?field=${encodeURIComponent(filter)}`, { token: s.token });
      expectProblem(res, 400, 'validation-error');
      expect(res.json.errors[0]).toMatchObject({ field: 'field[0]', message: expect.stringMatching(message) });
    }
    const tooMany = await call(`/v1/contacts?${Array.from({ length: 11 }, () => 'field=city:x').join('&')}`, { token: s.token });
    expectProblem(tooMany, 400, 'validation-error');
  });

  it('select the same contacts for a bulk action as for the list', async () => {
    const s = await workspaceWithFields();
    const bulk = await call('/v1/contacts/bulk', { token: s.token, body: { action: 'tag', tag: 'pro-customers', selection: { filter: { field: ['custom.plan:pro'] } } } });
    expect(bulk.json).toEqual({ affected: 2 });
    expect((await call('/v1/contacts?tag=pro-customers', { token: s.token })).json.data.map((c: { email: string }) => c.email).sort()).toEqual(['ada@example.com', 'cat@example.com']);
    const refused = await call('/v1/contacts/bulk', { token: s.token, body: { action: 'tag', tag: 'x', selection: { filter: { field: ['custom.nope:1'] } } } });
    expectProblem(refused, 400, 'validation-error');
    expect(refused.json.errors[0].field).toBe('selection.filter.field[0]');
  });
});
