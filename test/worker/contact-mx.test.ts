import { SELF, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishLocalRecords } from '../../worker/lib/dns';
import { BASE, CAPTCHA_PASS, call, expectProblem, paidTenant, type Session } from './helpers';

// Names under .test answer from the local zone; each kind of domain the MX check must tell apart.
const WITH_MX = 'mx-has-mx.test';
const ONLY_A = 'mx-only-a.test';
const NULL_MX = 'mx-null.test';
const NO_MAIL_RECORDS = 'mx-nothing.test';
const NEVER_PUBLISHED = 'mx-never-published.test';

beforeAll(async () => {
  await publishLocalRecords(env, [
    { name: WITH_MX, type: 'MX', values: ['10 mail.mx-has-mx.test'] },
    { name: ONLY_A, type: 'A', values: ['192.0.2.25'] },
    // RFC 7505: "this domain accepts no mail".
    { name: NULL_MX, type: 'MX', values: ['0 .'] },
    { name: NULL_MX, type: 'A', values: ['192.0.2.26'] },
    // The zone knows the name (it has a TXT record) and can say for sure that it has no MX, A or AAAA.
    { name: NO_MAIL_RECORDS, type: 'TXT', values: ['v=spf1 -all'] },
  ]);
});

let n = 0;
const address = (domain: string) => `person-${Date.now().toString(36)}-${++n}@${domain}`;

const create = (s: Session, email: string) => call('/v1/contacts', { token: s.token, body: { email } });

describe('contacts created or changed through the API', () => {
  it('are accepted when the domain has an MX record, or only an A record (the implicit mail exchanger)', async () => {
    const s = await paidTenant();
    for (const domain of [WITH_MX, ONLY_A]) {
      const res = await create(s, address(domain));
      expect(res.status, domain).toBe(201);
      expect(res.json.warnings, domain).toBeUndefined();
    }
  });

  it('are refused, on the email field and with the reason, when the domain provably receives no mail', async () => {
    const s = await paidTenant();
    for (const domain of [NULL_MX, NO_MAIL_RECORDS]) {
      const res = await create(s, address(domain));
      expectProblem(res, 400, 'validation-error');
      expect(res.json.detail).toBe(`The domain ${domain} does not receive email.`);
      expect(res.json.errors).toEqual([{ field: 'email', message: `The domain ${domain} does not receive email.` }]);
    }
    const listed = await call('/v1/contacts', { token: s.token });
    expect(listed.json.data).toEqual([]);
  });

  it('are accepted when the resolver cannot tell (a domain the local zone never heard of)', async () => {
    const s = await paidTenant();
    expect((await create(s, address(NEVER_PUBLISHED))).status).toBe(201);
  });

  it('are refused when an update moves the address to a domain without mail, and the contact keeps its address', async () => {
    const s = await paidTenant();
    const email = address(WITH_MX);
    const c = await create(s, email);
    const res = await call(`/v1/contacts/${c.json.id}`, { method: 'PATCH', token: s.token, body: { email: address(NULL_MX) } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors[0].field).toBe('email');
    expect((await call(`/v1/contacts/${c.json.id}`, { token: s.token })).json.email).toBe(email);
    const moved = await call(`/v1/contacts/${c.json.id}`, { method: 'PATCH', token: s.token, body: { email: address(ONLY_A) } });
    expect(moved.status).toBe(200);
  });

  it('carry a likely typo in the domain as a warning, and are still saved as given', async () => {
    const s = await paidTenant();
    const res = await create(s, 'ada@gmial.com');
    expect(res.status).toBe(201);
    expect(res.json.email).toBe('ada@gmial.com');
    expect(res.json.warnings).toEqual([{ field: 'email', code: 'possible_typo', message: 'Did you mean ada@gmail.com?', suggestion: 'ada@gmail.com' }]);

    const other = await create(s, address(WITH_MX));
    const patched = await call(`/v1/contacts/${other.json.id}`, { method: 'PATCH', token: s.token, body: { email: 'grace@hotmial.com' } });
    expect(patched.status).toBe(200);
    expect(patched.json.warnings).toEqual([expect.objectContaining({ code: 'possible_typo', suggestion: 'grace@hotmail.com' })]);
    // Nothing about the address changed: nothing to warn about.
    const renamed = await call(`/v1/contacts/${other.json.id}`, { method: 'PATCH', token: s.token, body: { first_name: 'Grace' } });
    expect(renamed.json.warnings).toBeUndefined();
  });
});

describe('public subscribe forms', () => {
  async function formOf(s: Session) {
    const list = await call('/v1/lists', { token: s.token, body: { name: 'Newsletter', double_opt_in: false } });
    const form = await call('/v1/forms', { token: s.token, body: { name: 'Footer form', consent_text: 'I agree to the monthly newsletter.', list_ids: [list.json.id] } });
    return form.json.id as string;
  }

  const submit = (formId: string, email: string, browser: boolean) =>
    SELF.fetch(`${BASE}/v1/public/forms/${formId}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': browser ? 'application/x-www-form-urlencoded' : 'application/json', 'cf-connecting-ip': '198.51.100.77' },
      body: browser ? new URLSearchParams({ email, website: '', 'cf-turnstile-response': CAPTCHA_PASS }).toString() : JSON.stringify({ email, website: '', 'cf-turnstile-response': CAPTCHA_PASS }),
      redirect: 'manual',
    });

  it('refuse an address at a null-MX domain, saying why, and subscribe nobody', async () => {
    const s = await paidTenant();
    const formId = await formOf(s);
    const json = await submit(formId, address(NULL_MX), false);
    const body = (await json.json()) as { detail: string; errors: { field: string }[] };
    expectProblem({ status: json.status, headers: json.headers, json: body }, 400, 'validation-error');
    expect(body.detail).toBe(`The domain ${NULL_MX} does not receive email.`);
    expect(body.errors[0]!.field).toBe('email');

    const browser = await submit(formId, address(NULL_MX), true);
    expect(browser.status).toBe(400);
    expect(await browser.text()).toContain(`The domain ${NULL_MX} does not receive email.`);

    expect((await submit(formId, address(WITH_MX), false)).status).toBe(202);
    const contacts = await call('/v1/contacts', { token: s.token });
    expect(contacts.json.data.map((c: { email: string }) => c.email.split('@')[1])).toEqual([WITH_MX]);
  });
});
