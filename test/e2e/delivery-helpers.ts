import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { fetchJson } from './helpers';

/**
 * Campaign steps through the public API of any stack — the shared e2e stack or a test's own (fault
 * tests, benchmarks) — given its base URL: sign in, lift the sending limits as the super-admin,
 * import recipients, start a campaign and wait for it.
 */
export interface Login {
  email: string;
  password: string;
  totpSecret?: string | null;
}

export interface Session {
  api: string;
  token: string;
  tenantId: string;
}

export interface Recipient {
  email: string;
  first_name: string;
}

export interface CampaignState {
  id: string;
  status: string;
  total_recipients: number | null;
  progress: { total: number; pending: number; queued: number; sent: number; failed: number; bounced: number; skipped: number; remaining: number; percent: number };
}

/** fetchJson (helpers.ts) against this session's API; JSON bodies and the bearer token set. */
export const request = <T = any>(s: Pick<Session, 'api' | 'token'>, path: string, init: Parameters<typeof fetchJson>[1] = {}) =>
  fetchJson<T>(`${s.api}${path}`, { token: s.token, ...init });

/** Polls `check` every 250 ms until it holds; fails after `timeoutMs` naming what was awaited and the last `state()`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, state: () => unknown = () => '') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s; last state: ${JSON.stringify(state())}`);
    await sleep(250);
  }
}

export async function signIn(api: string, login: Login): Promise<Session> {
  const res = await fetchJson<any>(`${api}/v1/auth/login`, { method: 'POST', json: { email: login.email, password: login.password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { api, token: res.body.token, tenantId: res.body.tenant.id };
}

/**
 * The seeded super-admin signs in with a TOTP code. A step already used (another test signed in
 * within the same 30 s) is refused as a replay, so the next step's code — inside the ±1 step the
 * API allows — is the fallback.
 */
export async function signInAsSuperAdmin(api: string, login: Login): Promise<Session> {
  const challenge = await fetchJson<any>(`${api}/v1/auth/login`, { method: 'POST', json: { email: login.email, password: login.password } });
  expect(challenge.body.mfa_required, JSON.stringify(challenge.body)).toBe(true);
  const totp = new TOTP({ secret: Secret.fromBase32(login.totpSecret!), digits: 6, period: 30, algorithm: 'SHA1' });
  for (const at of [Date.now(), Date.now() + 30_000]) {
    const res = await fetchJson<any>(`${api}/v1/auth/2fa/verify`, { method: 'POST', json: { mfa_token: challenge.body.mfa_token, code: totp.generate({ timestamp: at }) } });
    if (res.status === 200) return { api, token: res.body.token, tenantId: res.body.tenant.id };
  }
  throw new Error(`the super-admin ${login.email} could not sign in with a TOTP code`);
}

/** Sets some of a tenant's limit overrides through the admin API, keeping the others it has. */
export async function overrideLimits(admin: Session, tenantId: string, overrides: Record<string, number | boolean>) {
  const current = await request(admin, `/v1/admin/tenants/${tenantId}`);
  expect(current.status, JSON.stringify(current.body)).toBe(200);
  const res = await request(admin, `/v1/admin/tenants/${tenantId}/overrides`, { method: 'PUT', json: { ...current.body.limits.overrides, ...overrides } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** `n` recipients with addresses and first names no other run uses. */
export function newRecipients(n: number, label: string): Recipient[] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: n }, (_, i) => ({ email: `${label}-${run}-${i}@e2e.edgepost.test`, first_name: `${label[0]!.toUpperCase()}${label.slice(1)}${i}x${run}` }));
}

/** Imports the recipients as contacts tagged `tag` (one CSV through the import API) and waits for the job. */
export async function importRecipients(s: Session, recipients: Recipient[], tag: string, timeoutMs = 60_000) {
  const form = new FormData();
  const csv = ['email,first_name', ...recipients.map((r) => `${r.email},${r.first_name}`)].join('\r\n');
  form.append('file', new Blob([csv], { type: 'text/csv' }), `${tag}.csv`);
  form.append('tags', tag);
  const started = await request(s, '/v1/contacts/import', { method: 'POST', body: form });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  let job: any;
  await until(`import job ${started.body.id}`, async () => {
    job = (await request(s, `/v1/jobs/${started.body.id}`)).body;
    return job.status === 'succeeded' || job.status === 'failed';
  }, timeoutMs, () => job);
  expect(job).toMatchObject({ status: 'succeeded', result: { created: recipients.length } });
}

/** A template that greets each recipient by first name, in the subject and the body. */
export async function createGreetingTemplate(s: Session) {
  const res = await request(s, '/v1/templates', {
    method: 'POST',
    json: {
      name: `Delivery ${randomUUID().slice(0, 8)}`,
      subject: 'Hello {{ first_name }}',
      html: '<!doctype html><html><body><p>Dear {{ first_name }},</p><p><a href="https://shop.example/sale">See the sale</a></p></body></html>',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A campaign to the contacts tagged `tag`, from the demo tenant's verified domain, checked and started. */
export async function sendCampaign(s: Session, { templateId, tag, recipients }: { templateId: string; tag: string; recipients: number }) {
  const created = await request(s, '/v1/campaigns', {
    method: 'POST',
    json: { name: `Delivery ${tag}`, template_id: templateId, from_email: 'news@edgepost.test', from_name: 'Demo News', audience: { tags: [tag] } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  const checklist = await request(s, `/v1/campaigns/${id}/checklist`);
  expect(checklist.body, JSON.stringify(checklist.body)).toMatchObject({ ready: true, recipients });
  const sent = await request(s, `/v1/campaigns/${id}/send`, { method: 'POST' });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return id;
}

export async function campaignState(s: Session, id: string): Promise<CampaignState> {
  const res = await request<CampaignState>(s, `/v1/campaigns/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Polls the campaign until it is `sent` (or fails at the deadline with its last progress). */
export async function waitUntilSent(s: Session, id: string, timeoutMs: number) {
  let last: CampaignState | undefined;
  await until(`campaign ${id} sent`, async () => (last = await campaignState(s, id)).status === 'sent', timeoutMs, () => last && { status: last.status, progress: last.progress });
  return last!;
}
