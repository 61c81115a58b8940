import { describe, expect, it } from 'vitest';
import { call, expectProblem, setPlan, signupTenant } from './helpers';

async function setup() {
  const s = await signupTenant('GDPR Co');
  await setPlan(s.tenantId, 'pro');
  const list = await call('/v1/lists', { token: s.token, body: { name: 'Newsletter' } });
  const c = await call('/v1/contacts', {
    token: s.token,
    body: { email: 'maria@example.com', first_name: 'Maria', last_name: 'Garcia', phone: '+34 600 000 000', tags: ['vip'], consent: { source: 'signup-form', at: '2026-01-02T10:00:00Z', ip: '198.51.100.7', wording_version: 'v3' } },
  });
  await call(`/v1/lists/${list.json.id}/members`, { token: s.token, body: { contact_ids: [c.json.id] } });
  return { s, id: c.json.id as string };
}

describe('GDPR for contacts', () => {
  it('data export holds everything about the person, and is audit-logged without personal data', async () => {
    const { s, id } = await setup();
    const res = await call(`/v1/contacts/${id}/data-export`, { token: s.token });
    expect(res.headers.get('content-disposition')).toContain(`contact-${id}.json`);
    expect(res.json.contact).toMatchObject({ email: 'maria@example.com', first_name: 'Maria', tags: ['vip'], consent: { source: 'signup-form', wording_version: 'v3' } });
    expect(res.json.lists).toEqual([expect.objectContaining({ list: 'Newsletter', status: 'subscribed' })]);
    expect(res.json.history.map((h: { action: string }) => h.action)).toContain('contact.created');
    const log = await call('/v1/audit-log?action=contact.data_exported', { token: s.token });
    expect(log.json.data).toHaveLength(1);
    expect(JSON.stringify(log.json)).not.toContain('maria');
  });

  it('anonymize replaces personal data irreversibly and leaves an address that cannot receive mail', async () => {
    const { s, id } = await setup();
    const res = await call(`/v1/contacts/${id}/anonymize`, { method: 'POST', token: s.token });
    expect(res.json).toMatchObject({ email: `anonymized-${id}@anonymized.invalid`, first_name: null, last_name: null, phone: null, consent: null, custom: {}, tags: [], status: 'unsubscribed' });
    const exported = await call(`/v1/contacts/${id}/data-export`, { token: s.token });
    expect(JSON.stringify(exported.json)).not.toMatch(/maria|garcia|600 000|198\.51/i);
    expect(exported.json.lists).toEqual([]);
    // The old address is free again: the person may come back as a new contact.
    expect((await call('/v1/contacts', { token: s.token, body: { email: 'maria@example.com' } })).status).toBe(201);
  });

  it('is not available across tenants', async () => {
    const { id } = await setup();
    const other = await signupTenant();
    expectProblem(await call(`/v1/contacts/${id}/data-export`, { token: other.token }), 404, 'not-found');
    expectProblem(await call(`/v1/contacts/${id}/anonymize`, { method: 'POST', token: other.token }), 404, 'not-found');
  });
});
