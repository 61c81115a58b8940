import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contacts } from '../../worker/db/schema';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { addMember, call, createApiKey, expectProblem, paidTenant, uniqueEmail, type Session } from './helpers';

interface Event {
  id: string;
  type: string;
  campaign_id: string | null;
  data: Record<string, unknown> | null;
  created_at: string;
}

async function contact(s: Session, body: Record<string, unknown> = {}) {
  const res = await call('/v1/contacts', { token: s.token, body: { email: uniqueEmail('person'), ...body } });
  if (res.status !== 201) throw new Error(`contact create failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

async function activity(s: Session, id: string, query = '') {
  const res = await call(`/v1/contacts/${id}/activity${query}`, { token: s.token });
  expect(res.status).toBe(200);
  return res.json as { data: Event[]; next_cursor: string | null };
}

describe('contact activity timeline', () => {
  it('records what happened to a contact, newest first, naming changed fields but never their values', async () => {
    const s = await paidTenant();
    const id = await contact(s, { first_name: 'Ada', consent: { source: 'signup-form', at: '2026-01-02T10:00:00Z' } });
    const list = (await call('/v1/lists', { token: s.token, body: { name: 'Newsletter' } })).json.id as string;
    await call(`/v1/contacts/${id}`, { method: 'PATCH', token: s.token, body: { first_name: 'Augusta', city: 'London' } });
    await call(`/v1/lists/${list}/members`, { token: s.token, body: { contact_ids: [id] } });
    await call(`/v1/lists/${list}/members`, { token: s.token, body: { contact_ids: [id] } });
    await call(`/v1/lists/${list}/members/remove`, { token: s.token, body: { contact_ids: [id] } });
    await call(`/v1/contacts/${id}`, { method: 'DELETE', token: s.token });
    await call(`/v1/contacts/${id}/restore`, { method: 'POST', token: s.token });
    const email = (await call(`/v1/contacts/${id}`, { token: s.token })).json.email as string;
    const suppression = (await call('/v1/suppressions', { token: s.token, body: { email, reason: 'manual' } })).json.id as string;

    const { data, next_cursor } = await activity(s, id);
    expect(next_cursor).toBeNull();
    expect(data.map((e) => e.type)).toEqual(['suppressed', 'restored', 'deleted', 'list_removed', 'list_added', 'updated', 'created']);
    const byType = Object.fromEntries(data.map((e) => [e.type, e]));
    expect(byType.created!.data).toEqual({ consent_source: 'signup-form' });
    expect(byType.updated!.data).toEqual({ fields: ['first_name', 'city'] });
    expect(byType.list_added!.data).toEqual({ list_id: list });
    expect(byType.list_removed!.data).toEqual({ list_id: list });
    expect(byType.suppressed!.data).toEqual({ suppression_id: suppression, reason: 'manual' });
    expect(JSON.stringify(data)).not.toMatch(/Augusta|London|@/);
    expect(data[0]).toMatchObject({ campaign_id: null, created_at: expect.any(String) });
  });

  it('pages through the timeline with a cursor', async () => {
    const s = await paidTenant();
    const id = await contact(s);
    for (const city of ['Paris', 'Rome', 'Oslo', 'Lima']) await call(`/v1/contacts/${id}`, { method: 'PATCH', token: s.token, body: { city } });
    const first = await activity(s, id, '?limit=2');
    expect(first.data).toHaveLength(2);
    expect(first.next_cursor).toBeTruthy();
    const second = await activity(s, id, `?limit=2&cursor=${first.next_cursor}`);
    const third = await activity(s, id, `?limit=2&cursor=${second.next_cursor}`);
    const ids = [...first.data, ...second.data, ...third.data].map((e) => e.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.next_cursor).toBeNull();
    expect(third.data.at(-1)!.type).toBe('created');
    expectProblem(await call(`/v1/contacts/${id}/activity?cursor=garbage`, { token: s.token }), 400, 'validation-error');
  });

  it('records list_added and list_removed for each of many contacts changed in one call', async () => {
    const s = await paidTenant();
    const list = (await call('/v1/lists', { token: s.token, body: { name: 'Big' } })).json.id as string;
    const ids = Array.from({ length: 150 }, () => newId(ID_PREFIX.contact));
    // Straight into the table: 150 API calls would only slow the test down.
    for (let i = 0; i < ids.length; i += 10) {
      await getDb(env).insert(contacts).values(ids.slice(i, i + 10).map((id) => ({ id, tenantId: s.tenantId, email: `${id}@example.com` }))).run();
    }
    expect((await call(`/v1/lists/${list}/members`, { token: s.token, body: { contact_ids: ids } })).json).toEqual({ added: 150, not_found: [] });
    expect((await call(`/v1/lists/${list}`, { token: s.token })).json.subscribers).toBe(150);
    expect((await call(`/v1/lists/${list}/members/remove`, { token: s.token, body: { contact_ids: ids } })).json).toEqual({ removed: 150 });
    for (const id of [ids[0]!, ids[149]!]) expect((await activity(s, id)).data.map((e) => e.type)).toEqual(['list_removed', 'list_added']);
  });

  it('marks every contact a domain suppression matches', async () => {
    const s = await paidTenant();
    const [a, b, other] = [await contact(s, { email: 'one@blocked.example' }), await contact(s, { email: 'two@blocked.example' }), await contact(s, { email: 'three@fine.example' })];
    await call('/v1/suppressions', { token: s.token, body: { domain: 'blocked.example', reason: 'complaint' } });
    for (const id of [a, b]) expect((await activity(s, id)).data[0]).toMatchObject({ type: 'suppressed', data: { reason: 'complaint' } });
    expect((await activity(s, other)).data.map((e) => e.type)).toEqual(['created']);
  });

  it('is readable with contacts:read only, and another tenant’s contact is a 404', async () => {
    const s = await paidTenant();
    const id = await contact(s);
    const viewer = await addMember(s.tenantId, 'viewer');
    expect((await call(`/v1/contacts/${id}/activity`, { token: viewer.token })).status).toBe(200);
    const key = await createApiKey(s, ['stats:read']);
    expectProblem(await call(`/v1/contacts/${id}/activity`, { token: key.secret }), 403, 'insufficient-scope');
    const other = await paidTenant();
    expectProblem(await call(`/v1/contacts/${id}/activity`, { token: other.token }), 404, 'not-found');
    expectProblem(await call('/v1/contacts/con_missing/activity', { token: s.token }), 404, 'not-found');
    expectProblem(await call(`/v1/contacts/${id}/activity`), 401, 'unauthorized');
  });

  it('is part of the GDPR data export, and anonymizing keeps event types but erases their data', async () => {
    const s = await paidTenant();
    const id = await contact(s, { consent: { source: 'webinar-signup', at: '2026-01-02T10:00:00Z', ip: '198.51.100.7' } });
    await call(`/v1/contacts/${id}`, { method: 'PATCH', token: s.token, body: { company: 'Initech' } });
    const exported = await call(`/v1/contacts/${id}/data-export`, { token: s.token });
    expect(exported.json.activity.map((e: Event) => [e.type, e.data])).toEqual([
      ['created', { consent_source: 'webinar-signup' }],
      ['updated', { fields: ['company'] }],
    ]);

    await call(`/v1/contacts/${id}/anonymize`, { method: 'POST', token: s.token });
    const { data } = await activity(s, id);
    expect(data.map((e) => [e.type, e.data])).toEqual([
      ['anonymized', null],
      ['updated', null],
      ['created', null],
    ]);
    const after = await call(`/v1/contacts/${id}/data-export`, { token: s.token });
    expect(JSON.stringify(after.json)).not.toMatch(/webinar|Initech|198\.51/);
  });
});
