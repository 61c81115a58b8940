import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { apiUrl, fetchJson, linksIn, login, mailbox, uniqueEmail } from './helpers';

interface AuthResult {
  token: string;
  refresh_token: string;
  user: { id: string; email: string; email_verified: boolean };
  tenant: { id: string };
}

const PASSWORD = 'Harbour-Lantern-Quartz-82';
/** The development CAPTCHA stand-in's pass token. */
const CAPTCHA_PASS = 'XXXX.DUMMY.TOKEN.XXXX';

describe('identity end to end (wrangler dev, real D1, queues and maildev)', () => {
  it('signup → confirmation email → verify → login → API key → GET /v1/me with the key', async () => {
    const email = uniqueEmail('e2e-owner');
    const signup = await fetchJson<AuthResult>('/v1/auth/signup', { method: 'POST', json: { captcha_token: CAPTCHA_PASS, tenant_name: 'E2E Widgets', email, password: PASSWORD } });
    expect(signup.status).toBe(201);
    expect(signup.headers.get('x-request-id')).toBeTruthy();

    const confirmation = await mailbox.waitFor({ to: email, subject: 'Confirm your email address' });
    const link = linksIn(confirmation).find((l) => l.includes('/verify-email?token='))!;
    const token = new URL(link).searchParams.get('token')!;
    expect((await fetchJson('/v1/auth/verify-email', { method: 'POST', json: { token } })).status).toBe(204);

    const signedIn = await fetchJson<AuthResult>('/v1/auth/login', { method: 'POST', json: { email, password: PASSWORD } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.email_verified).toBe(true);

    const key = await fetchJson<{ secret: string; id: string }>('/v1/api-keys', { method: 'POST', token: signedIn.body.token, json: { name: 'e2e', scopes: ['tenant:read', 'audit:read'] } });
    expect(key.status).toBe(201);
    const me = await fetchJson<{ tenant: { id: string }; api_key_id: string; permissions: string[] }>('/v1/me', { token: key.body.secret });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant: { id: signup.body.tenant.id }, api_key_id: key.body.id });
    expect(me.body.permissions.sort()).toEqual(['audit:read', 'tenant:read']);
    const members = await fetchJson('/v1/members', { token: key.body.secret });
    expect(members.status).toBe(403);
  });

  it('password reset by email, end to end', async () => {
    const email = uniqueEmail('e2e-reset');
    await fetchJson('/v1/auth/signup', { method: 'POST', json: { captcha_token: CAPTCHA_PASS, tenant_name: 'Reset Ltd', email, password: PASSWORD } });
    expect((await fetchJson('/v1/auth/password-reset', { method: 'POST', json: { captcha_token: CAPTCHA_PASS, email } })).status).toBe(202);
    const mail = await mailbox.waitFor({ to: email, subject: 'Reset your Edgepost password' });
    const token = new URL(linksIn(mail).find((l) => l.includes('/reset-password?token='))!).searchParams.get('token')!;
    expect((await fetchJson('/v1/auth/password-reset/confirm', { method: 'POST', json: { token, password: 'Velvet-Canyon-Orbit-19' } })).status).toBe(204);
    expect((await fetchJson('/v1/auth/login', { method: 'POST', json: { email, password: 'Velvet-Canyon-Orbit-19' } })).status).toBe(200);
  });

  it('the seeded demo owner signs in; the seeded super-admin needs a TOTP code and then has platform powers', async () => {
    const demo = login('demo@edgepost.test');
    const demoSession = await fetchJson<AuthResult>('/v1/auth/login', { method: 'POST', json: { email: demo.email, password: demo.password } });
    expect(demoSession.status).toBe(200);
    expect((await fetchJson('/v1/admin/tenants', { token: demoSession.body.token })).status).toBe(403);

    const admin = login('admin@edgepost.test');
    const challenge = await fetchJson<{ mfa_required: boolean; mfa_token: string }>('/v1/auth/login', { method: 'POST', json: { email: admin.email, password: admin.password } });
    expect(challenge.body.mfa_required).toBe(true);
    const code = new TOTP({ secret: Secret.fromBase32(admin.totpSecret!) }).generate();
    const session = await fetchJson<AuthResult>('/v1/auth/2fa/verify', { method: 'POST', json: { mfa_token: challenge.body.mfa_token, code } });
    expect(session.status).toBe(200);
    const tenants = await fetchJson<{ data: { slug: string }[] }>('/v1/admin/tenants?limit=100', { token: session.body.token });
    expect(tenants.status).toBe(200);
    expect(tenants.body.data.map((t) => t.slug)).toEqual(expect.arrayContaining(['demo', 'platform']));
  });

  it('/openapi.json documents the whole API surface with an access rule per operation', async () => {
    const doc = await fetchJson<{ openapi: string; paths: Record<string, Record<string, { 'x-permission'?: string }>> }>('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    for (const path of ['/v1/auth/signup', '/v1/auth/login', '/v1/auth/refresh', '/v1/me', '/v1/members', '/v1/api-keys', '/v1/audit-log', '/v1/tenant', '/v1/sessions', '/v1/notifications', '/v1/admin/tenants', '/health/ready']) {
      expect(doc.body.paths[path], path).toBeDefined();
    }
    const ops = Object.values(doc.body.paths).flatMap((ops) => Object.values(ops));
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.every((op) => typeof op['x-permission'] === 'string')).toBe(true);
  });

  it('answers garbage with problem+json, never a 500', async () => {
    const res = await fetch(apiUrl('/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
