import { env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { eq } from 'drizzle-orm';
import { refreshTokens } from '../../worker/db/schema';
import { issueEmailToken } from '../../worker/domain/email-tokens';
import { REUSE_LEEWAY_MS } from '../../worker/domain/sessions';
import { sha256Hex } from '../../worker/lib/crypto';
import { utf8 } from '../../worker/lib/encoding';
import { CAPTCHA_PASS, PASSWORD, call, expectProblem, login, signupTenant, tokenFromLink, uniqueEmail, waitForEmail } from './helpers';

describe('signup', () => {
  it('creates a tenant and its owner and signs them in', async () => {
    const email = uniqueEmail();
    const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'Blue Fox Ltd', email: ` ${email.toUpperCase()} `, password: PASSWORD } });
    expect(res.status).toBe(201);
    expect(res.json.user).toMatchObject({ email, email_verified: false });
    expect(res.json.tenant).toMatchObject({ name: 'Blue Fox Ltd', slug: expect.stringMatching(/^blue-fox-ltd/), plan: 'free' });
    const me = await call('/v1/me', { token: res.json.token });
    expect(me.status).toBe(200);
    expect(me.json.role).toBe('owner');
    expect(me.json.permissions).toContain('members:write');
  });

  it('never gives a workspace a platform mailbox as its slug (free plans send as <slug>@ the platform domain)', async () => {
    for (const name of ['Postmaster', 'ABUSE', 'Unsubscribe', 'No-Reply']) {
      const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: name, email: uniqueEmail(), password: PASSWORD } });
      expect(res.status).toBe(201);
      expect(res.json.tenant.slug).toMatch(new RegExp(`^${name.toLowerCase()}-\\d+$`));
    }
  });

  it('refuses a weak password and says why', async () => {
    for (const password of ['short', 'password123', 'qwertyuiop12']) {
      const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'Weak Co', email: uniqueEmail(), password } });
      expectProblem(res, 422, 'weak-password');
      expect(res.json.detail.length).toBeGreaterThan(10);
      expect(res.json.errors[0].field).toBe('password');
    }
  });

  it('refuses a password built from the email address', async () => {
    const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'Name Co', email: 'margaretthatcher@example.com', password: 'margaretthatcher1' } });
    expectProblem(res, 422, 'weak-password');
  });

  it('refuses an email that already has an account', async () => {
    const s = await signupTenant();
    const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'Other', email: s.email, password: PASSWORD } });
    expectProblem(res, 409, 'conflict');
  });

  it('lists the failing fields for invalid input', async () => {
    const res = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'x', email: 'not-an-email', password: PASSWORD } });
    expectProblem(res, 400, 'validation-error');
    const fields = res.json.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['email', 'tenant_name']);
  });
});

describe('login and lockout', () => {
  it('signs in with the right password, case-insensitive email', async () => {
    const s = await signupTenant();
    const res = await call('/v1/auth/login', { body: { email: s.email.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.json.tenant.id).toBe(s.tenantId);
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const s = await signupTenant();
    const wrong = await call('/v1/auth/login', { body: { email: s.email, password: 'Not-The-Password-11' } });
    const unknown = await call('/v1/auth/login', { body: { email: uniqueEmail('ghost'), password: PASSWORD } });
    expectProblem(wrong, 401, 'invalid-credentials');
    expectProblem(unknown, 401, 'invalid-credentials');
    expect(wrong.json.detail).toBe(unknown.json.detail);
  });

  it('locks the account after 5 failures, even for the right password and a solved CAPTCHA, with Retry-After', async () => {
    const s = await signupTenant();
    for (let i = 0; i < 5; i++) {
      expect((await call('/v1/auth/login', { body: { email: s.email, password: `Wrong-Guess-${i}-xyz`, captcha_token: CAPTCHA_PASS } })).status).toBe(401);
    }
    const locked = await call('/v1/auth/login', { body: { email: s.email, password: PASSWORD, captcha_token: CAPTCHA_PASS } });
    expectProblem(locked, 429, 'account-locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('records logins and failed logins in the audit log', async () => {
    const s = await signupTenant();
    await call('/v1/auth/login', { body: { email: s.email, password: 'Wrong-Guess-xyz-1' } });
    await login(s.email);
    const log = await call('/v1/audit-log?action=auth.*', { token: s.token });
    const actions = log.json.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.signup', 'auth.login_failed', 'auth.login']));
    const failed = log.json.data.find((e: { action: string }) => e.action === 'auth.login_failed');
    expect(JSON.stringify(failed)).not.toContain(s.email);
    expect(JSON.stringify(failed)).not.toContain('Wrong-Guess');
  });
});

describe('access tokens', () => {
  it('rejects a tampered token', async () => {
    const s = await signupTenant();
    const [h, p, sig] = s.token.split('.');
    const payload = JSON.parse(atob(p!.replace(/-/g, '+').replace(/_/g, '/')));
    payload.tid = 'ten_someoneelse';
    const forged = `${h}.${btoa(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.${sig}`;
    expectProblem(await call('/v1/me', { token: forged }), 401, 'invalid-token');
  });

  it('rejects an unsigned (alg none) token', async () => {
    const s = await signupTenant();
    const [, p] = s.token.split('.');
    const none = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' })).replace(/=+$/, '')}.${p}.`;
    expectProblem(await call('/v1/me', { token: none }), 401, 'invalid-token');
  });

  it('rejects a token signed with another key', async () => {
    const s = await signupTenant();
    const [, p] = s.token.split('.');
    const claims = JSON.parse(atob(p!.replace(/-/g, '+').replace(/_/g, '/')));
    const other = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(utf8('another-secret-another-secret-another-secret'));
    expectProblem(await call('/v1/me', { token: other }), 401, 'invalid-token');
  });

  it('rejects an expired token and says so', async () => {
    const s = await signupTenant();
    const [, p] = s.token.split('.');
    const claims = JSON.parse(atob(p!.replace(/-/g, '+').replace(/_/g, '/')));
    const expired = await new SignJWT({ ...claims, iat: claims.iat - 3600, exp: claims.iat - 1800 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(utf8(env.JWT_SECRET));
    const res = await call('/v1/me', { token: expired });
    expectProblem(res, 401, 'invalid-token');
    expect(res.json.detail).toMatch(/expired/);
  });

  it('asks for credentials when there are none', async () => {
    const res = await call('/v1/me');
    expectProblem(res, 401, 'unauthorized');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh returns a new pair and the old refresh token stops working', async () => {
    const s = await signupTenant();
    const first = await call('/v1/auth/refresh', { body: { refresh_token: s.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.json.refresh_token).not.toBe(s.refreshToken);
    expect((await call('/v1/me', { token: first.json.token })).status).toBe(200);
    const second = await call('/v1/auth/refresh', { body: { refresh_token: first.json.refresh_token } });
    expect(second.status).toBe(200);
  });

  it('tolerate two tabs refreshing at the same moment', async () => {
    const s = await signupTenant();
    const [a, b] = await Promise.all([
      call('/v1/auth/refresh', { body: { refresh_token: s.refreshToken } }),
      call('/v1/auth/refresh', { body: { refresh_token: s.refreshToken } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await call('/v1/me', { token: a.json.token })).status).toBe(200);
    expect((await call('/v1/me', { token: b.json.token })).status).toBe(200);
  });

  it('detect reuse: presenting a used refresh token after the leeway ends the whole session', async () => {
    const s = await signupTenant();
    const rotated = await call('/v1/auth/refresh', { body: { refresh_token: s.refreshToken } });
    // The first use is older than the race leeway: a repeat now is a copied token.
    await getDb(env).update(refreshTokens).set({ usedAt: new Date(Date.now() - REUSE_LEEWAY_MS - 1000) }).where(eq(refreshTokens.tokenHash, await sha256Hex(s.refreshToken))).run();
    const replay = await call('/v1/auth/refresh', { body: { refresh_token: s.refreshToken } });
    expectProblem(replay, 401, 'invalid-token');
    expect(replay.json.reason).toBe('refresh_token_reuse');
    // The legitimate holder's newer tokens die with the session.
    expectProblem(await call('/v1/me', { token: rotated.json.token }), 401, 'invalid-token');
    expectProblem(await call('/v1/auth/refresh', { body: { refresh_token: rotated.json.refresh_token } }), 401, 'invalid-token');
  });

  it('reject garbage', async () => {
    expectProblem(await call('/v1/auth/refresh', { body: { refresh_token: 'eprt_nope' } }), 401, 'invalid-token');
  });
});

describe('logout', () => {
  it('ends the session at once: the access token and refresh token stop working', async () => {
    const s = await signupTenant();
    expect((await call('/v1/auth/logout', { method: 'POST', token: s.token })).status).toBe(204);
    expectProblem(await call('/v1/me', { token: s.token }), 401, 'invalid-token');
    expectProblem(await call('/v1/auth/refresh', { body: { refresh_token: s.refreshToken } }), 401, 'invalid-token');
  });
});

describe('email verification and password reset', () => {
  it('verify-email tokens work once', async () => {
    const s = await signupTenant();
    const token = await issueEmailToken(getDb(env), s.userId, 'verify_email');
    expect((await call('/v1/auth/verify-email', { body: { token } })).status).toBe(204);
    expect((await call('/v1/me', { token: s.token })).json.user.email_verified).toBe(true);
    expectProblem(await call('/v1/auth/verify-email', { body: { token } }), 401, 'invalid-token');
  });

  it('a reset token is not a verify token', async () => {
    const s = await signupTenant();
    const token = await issueEmailToken(getDb(env), s.userId, 'password_reset');
    expectProblem(await call('/v1/auth/verify-email', { body: { token } }), 401, 'invalid-token');
  });

  it('password-reset answers 202 whether or not the account exists', async () => {
    const s = await signupTenant();
    expect((await call('/v1/auth/password-reset', { body: { captcha_token: CAPTCHA_PASS, email: s.email } })).status).toBe(202);
    expect((await call('/v1/auth/password-reset', { body: { captcha_token: CAPTCHA_PASS, email: uniqueEmail('nobody') } })).status).toBe(202);
  });

  it('confirming a reset sets the password, ends every session, and the link works once', async () => {
    const s = await signupTenant();
    const token = await issueEmailToken(getDb(env), s.userId, 'password_reset');
    const newPassword = 'Granite-Meadow-Lantern-58';
    expect((await call('/v1/auth/password-reset/confirm', { body: { token, password: newPassword } })).status).toBe(204);
    expectProblem(await call('/v1/me', { token: s.token }), 401, 'invalid-token');
    expectProblem(await call('/v1/auth/login', { body: { email: s.email, password: PASSWORD } }), 401, 'invalid-credentials');
    expect((await login(s.email, newPassword)).tenantId).toBe(s.tenantId);
    expectProblem(await call('/v1/auth/password-reset/confirm', { body: { token, password: 'Another-Strong-Pass-77' } }), 401, 'invalid-token');
  });

  it('an expired reset link is refused', async () => {
    const s = await signupTenant();
    const token = await issueEmailToken(getDb(env), s.userId, 'password_reset', Date.now() - 2 * 3600_000);
    expectProblem(await call('/v1/auth/password-reset/confirm', { body: { token, password: 'Granite-Meadow-Lantern-58' } }), 401, 'invalid-token');
  });

  it('a reset still refuses a weak new password', async () => {
    const s = await signupTenant();
    const token = await issueEmailToken(getDb(env), s.userId, 'password_reset');
    expectProblem(await call('/v1/auth/password-reset/confirm', { body: { token, password: 'password' } }), 422, 'weak-password');
  });
});

describe('emails through the real sink', () => {
  it('signup sends a confirmation link that verifies the address', async () => {
    const s = await signupTenant();
    const mail = await waitForEmail(s.email, /Confirm your email/);
    const link = mail.links.find((l) => l.includes('/verify-email?token='))!;
    expect(link.startsWith(env.DASHBOARD_ORIGIN)).toBe(true);
    expect((await call('/v1/auth/verify-email', { body: { token: tokenFromLink(link) } })).status).toBe(204);
    expect((await call('/v1/me', { token: s.token })).json.user.email_verified).toBe(true);
  });

  it('password reset emails a single-use link', async () => {
    const s = await signupTenant();
    await call('/v1/auth/password-reset', { body: { captcha_token: CAPTCHA_PASS, email: s.email } });
    const mail = await waitForEmail(s.email, /Reset your Edgepost password/);
    const token = tokenFromLink(mail.links.find((l) => l.includes('/reset-password?token='))!);
    expect((await call('/v1/auth/password-reset/confirm', { body: { token, password: 'Copper-Willow-Falcon-27' } })).status).toBe(204);
    expect((await login(s.email, 'Copper-Willow-Falcon-27')).userId).toBe(s.userId);
  });
});

describe('CAPTCHA (development stand-in, same interface as Turnstile)', () => {
  it('signup and password reset need it; a bad token is refused', async () => {
    const email = uniqueEmail();
    expectProblem(await call('/v1/auth/signup', { body: { tenant_name: 'Bot Farm', email, password: PASSWORD } }), 400, 'captcha-required');
    expectProblem(await call('/v1/auth/signup', { body: { tenant_name: 'Bot Farm', email, password: PASSWORD, captcha_token: 'forged' } }), 400, 'captcha-failed');
    expectProblem(await call('/v1/auth/password-reset', { body: { email } }), 400, 'captcha-required');
    const info = await call('/v1/auth/captcha');
    expect(info.json).toEqual({ provider: 'stand-in', site_key: null });
  });

  it('login asks for it after 3 failures, before the lockout', async () => {
    const s = await signupTenant();
    for (let i = 0; i < 3; i++) await call('/v1/auth/login', { body: { email: s.email, password: `Wrong-Guess-${i}-abc` } });
    const res = await call('/v1/auth/login', { body: { email: s.email, password: PASSWORD } });
    expectProblem(res, 400, 'captcha-required');
    expect(res.json.errors[0].field).toBe('captcha_token');
    expectProblem(await call('/v1/auth/login', { body: { email: s.email, password: PASSWORD, captcha_token: 'nope' } }), 400, 'captcha-failed');
    expect((await call('/v1/auth/login', { body: { email: s.email, password: PASSWORD, captcha_token: CAPTCHA_PASS } })).status).toBe(200);
  });
});

describe('Turnstile verifier', () => {
  it('posts the token, secret and IP to siteverify and trusts only success: true', async () => {
    const { turnstileVerifier } = await import('../../worker/domain/captcha');
    const seen: FormData[] = [];
    const fake = (answer: object) =>
      (async (_url: RequestInfo | URL, init?: RequestInit) => {
        seen.push(init!.body as FormData);
        return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
      }) as typeof fetch;
    expect(await turnstileVerifier('site', 'secret-x', fake({ success: true })).verify('tok', '203.0.113.9')).toBe(true);
    expect(seen[0]!.get('secret')).toBe('secret-x');
    expect(seen[0]!.get('response')).toBe('tok');
    expect(seen[0]!.get('remoteip')).toBe('203.0.113.9');
    expect(await turnstileVerifier('site', 'secret-x', fake({ success: false, 'error-codes': ['invalid-input-response'] })).verify('tok', null)).toBe(false);
  });
});
