import { describe, expect, it } from 'vitest';
import { addMember, call, expectProblem, signupTenant } from './helpers';

const ADDRESS = { line1: '1 Harbour Street', city: 'Hamburg', postal_code: '20457', country: 'de' };

describe('workspace settings', () => {
  it('start without an address, so the workspace is not ready to send', async () => {
    const owner = await signupTenant('Settings Co');
    const res = await call('/v1/tenant', { token: owner.token });
    expect(res.json).toMatchObject({ name: 'Settings Co', postal_address: null, timezone: 'UTC', language: 'en', sending_ready: false, require_2fa: false });
  });

  it('owners change only the fields they send; the address makes the workspace ready', async () => {
    const owner = await signupTenant();
    const res = await call('/v1/tenant', {
      method: 'PATCH',
      token: owner.token,
      body: { postal_address: ADDRESS, timezone: 'Europe/Berlin', default_from_name: 'Acme News', default_reply_to: 'hello@acme.example', brand: { primary_color: '#4338ca' } },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ postal_address: { ...ADDRESS, country: 'DE' }, timezone: 'Europe/Berlin', sending_ready: true, brand: { primary_color: '#4338ca', logo_url: null } });
    const again = await call('/v1/tenant', { method: 'PATCH', token: owner.token, body: { brand: { footer_text: 'You get this because you signed up.' } } });
    expect(again.json.brand).toEqual({ primary_color: '#4338ca', footer_text: 'You get this because you signed up.', logo_url: null });
    expect(again.json.timezone).toBe('Europe/Berlin');
    const log = await call('/v1/audit-log?action=tenant.settings_updated', { token: owner.token });
    expect(log.json.data[0].metadata.fields).toEqual(['brand']);
  });

  it('refuse invalid values field by field', async () => {
    const owner = await signupTenant();
    const res = await call('/v1/tenant', {
      method: 'PATCH',
      token: owner.token,
      body: { timezone: 'Mars/Olympus', default_from_name: 'Evil\r\nBcc: victim@example.com', brand: { logo_url: 'javascript:alert(1)', primary_color: 'red' }, language: 'xx' },
    });
    expectProblem(res, 400, 'validation-error');
    const fields = res.json.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['brand.logo_url', 'brand.primary_color', 'default_from_name', 'language', 'timezone']);
    expectProblem(await call('/v1/tenant', { method: 'PATCH', token: owner.token, body: { plan: 'enterprise' } }), 400, 'validation-error');
  });

  it('only owners may change them; every role may read them', async () => {
    const owner = await signupTenant();
    const admin = await addMember(owner.tenantId, 'admin');
    expect((await call('/v1/tenant', { token: admin.token })).status).toBe(200);
    expectProblem(await call('/v1/tenant', { method: 'PATCH', token: admin.token, body: { name: 'Hijacked' } }), 403, 'forbidden');
  });

  it('requiring 2FA of everyone needs the owner to have it first', async () => {
    const owner = await signupTenant();
    expectProblem(await call('/v1/tenant', { method: 'PATCH', token: owner.token, body: { require_2fa: true } }), 409, 'conflict');
  });
});
