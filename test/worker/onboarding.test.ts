import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { issueEmailToken } from '../../worker/domain/email-tokens';
import { addContacts, createCampaign, sendingTenant } from './campaign-helpers';
import { call, signupTenant } from './helpers';

const done = (body: { steps: { key: string; done: boolean }[] }) => body.steps.filter((s) => s.done).map((s) => s.key);

describe('onboarding checklist', () => {
  it('ticks steps from the data as the work gets done', async () => {
    const s = await signupTenant();
    const start = await call('/v1/onboarding', { token: s.token });
    expect(start.json.total).toBe(7);
    // A free plan sends from the platform domain: nothing to set up.
    expect(done(start.json)).toEqual(['sending_domain']);

    await call('/v1/auth/verify-email', { body: { token: await issueEmailToken(getDb(env), s.userId, 'verify_email') } });
    await call('/v1/tenant', { method: 'PATCH', token: s.token, body: { postal_address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' } } });
    const after = await call('/v1/onboarding', { token: s.token });
    expect(done(after.json)).toEqual(['confirm_email', 'organisation', 'sending_domain']);
    expect(after.json.completed).toBe(3);

    await call('/v1/contacts', { token: s.token, body: { email: 'first@example.com' } });
    expect(done((await call('/v1/onboarding', { token: s.token })).json)).toContain('import_contacts');
  });
});

describe('onboarding: the first campaign', () => {
  it('ticks "send your first campaign" once a campaign starts sending, not when a draft is saved', async () => {
    const s = await sendingTenant('First Campaign Co');
    await addContacts(s.tenantId, 1, 'first');
    const id = await createCampaign(s);
    const step = async () => (await call('/v1/onboarding', { token: s.token })).json.steps.find((x: { key: string }) => x.key === 'first_campaign');
    expect(await step()).toMatchObject({ done: false, href: '/campaigns/new' });
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    expect((await step()).done).toBe(true);
  });
});
