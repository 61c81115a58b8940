import { SELF, env } from 'cloudflare:test';
import { getDb } from '../../worker/db/client';
import { eq } from 'drizzle-orm';
import { memberships, tenants, users, type Role } from '../../worker/db/schema';
import { hashPassword } from '../../worker/lib/crypto';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { STAND_IN_PASS_TOKEN } from '../../worker/domain/captcha';

export const BASE = 'http://api.test';
/** The CAPTCHA stand-in's pass token (tests run with APP_ENV=test). */
export const CAPTCHA_PASS = STAND_IN_PASS_TOKEN;
/** Strong enough for zxcvbn, and the same everywhere so tests stay readable. */
export const PASSWORD = 'Plum-Harbor-Velvet-Orbit-93';

export interface CallOptions {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await SELF.fetch(BASE + path, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}-${Date.now().toString(36)}-${++counter}@example.com`;

export interface Session {
  token: string;
  refreshToken: string;
  userId: string;
  tenantId: string;
  email: string;
}

export async function signupTenant(name = 'Acme Corp'): Promise<Session> {
  const email = uniqueEmail('owner');
  const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: name, email, password: PASSWORD, name: 'Olive Owner' } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.json)}`);
  return { token: res.json.token, refreshToken: res.json.refresh_token, userId: res.json.user.id, tenantId: res.json.tenant.id, email };
}

export async function login(email: string, password = PASSWORD, tenantId?: string): Promise<Session> {
  const res = await call('/v1/auth/login', { body: { email, password, ...(tenantId ? { tenant_id: tenantId } : {}) } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.json)}`);
  return { token: res.json.token, refreshToken: res.json.refresh_token, userId: res.json.user.id, tenantId: res.json.tenant.id, email };
}

/** Adds a member with a role straight in the database (invitations are tested on their own) and signs them in. */
export async function addMember(tenantId: string, role: Role): Promise<Session & { membershipId: string }> {
  const db = getDb(env);
  const email = uniqueEmail(role);
  const userId = newId(ID_PREFIX.user);
  const membershipId = newId(ID_PREFIX.membership);
  await db.insert(users).values({ id: userId, email, passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() }).run();
  await db.insert(memberships).values({ id: membershipId, tenantId, userId, role }).run();
  return { ...(await login(email, PASSWORD, tenantId)), membershipId };
}

export async function createApiKey(session: Session, scopes: string[], name = 'test key') {
  const res = await call('/v1/api-keys', { token: session.token, body: { name, scopes } });
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: string; secret: string; prefix: string };
}

export function expectProblem(res: { status: number; headers: Headers; json: any }, status: number, type: string) {
  if (res.status !== status || res.json?.type !== `https://edgepost.dev/problems/${type}`) {
    throw new Error(`expected ${status} ${type}, got ${res.status} ${JSON.stringify(res.json)}`);
  }
  if (res.headers.get('content-type') !== 'application/problem+json') throw new Error('not problem+json');
}

interface SinkMessage {
  id: string;
  subject: string;
  text?: string;
  to: { address: string }[];
}

/** Waits for a message to `to` in the test mail sink (maildev) and returns it with the links in its text. */
export async function waitForEmail(to: string, subject: RegExp, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const list = (await (await fetch(`${env.MAILDEV_URL}/api/email`)).json()) as SinkMessage[];
    const found = list.find((m) => m.to.some((t) => t.address.toLowerCase() === to.toLowerCase()) && subject.test(m.subject));
    if (found) return { ...found, links: [...(found.text ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0]) };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${to} matching ${subject} within ${timeoutMs} ms`);
}

export const tokenFromLink = (link: string) => new URL(link).searchParams.get('token')!;

/** Enrols an authenticator for the session's user and returns its secret and backup codes. */
export async function enrollTotp(session: { token: string }) {
  const { TOTP, Secret } = await import('otpauth');
  const setup = await call('/v1/auth/2fa/setup', { method: 'POST', token: session.token });
  if (setup.status !== 200) throw new Error(`2fa setup failed: ${setup.status} ${JSON.stringify(setup.json)}`);
  const secret = setup.json.secret as string;
  const code = (stepOffset = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + stepOffset * 30_000 });
  const enabled = await call('/v1/auth/2fa/enable', { token: session.token, body: { code: code() } });
  if (enabled.status !== 200) throw new Error(`2fa enable failed: ${enabled.status} ${JSON.stringify(enabled.json)}`);
  return { secret, code, backupCodes: enabled.json.backup_codes as string[] };
}

/** Fetches an absolute URL the API produced (download links) from the worker under test. */
export const SELF_FETCH = (url: string) => SELF.fetch(url);

/** Moves a tenant to another plan, e.g. so the free plan's seat or contact limits do not mask what a test checks. */
export async function setPlan(tenantId: string, planId: 'free' | 'starter' | 'pro' | 'enterprise') {
  await getDb(env).update(tenants).set({ planId }).where(eq(tenants.id, tenantId)).run();
}

/** A new tenant on the Pro plan. */
export async function paidTenant(name?: string) {
  const s = await signupTenant(name);
  await setPlan(s.tenantId, 'pro');
  return s;
}
