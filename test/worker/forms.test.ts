import { SELF, env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contacts, forms, listMembers, tenants } from '../../worker/db/schema';
import { turnstileVerifier } from '../../worker/domain/captcha';
import { embedHtml } from '../../worker/domain/forms';
import { SUBSCRIBE_LIMITS } from '../../worker/domain/subscribe';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { signToken } from '../../worker/lib/signed-tokens';
import { BASE, CAPTCHA_PASS, addMember, call, createApiKey, expectProblem, paidTenant, setPlan, tokenFromLink, uniqueEmail, waitForEmail, type Session } from './helpers';

const CONFIRM_SUBJECT = /Confirm your subscription/;

async function list(s: Session, name: string, doubleOptIn: boolean) {
  const res = await call('/v1/lists', { token: s.token, body: { name, double_opt_in: doubleOptIn } });
  return res.json.id as string;
}

async function createForm(s: Session, body: Record<string, unknown>) {
  const res = await call('/v1/forms', { token: s.token, body: { name: 'Footer form', consent_text: 'I agree to the monthly newsletter.', ...body } });
  if (res.status !== 201) throw new Error(`form create failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** A tenant with a double opt-in form (or single opt-in with `doubleOptIn: false`). */
async function setup(opts: { doubleOptIn?: boolean; form?: Record<string, unknown>; tenantName?: string } = {}) {
  const s = await paidTenant(opts.tenantName);
  const listId = await list(s, 'Newsletter', opts.doubleOptIn ?? true);
  const form = await createForm(s, { list_ids: [listId], fields: ['first_name'], ...opts.form });
  return { s, listId, form };
}

/** Posts like the embedded HTML form does (form-encoded, no redirects followed). */
async function post(formId: string, fields: Record<string, string>, opts: { ip?: string; json?: boolean } = {}) {
  const headers: Record<string, string> = { 'content-type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded', 'cf-connecting-ip': opts.ip ?? '198.51.100.10' };
  const res = await SELF.fetch(`${BASE}/v1/public/forms/${formId}/subscribe`, {
    method: 'POST',
    headers,
    body: opts.json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const human = (email: string, extra: Record<string, string> = {}) => ({ email, website: '', 'cf-turnstile-response': CAPTCHA_PASS, ...extra });

async function page(path: string) {
  const res = await SELF.fetch(BASE + path, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The button on the confirmation page: a form post of the token back to the API. */
async function pressConfirm(link: string, ip = '203.0.113.9') {
  const res = await SELF.fetch(`${BASE}/v1/public/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': ip },
    body: new URLSearchParams({ token: tokenFromLink(link) }).toString(),
    redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function contactByEmail(tenantId: string, email: string) {
  return getDb(env).select().from(contacts).where(eq(contacts.email, email)).all().then((rows) => rows.find((r) => r.tenantId === tenantId));
}

async function activityTypes(s: Session, contactId: string) {
  const res = await call(`/v1/contacts/${contactId}/activity`, { token: s.token });
  return (res.json.data as { type: string }[]).map((e) => e.type);
}

/** Submitting a fresh address and waiting for its mail proves the queue got past anything enqueued before it. */
async function sentinelConfirmation(formId: string) {
  const sentinel = uniqueEmail('sentinel');
  await post(formId, human(sentinel), { ip: '198.51.100.250' });
  await waitForEmail(sentinel, CONFIRM_SUBJECT);
}

async function inbox(to: string) {
  const all = (await (await fetch(`${env.MAILDEV_URL}/api/email`)).json()) as { to: { address: string }[] }[];
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === to.toLowerCase()));
}

describe('forms API', () => {
  it('creates a form for the tenant’s lists with its subscribe URL, and bumps the consent version only when the wording changes', async () => {
    const s = await paidTenant();
    const single = await list(s, 'Updates', false);
    const double = await list(s, 'Newsletter', true);
    const form = await createForm(s, { list_ids: [single], fields: ['first_name', 'country'] });
    expect(form).toMatchObject({ list_ids: [single], fields: ['first_name', 'country'], consent_version: 1, enabled: true, double_opt_in: false, success_url: null });
    expect(form.subscribe_url).toBe(`${env.PUBLIC_API_URL}/v1/public/forms/${form.id}/subscribe`);

    const renamed = await call(`/v1/forms/${form.id}`, { method: 'PATCH', token: s.token, body: { name: 'Sidebar', list_ids: [single, double], consent_text: 'I agree to the monthly newsletter.' } });
    expect(renamed.json).toMatchObject({ name: 'Sidebar', consent_version: 1, double_opt_in: true });
    const reworded = await call(`/v1/forms/${form.id}`, { method: 'PATCH', token: s.token, body: { consent_text: 'I agree to the weekly digest.' } });
    expect(reworded.json).toMatchObject({ consent_text: 'I agree to the weekly digest.', consent_version: 2 });

    expect((await call('/v1/forms', { token: s.token })).json.data.map((f: { id: string }) => f.id)).toEqual([form.id]);
    expect((await call(`/v1/forms/${form.id}`, { method: 'DELETE', token: s.token })).status).toBe(204);
    expectProblem(await call(`/v1/forms/${form.id}`, { token: s.token }), 404, 'not-found');
    const log = await call('/v1/audit-log?action=form.*', { token: s.token });
    expect(log.json.data.map((e: { action: string }) => e.action).sort()).toEqual(['form.created', 'form.deleted', 'form.updated', 'form.updated']);
  });

  it('refuses lists that are not the tenant’s, and unsafe success URLs', async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const theirs = await list(b, 'Private', false);
    const mine = await list(a, 'Mine', false);
    const res = await call('/v1/forms', { token: a.token, body: { name: 'F', consent_text: 'OK', list_ids: [mine, theirs] } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors).toEqual([{ field: 'list_ids.1', message: expect.stringContaining(theirs) }]);
    expectProblem(await call('/v1/forms', { token: a.token, body: { name: 'F', consent_text: 'OK', list_ids: [] } }), 400, 'validation-error');
    for (const url of ['javascript:alert(1)', 'http://example.com/thanks', 'data:text/html,hi', '/relative', 'https://user:pw@example.com/']) {
      expectProblem(await call('/v1/forms', { token: a.token, body: { name: 'F', consent_text: 'OK', list_ids: [mine], success_url: url } }), 400, 'validation-error');
    }
    expect((await createForm(a, { list_ids: [mine], success_url: 'https://example.com/thanks' })).success_url).toBe('https://example.com/thanks');
    expect((await createForm(a, { list_ids: [mine], success_url: 'http://localhost:3000/ok' })).success_url).toBe('http://localhost:3000/ok');
  });

  it("cannot reach another tenant's forms", async () => {
    const { form } = await setup();
    const other = await paidTenant();
    expectProblem(await call(`/v1/forms/${form.id}`, { token: other.token }), 404, 'not-found');
    expectProblem(await call(`/v1/forms/${form.id}`, { method: 'PATCH', token: other.token, body: { name: 'Mine now' } }), 404, 'not-found');
    expectProblem(await call(`/v1/forms/${form.id}`, { method: 'DELETE', token: other.token }), 404, 'not-found');
    expect((await call('/v1/forms', { token: other.token })).json.data).toEqual([]);
  });

  it('needs contacts:write to change forms and contacts:read to see them', async () => {
    const { s, listId, form } = await setup();
    const viewer = await addMember(s.tenantId, 'viewer');
    expect((await call(`/v1/forms/${form.id}`, { token: viewer.token })).status).toBe(200);
    expectProblem(await call('/v1/forms', { token: viewer.token, body: { name: 'F', consent_text: 'OK', list_ids: [listId] } }), 403, 'forbidden');
    const readKey = await createApiKey(s, ['contacts:read']);
    expectProblem(await call(`/v1/forms/${form.id}`, { method: 'DELETE', token: readKey.secret }), 403, 'insufficient-scope');
    const statsKey = await createApiKey(s, ['stats:read']);
    expectProblem(await call('/v1/forms', { token: statsKey.secret }), 403, 'insufficient-scope');
    const writeKey = await createApiKey(s, ['contacts:write']);
    expect((await call('/v1/forms', { token: writeKey.secret, body: { name: 'By key', consent_text: 'OK', list_ids: [listId] } })).status).toBe(201);
  });

  it('embeds an accessible form: labelled, autofillable fields, a honeypot hidden from people and screen readers, the consent text and the CAPTCHA', async () => {
    const { form } = await setup({ form: { fields: ['first_name', 'country'] } });
    const { document } = parseHTML(`<!doctype html><html><body>${form.embed_html}</body></html>`);
    const el = document.querySelector('form')!;
    expect(el.getAttribute('action')).toBe(form.subscribe_url);
    expect(el.getAttribute('method')).toBe('post');
    for (const input of document.querySelectorAll('input:not([type=checkbox])')) {
      expect(document.querySelector(`label[for="${input.getAttribute('id')}"]`), `label for ${input.getAttribute('name')}`).toBeTruthy();
      expect(input.getAttribute('autocomplete')).toBeTruthy();
    }
    expect(document.querySelector('input[name=email]')!.getAttribute('autocomplete')).toBe('email');
    expect(document.querySelector('input[name=first_name]')!.getAttribute('autocomplete')).toBe('given-name');
    const honeypot = document.querySelector('input[name=website]')!;
    expect(honeypot.getAttribute('type')).toBe('text');
    expect(honeypot.getAttribute('tabindex')).toBe('-1');
    expect(honeypot.closest('[aria-hidden="true"]')).toBeTruthy();
    expect(document.querySelector('button[type=submit]')!.getAttribute('aria-describedby')).toBe(document.querySelector('p[id$=consent]')!.getAttribute('id'));
    expect(document.querySelector('p[id$=consent]')!.textContent).toBe('I agree to the monthly newsletter.');
    // Tests run without Turnstile keys: the development stand-in's checkbox carries the pass token.
    expect(document.querySelector('input[name="cf-turnstile-response"]')!.getAttribute('value')).toBe(CAPTCHA_PASS);
  });

  it('embeds Cloudflare Turnstile with the configured site key in production', async () => {
    const { form } = await setup();
    const row = (await getDb(env).select().from(forms).where(eq(forms.id, form.id)).get())!;
    const snippet = await embedHtml(env, row, turnstileVerifier('0x4AAA"><script>', 'secret'));
    const { document } = parseHTML(`<!doctype html><html><body>${snippet}</body></html>`);
    expect(document.querySelector('.cf-turnstile')!.getAttribute('data-sitekey')).toBe('0x4AAA"><script>');
    expect([...document.querySelectorAll('script')].map((x) => x.getAttribute('src'))).toEqual(['https://challenges.cloudflare.com/turnstile/v0/api.js']);
    expect(document.querySelector('input[name="cf-turnstile-response"]')).toBeNull();
  });

  it('escapes every tenant-provided string in the embed snippet', async () => {
    const { form } = await setup({ form: { name: '"><script>alert(1)</script>', consent_text: '<img src=x onerror=alert(2)> I agree & consent' } });
    expect(form.embed_html).not.toContain('<script>alert');
    expect(form.embed_html).not.toContain('<img');
    expect(form.embed_html).toContain('aria-label="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const { document } = parseHTML(`<!doctype html><html><body>${form.embed_html}</body></html>`);
    expect(document.querySelectorAll('script, img')).toHaveLength(0);
    expect(document.querySelector('p[id$=consent]')!.textContent).toBe('<img src=x onerror=alert(2)> I agree & consent');
  });
});

describe('public subscribe with double opt-in', () => {
  it('runs the whole loop: pending contact, confirmation email, link, subscribed with consent recorded and a timeline', async () => {
    const { s, listId, form } = await setup();
    const email = uniqueEmail('reader');
    const res = await post(form.id, human(email, { first_name: 'Ada' }), { ip: '203.0.113.7' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${env.PUBLIC_API_URL}/v1/public/forms/${form.id}/thanks`);
    const thanks = await page(`/v1/public/forms/${form.id}/thanks`);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain('check your inbox');

    const pending = (await contactByEmail(s.tenantId, email))!;
    expect(pending).toMatchObject({ status: 'pending', firstName: 'Ada', consent: { source: `form:${form.id}`, ip: '203.0.113.7', wording_version: `${form.id}@v1` } });
    const memberships = await getDb(env).select().from(listMembers).where(eq(listMembers.contactId, pending.id)).all();
    expect(memberships).toEqual([expect.objectContaining({ listId, status: 'pending' })]);

    const mail = await waitForEmail(email, CONFIRM_SUBJECT);
    const link = mail.links.find((l) => l.includes('/v1/public/confirm'))!;
    // Opening the link (as mail scanners do) only shows a page asking to confirm; nothing changes yet.
    const opened = await page(`/v1/public/confirm?token=${encodeURIComponent(tokenFromLink(link))}`);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Confirm my subscription');
    expect(opened.text).toContain('<form method="post" action="/v1/public/confirm">');
    expect(opened.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect((await contactByEmail(s.tenantId, email))!.status).toBe('pending');

    const confirmed = await pressConfirm(link, '203.0.113.8');
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get('content-type')).toContain('text/html');
    expect(confirmed.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = confirmed.text;
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Subscription confirmed');

    const contact = await call(`/v1/contacts/${pending.id}`, { token: s.token });
    expect(contact.json).toMatchObject({ status: 'subscribed', consent: { source: `form:${form.id}`, ip: '203.0.113.8', wording_version: `${form.id}@v1` } });
    expect((await call(`/v1/lists/${listId}`, { token: s.token })).json.subscribers).toBe(1);
    const types = await activityTypes(s, pending.id);
    expect(types).toEqual(['confirmed', 'confirmation_sent', 'subscribed', 'created']);

    // A second click shows the same page and records nothing new.
    const again = await pressConfirm(link);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Subscription confirmed');
    expect(await activityTypes(s, pending.id)).toHaveLength(4);
  });

  it('sends one confirmation per address every few minutes, however often the form is submitted', async () => {
    const { s, form } = await setup();
    const email = uniqueEmail('impatient');
    for (let i = 0; i < 3; i++) expect((await post(form.id, human(email), { json: true })).status).toBe(202);
    const contact = (await contactByEmail(s.tenantId, email))!;
    expect((await activityTypes(s, contact.id)).filter((t) => t === 'confirmation_sent')).toHaveLength(1);
  });

  it('sends browsers to the form’s success_url after subscribing and after confirming', async () => {
    const { form } = await setup({ form: { success_url: 'https://example.com/welcome' } });
    const email = uniqueEmail('redirect');
    const res = await post(form.id, human(email));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://example.com/welcome');
    const link = (await waitForEmail(email, CONFIRM_SUBJECT)).links.find((l) => l.includes('/v1/public/confirm'))!;
    const confirmed = await pressConfirm(link);
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('https://example.com/welcome');
  });

  it('answers JSON with 202 pending and allows cross-origin calls on the public path only', async () => {
    const { form } = await setup();
    const res = await post(form.id, human(uniqueEmail('json')), { json: true });
    expect(res.status).toBe(202);
    expect(JSON.parse(res.text)).toEqual({ status: 'pending' });
    const preflight = await SELF.fetch(`${BASE}/v1/public/forms/${form.id}/subscribe`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const api = await SELF.fetch(`${BASE}/v1/forms`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a contact who unsubscribed come back only through the confirmation link, even on a single opt-in form', async () => {
    const { s, listId, form } = await setup({ doubleOptIn: false });
    const email = uniqueEmail('returning');
    const created = await call('/v1/contacts', { token: s.token, body: { email, status: 'unsubscribed' } });
    expect((await post(form.id, human(email), { json: true })).text).toBe(JSON.stringify({ status: 'subscribed' }));
    expect((await call(`/v1/contacts/${created.json.id}`, { token: s.token })).json.status).toBe('unsubscribed');
    const [membership] = await getDb(env).select().from(listMembers).where(eq(listMembers.contactId, created.json.id)).all();
    expect(membership).toMatchObject({ listId, status: 'pending' });
    const link = (await waitForEmail(email, CONFIRM_SUBJECT)).links.find((l) => l.includes('/v1/public/confirm'))!;
    expect((await pressConfirm(link)).status).toBe(200);
    expect((await call(`/v1/contacts/${created.json.id}`, { token: s.token })).json.status).toBe('subscribed');
    expect((await call(`/v1/lists/${listId}`, { token: s.token })).json.subscribers).toBe(1);
  });
});

describe('public subscribe with single opt-in', () => {
  it('subscribes at once, records consent and sends no confirmation', async () => {
    const { s, listId, form } = await setup({ doubleOptIn: false });
    const email = uniqueEmail('single');
    const res = await post(form.id, human(email), { json: true, ip: '203.0.113.20' });
    expect(res.status).toBe(202);
    expect(JSON.parse(res.text)).toEqual({ status: 'subscribed' });
    const contact = (await contactByEmail(s.tenantId, email))!;
    expect(contact).toMatchObject({ status: 'subscribed', consent: { source: `form:${form.id}`, ip: '203.0.113.20', wording_version: `${form.id}@v1` } });
    expect((await call(`/v1/lists/${listId}`, { token: s.token })).json.subscribers).toBe(1);
    expect(await activityTypes(s, contact.id)).toEqual(['subscribed', 'created']);
  });
});

describe('public subscribe defences', () => {
  it('pretends success when the honeypot is filled, and creates nothing', async () => {
    const { s, form } = await setup();
    const email = uniqueEmail('bot');
    const bot = await post(form.id, human(email, { website: 'https://spam.example' }), { json: true });
    const person = await post(form.id, human(uniqueEmail('person')), { json: true });
    expect([bot.status, bot.text]).toEqual([person.status, person.text]);
    expect(await contactByEmail(s.tenantId, email)).toBeUndefined();
  });

  it('requires a passing CAPTCHA', async () => {
    const { form } = await setup();
    expectProblem(asCall(await post(form.id, { email: uniqueEmail('nocaptcha') }, { json: true })), 400, 'captcha-required');
    expectProblem(asCall(await post(form.id, { email: uniqueEmail('badcaptcha'), 'cf-turnstile-response': 'forged' }, { json: true })), 400, 'captcha-failed');
    // A browser gets a page that says what went wrong, not JSON.
    const browser = await post(form.id, { email: uniqueEmail('nocaptcha') });
    expect(browser.status).toBe(400);
    expect(browser.headers.get('content-type')).toContain('text/html');
    expect(browser.text).toContain('Complete the CAPTCHA');
  });

  it('refuses invalid and disposable addresses, saying why', async () => {
    const { form } = await setup();
    const bad = asCall(await post(form.id, human('not-an-address'), { json: true }));
    expectProblem(bad, 400, 'validation-error');
    const disposable = asCall(await post(form.id, human(`someone-${Date.now()}@mailinator.com`), { json: true }));
    expectProblem(disposable, 400, 'validation-error');
    expect(disposable.json.detail).toContain('Disposable');
  });

  it('limits submissions per IP, with Retry-After', async () => {
    const { form } = await setup();
    for (let i = 0; i < SUBSCRIBE_LIMITS.perIp.capacity; i++) {
      expect((await post(form.id, human(uniqueEmail('flood'), { website: 'x' }), { json: true, ip: '192.0.2.1' })).status).toBe(202);
    }
    const limited = asCall(await post(form.id, human(uniqueEmail('flood')), { json: true, ip: '192.0.2.1' }));
    expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another visitor is not held up by the first one's bucket.
    expect((await post(form.id, human(uniqueEmail('other'), { website: 'x' }), { json: true, ip: '192.0.2.2' })).status).toBe(202);
    const browser = await post(form.id, human(uniqueEmail('flood')), { ip: '192.0.2.1' });
    expect(browser.status).toBe(429);
    expect(browser.headers.get('retry-after')).toBeTruthy();
  });

  it('limits submissions per form across many IPs', async () => {
    const { form } = await setup();
    // The bucket starts full and only refills, so at least `capacity` pass before the first refusal.
    let accepted = 0;
    let refused: ReturnType<typeof asCall> | undefined;
    for (let i = 0; !refused && i < SUBSCRIBE_LIMITS.perForm.capacity * 2; i++) {
      const res = await post(form.id, human('x@example.com', { website: 'x' }), { json: true, ip: `10.0.${i >> 8}.${i & 255}` });
      if (res.status === 202) accepted++;
      else refused = asCall(res);
    }
    expect(accepted).toBeGreaterThanOrEqual(SUBSCRIBE_LIMITS.perForm.capacity);
    expectProblem(refused!, 429, 'rate-limited');
  });

  it('never resubscribes a suppressed address: same answer, nothing created, nothing sent', async () => {
    const { s, form } = await setup();
    const email = uniqueEmail('suppressed');
    await call('/v1/suppressions', { token: s.token, body: { email, reason: 'manual' } });
    const suppressed = await post(form.id, human(email), { json: true });
    const fresh = await post(form.id, human(uniqueEmail('fresh')), { json: true });
    expect([suppressed.status, suppressed.text]).toEqual([fresh.status, fresh.text]);
    expect(await contactByEmail(s.tenantId, email)).toBeUndefined();
    await sentinelConfirmation(form.id);
    expect(await inbox(email)).toEqual([]);
  });

  it('never resubscribes a bounced contact', async () => {
    const { s, form } = await setup();
    const email = uniqueEmail('bounced');
    const c = await call('/v1/contacts', { token: s.token, body: { email, status: 'bounced' } });
    const res = await post(form.id, human(email), { json: true });
    expect(JSON.parse(res.text)).toEqual({ status: 'pending' });
    expect((await call(`/v1/contacts/${c.json.id}`, { token: s.token })).json.status).toBe('bounced');
    expect(await getDb(env).select().from(listMembers).where(eq(listMembers.contactId, c.json.id)).all()).toEqual([]);
    await sentinelConfirmation(form.id);
    expect(await inbox(email)).toEqual([]);
  });

  it('does not reveal whether an address was already known, nor change its details', async () => {
    const { s, form } = await setup();
    const known = uniqueEmail('known');
    const c = await call('/v1/contacts', { token: s.token, body: { email: known, first_name: 'Grace' } });
    for (const json of [true, false]) {
      const existing = await post(form.id, human(known, { first_name: 'Mallory' }), { json });
      const unknown = await post(form.id, human(uniqueEmail('unknown'), { first_name: 'Mallory' }), { json });
      expect([existing.status, existing.text, existing.headers.get('location')]).toEqual([unknown.status, unknown.text, unknown.headers.get('location')]);
    }
    expect((await call(`/v1/contacts/${c.json.id}`, { token: s.token })).json).toMatchObject({ first_name: 'Grace', status: 'subscribed' });
  });

  it('creates no contact beyond the plan’s limit, with the same answer to the visitor', async () => {
    const { s, form } = await setup();
    await setPlan(s.tenantId, 'free');
    const ids = Array.from({ length: 500 }, () => newId(ID_PREFIX.contact));
    for (let i = 0; i < ids.length; i += 10) {
      await getDb(env).insert(contacts).values(ids.slice(i, i + 10).map((id) => ({ id, tenantId: s.tenantId, email: `${id}@example.com` }))).run();
    }
    const email = uniqueEmail('overflow');
    const res = await post(form.id, human(email), { json: true });
    expect([res.status, JSON.parse(res.text)]).toEqual([202, { status: 'pending' }]);
    expect(await contactByEmail(s.tenantId, email)).toBeUndefined();
    // The managers hear about it once, not once per refused visitor.
    await post(form.id, human(uniqueEmail('overflow')), { json: true });
    const notices = (await call('/v1/notifications', { token: s.token })).json.data.filter((n: { kind: string }) => n.kind === 'contact_limit_warning');
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toContain('100%');
  });

  it('answers 404 for unknown and disabled forms and closed workspaces', async () => {
    const { s, form } = await setup();
    expectProblem(asCall(await post('frm_nope', human(uniqueEmail()), { json: true })), 404, 'not-found');
    await call(`/v1/forms/${form.id}`, { method: 'PATCH', token: s.token, body: { enabled: false } });
    expectProblem(asCall(await post(form.id, human(uniqueEmail()), { json: true })), 404, 'not-found');
    const browser = await post(form.id, human(uniqueEmail()));
    expect(browser.status).toBe(404);
    expect(browser.headers.get('content-type')).toContain('text/html');
    expect((await page(`/v1/public/forms/${form.id}/thanks`)).status).toBe(404);

    const other = await setup();
    await getDb(env).update(tenants).set({ status: 'closed' }).where(eq(tenants.id, other.s.tenantId)).run();
    expectProblem(asCall(await post(other.form.id, human(uniqueEmail()), { json: true })), 404, 'not-found');
  });
});

describe('confirmation links and pages', () => {
  it('shows a 404 page for a tampered link and a 410 page for an expired one', async () => {
    const { form } = await setup();
    const email = uniqueEmail('tamper');
    await post(form.id, human(email));
    const token = tokenFromLink((await waitForEmail(email, CONFIRM_SUBJECT)).links.find((l) => l.includes('/v1/public/confirm'))!);
    const [body, kid, mac] = token.split('.') as [string, string, string];
    const tampered = await page(`/v1/public/confirm?token=${body}.${kid}.${mac.slice(0, -2)}AA`);
    expect(tampered.status).toBe(404);
    expect(tampered.headers.get('content-type')).toContain('text/html');
    expect((await page('/v1/public/confirm')).status).toBe(404);
    expect((await pressConfirm(`https://x.test/?token=${body}.${kid}.${mac.slice(0, -2)}AA`)).status).toBe(404);

    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(body.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0))));
    const expired = await signToken(env.TOKEN_SIGNING_KEYS, { ...claims, exp: Date.now() - 1000 });
    const res = await page(`/v1/public/confirm?token=${expired}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain('expired');
  });

  it('escapes the tenant’s name and brand on its pages', async () => {
    const { s, form } = await setup({ tenantName: '<script>alert(1)</script> Co' });
    await getDb(env).update(tenants).set({ brand: { primary_color: 'red}</style><script>alert(2)</script>' } }).where(eq(tenants.id, s.tenantId)).run();
    const thanks = await page(`/v1/public/forms/${form.id}/thanks`);
    expect(thanks.status).toBe(200);
    expect(thanks.text).not.toContain('<script>');
    expect(thanks.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Co');
    const csp = thanks.headers.get('content-security-policy')!;
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("style-src 'nonce-");
  });
});

/** The shape `expectProblem` takes, from a raw public-form response. */
function asCall(res: { status: number; headers: Headers; text: string }) {
  return { status: res.status, headers: res.headers, json: JSON.parse(res.text) };
}
