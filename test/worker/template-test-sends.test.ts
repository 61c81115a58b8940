import { env } from 'cloudflare:test';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { takeToken } from '../../worker/domain/rate-limit';
import { verifyTrackingToken } from '../../worker/mail/tracking-tokens';
import { addMember, call, expectProblem, paidTenant, SELF_FETCH, signupTenant, uniqueEmail, waitForEmail, type Session } from './helpers';

const ADDRESS = { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
const HTML = `<!doctype html><html><body>
<p>{Hi|Hello} {{ first_name | default: "there" }},</p>
<p><a href="https://shop.example/sale?utm=1">Shop the sale</a> · <a href="mailto:help@shop.example">Write to us</a> · <a href="https://shop.example/terms" data-no-track>Terms</a></p>
</body></html>`;

async function readyTenant(): Promise<Session> {
  const s = await paidTenant('Test Sends Co');
  await call('/v1/tenant', { method: 'PATCH', token: s.token, body: { postal_address: ADDRESS } });
  return s;
}

async function newTemplate(s: Session) {
  const res = await call('/v1/templates', { token: s.token, body: { name: 'Sale', subject: 'Our sale 🎉 for {{ first_name | default: "you" }}', html: HTML, preheader: 'Up to 50% off' } });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** The raw message as the sink received it, parsed by a real MIME parser. */
async function received(to: string) {
  const found = await waitForEmail(to, /\[Test\]/);
  const raw = await (await fetch(`${env.MAILDEV_URL}/api/email/${found.id}/source`)).text();
  return { raw, parsed: await PostalMime.parse(raw) };
}

describe('template test sends', () => {
  it('send the template as a campaign would: merged, tracked, footer, DKIM-signed, marked [Test], viewable online', async () => {
    const s = await readyTenant();
    const id = await newTemplate(s);
    const contact = await call('/v1/contacts', { token: s.token, body: { email: uniqueEmail('grace'), first_name: 'Grace' } });
    const [a, b] = [uniqueEmail('qa'), uniqueEmail('boss')];
    const res = await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: [a, b.toUpperCase()], contact_id: contact.json.id } });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ sent: 2, to: [a, b] });

    const { raw, parsed } = await received(a);
    expect(parsed.subject).toBe('[Test] Our sale 🎉 for Grace');
    expect(parsed.html).toMatch(/(Hi|Hello) Grace/);
    expect(parsed.text).toMatch(/(Hi|Hello) Grace/);
    expect(parsed.from).toMatchObject({ address: expect.stringMatching(/@mail\.edgepost\.test$/) });
    expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=mail\.edgepost\.test;\s+s=ep1;/m);
    expect(parsed.headers.find((h) => h.key === 'list-unsubscribe-post')?.value).toBe('List-Unsubscribe=One-Click');
    // The footer carries the postal address; the tracked link is signed, the mailto and no-track links are not.
    expect(parsed.text).toContain('1 Main St');
    const hrefs = [...parsed.html!.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(hrefs).toContain('mailto:help@shop.example');
    expect(hrefs).toContain('https://shop.example/terms');
    const click = hrefs.find((h) => h.includes('/t/c/'))!;
    expect(await verifyTrackingToken(env.TOKEN_SIGNING_KEYS, click.split('/t/c/')[1]!, 'c')).toMatchObject({ url: 'https://shop.example/sale?utm=1', tenantId: s.tenantId, contactId: contact.json.id });

    // "View in your browser" shows the very HTML that was sent, in a sandbox where nothing can run.
    const view = hrefs.find((h) => h.includes('/t/v/'))!;
    const page = await SELF_FETCH(view);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^sandbox /);
    expect((await page.text()).replace(/\r\n/g, '\n').trimEnd()).toBe(parsed.html!.replace(/\r\n/g, '\n').trimEnd());
    // A tampered view token shows the safe page, not someone else's message.
    const tampered = view.slice(0, -3) + (view.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await SELF_FETCH(tampered)).status).toBe(404);

    // The second address got its own copy, and the onboarding step ticked.
    expect((await received(b)).parsed.subject).toBe('[Test] Our sale 🎉 for Grace');
    const steps = await call('/v1/onboarding', { token: s.token });
    expect(steps.json.steps.find((x: { key: string }) => x.key === 'send_test')).toMatchObject({ done: true });
  });

  it('merges the sample contact when no contact is chosen', async () => {
    const s = await readyTenant();
    const id = await newTemplate(s);
    const to = uniqueEmail('sample');
    expect((await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: [to] } })).status).toBe(202);
    expect((await received(to)).parsed.subject).toBe('[Test] Our sale 🎉 for Ada');
  });

  it('refuses without a postal address, before using any of the hourly allowance', async () => {
    const s = await paidTenant();
    const id = await newTemplate(s);
    const res = await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: [uniqueEmail()] } });
    expectProblem(res, 422, 'unprocessable');
    expect(res.json.code).toBe('postal_address_required');
    expect((await takeToken(env, s.tenantId, { name: 'test-email', spec: { capacity: 20, windowSeconds: 3600 } }, 20)).allowed).toBe(true);
  });

  it('allows 20 test emails per hour per workspace', async () => {
    const s = await readyTenant();
    const id = await newTemplate(s);
    await takeToken(env, s.tenantId, { name: 'test-email', spec: { capacity: 20, windowSeconds: 3600 } }, 19);
    const res = await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: [uniqueEmail(), uniqueEmail()] } });
    expectProblem(res, 429, 'rate-limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: [uniqueEmail()] } })).status).toBe(202);
  });

  it('validates recipients and refuses other tenants, unverified From domains and roles without the send permission', async () => {
    const s = await readyTenant();
    const id = await newTemplate(s);
    const bad = await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: ['ok@example.com', 'not-an-address'] } });
    expectProblem(bad, 400, 'validation-error');
    expect(bad.json.errors[0].field).toBe('to.1');
    expectProblem(await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: Array.from({ length: 6 }, () => uniqueEmail()) } }), 400, 'validation-error');
    const unverified = await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: [uniqueEmail()], from_email: 'news@unverified.example' } });
    expectProblem(unverified, 400, 'validation-error');
    expect(unverified.json.errors[0]).toMatchObject({ field: 'from_email', message: expect.stringMatching(/Only verified domains/) });

    const other = await signupTenant('Other Co');
    expectProblem(await call(`/v1/templates/${id}/test`, { token: other.token, body: { to: [uniqueEmail()] } }), 404, 'not-found');
    const foreignContact = await call('/v1/contacts', { token: other.token, body: { email: uniqueEmail() } });
    expectProblem(await call(`/v1/templates/${id}/test`, { token: s.token, body: { to: [uniqueEmail()], contact_id: foreignContact.json.id } }), 404, 'not-found');
    const viewer = await addMember(s.tenantId, 'viewer');
    expect((await call(`/v1/templates/${id}/test`, { token: viewer.token, body: { to: [uniqueEmail()] } })).status).toBe(403);
  });
});

describe('online copies of test sends', () => {
  it('expire after 30 days and are purged oldest first; another tenant’s id never matches', async () => {
    const { storeMessageView, loadMessageView, purgeMessageViews } = await import('../../worker/domain/message-views');
    const { newId, ID_PREFIX } = await import('../../worker/lib/ids');
    const messageId = newId(ID_PREFIX.testMessage);
    await storeMessageView(env, { tenantId: 'ten_a', messageId, subject: 'Hi', html: '<p>Hi</p>' });
    expect(await loadMessageView(env, 'ten_a', messageId)).toEqual({ subject: 'Hi', html: '<p>Hi</p>' });
    expect(await loadMessageView(env, 'ten_b', messageId)).toBeNull();
    expect(await purgeMessageViews(env)).toBe(0);
    const later = Date.now() + 31 * 86_400_000;
    expect(await loadMessageView(env, 'ten_a', messageId, later)).toBeNull();
    expect(await purgeMessageViews(env, later)).toBeGreaterThanOrEqual(1);
    expect(await env.FILES.head(`views/${messageId}`)).toBeNull();
  });
});
