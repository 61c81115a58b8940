import { and, asc, eq } from 'drizzle-orm';
import type { DB } from '../db/client';
import { memberships, tenants, users, type Tenant, type User } from '../db/schema';
import { config, encryptionKeys, type Env } from '../env';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../lib/crypto';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { audit, auditStatement } from './audit';
import { consumeEmailToken, issueEmailToken } from './email-tokens';
import { THROTTLE, assertNotLocked, clearAccountFailures, recentFailures, recordFailure, throttleKeys } from './login-throttle';
import { assertCaptcha } from './captcha';
import { assertStrongPassword } from './passwords';
import { revokeSession, revokeUserSessions, startSession, type ClientInfo } from './sessions';
import { normalizeEmail } from './email-validation';
import { notify } from './notifications';
import { sendSystemEmail } from './system-mail';
import { tenantView, uniqueSlug } from './tenants';
import { signMfaToken, verifyMfaToken, verifySecondFactor } from './two-factor';

export { normalizeEmail };

export function userView(u: User) {
  return { id: u.id, email: u.email, name: u.name, email_verified: Boolean(u.emailVerifiedAt) };
}

/** What signup, login and invitation acceptance return. */
async function signedIn(env: Env, db: DB, user: User, tenant: Tenant, client: ClientInfo) {
  const session = await startSession(db, config(env).JWT_SECRET, { userId: user.id, tenantId: tenant.id }, client);
  return {
    result: { token: session.token, refresh_token: session.refresh_token, expires_in: session.expires_in, user: userView(user), tenant: tenantView(tenant) },
    sessionId: session.sessionId,
  };
}

export async function sendVerificationEmail(env: Env, db: DB, user: User) {
  const token = await issueEmailToken(db, user.id, 'verify_email');
  await sendSystemEmail(env, {
    to: user.email,
    subject: 'Confirm your email address for Edgepost',
    paragraphs: [`Welcome to Edgepost${user.name ? `, ${user.name}` : ''}!`, 'Confirm your email address to start sending. The link works once and expires in 3 days.'],
    action: { label: 'Confirm email address', url: `${config(env).DASHBOARD_ORIGIN}/verify-email?token=${encodeURIComponent(token)}` },
  });
}

export async function signup(
  env: Env,
  db: DB,
  input: { tenant_name: string; email: string; password: string; name?: string | null; captcha_token?: string },
  client: ClientInfo,
) {
  await assertCaptcha(env, input.captcha_token, client.ip);
  const email = normalizeEmail(input.email);
  assertStrongPassword(input.password, [email, input.name ?? '', input.tenant_name]);
  if (await db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
    throw new Problem('conflict', 'An account with this email already exists. Sign in instead, or reset your password.', {
      extensions: { errors: [{ field: 'email', message: 'already registered' }] },
    });
  }
  const now = new Date();
  const userId = newId(ID_PREFIX.user);
  const tenantId = newId(ID_PREFIX.tenant);
  // One transaction: a tenant never exists without its owner.
  const [[user], [tenant]] = await db.batch([
    db.insert(users).values({ id: userId, email, name: input.name?.trim() || null, passwordHash: await hashPassword(input.password), passwordChangedAt: now }).returning(),
    db.insert(tenants).values({ id: tenantId, name: input.tenant_name.trim(), slug: await uniqueSlug(db, input.tenant_name), planId: 'free' }).returning(),
    db.insert(memberships).values({ id: newId(ID_PREFIX.membership), tenantId, userId, role: 'owner' }),
    auditStatement(db, { tenantId, actor: { type: 'user', id: userId }, action: 'auth.signup', target: { type: 'tenant', id: tenantId }, ip: client.ip }),
  ]);
  if (!user || !tenant) throw new Error('signup insert returned no rows');
  await sendVerificationEmail(env, db, user);
  await notify(env, db, { tenantId: tenant.id, kind: 'welcome', data: { user_name: user.name }, userIds: [user.id] });
  return (await signedIn(env, db, user, tenant, client)).result;
}

/** The tenant a login lands in: the one asked for, else the oldest membership. */
async function loginTenant(db: DB, userId: string, tenantId?: string) {
  const rows = await db
    .select({ tenant: tenants })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), tenantId ? eq(memberships.tenantId, tenantId) : undefined))
    .orderBy(asc(memberships.createdAt))
    .all();
  return rows.map((r) => r.tenant).find((t) => t.status !== 'closed');
}

export async function login(env: Env, db: DB, input: { email: string; password: string; tenant_id?: string; captcha_token?: string }, client: ClientInfo) {
  const email = normalizeEmail(input.email);
  const keys = await throttleKeys(email, client.ip);
  await assertNotLocked(db, keys);
  if ((await recentFailures(db, keys)) >= THROTTLE.captchaAfterFailures) await assertCaptcha(env, input.captcha_token, client.ip);
  const user = await db.select().from(users).where(eq(users.email, email)).get();
  // Always run PBKDF2, so response time does not tell whether the account exists.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  const tenant = ok && user ? await loginTenant(db, user.id, input.tenant_id) : undefined;
  if (!ok || !user || !tenant) {
    await recordFailure(db, keys);
    const home = user ? await loginTenant(db, user.id) : undefined;
    await audit(db, {
      tenantId: home?.id ?? null,
      actor: { type: 'anonymous', id: user?.id ?? null },
      action: 'auth.login_failed',
      target: user ? { type: 'user', id: user.id } : undefined,
      ip: client.ip,
      metadata: { reason: !user ? 'unknown_user' : !ok ? 'bad_password' : 'no_tenant' },
    });
    throw new Problem('invalid-credentials', 'The email or password is not correct.');
  }
  await clearAccountFailures(db, keys);
  if (user.totpEnabledAt) {
    // The password was right; the session only starts after the second factor (verifyLoginSecondFactor).
    return { mfa_required: true as const, mfa_token: await signMfaToken(config(env).JWT_SECRET, { userId: user.id, tenantId: tenant.id }), methods: ['totp', 'backup_code'] };
  }
  return completeLogin(env, db, user, tenant, client);
}

async function completeLogin(env: Env, db: DB, user: User, tenant: Tenant, client: ClientInfo) {
  const { result, sessionId } = await signedIn(env, db, user, tenant, client);
  await audit(db, { tenantId: tenant.id, actor: { type: 'user', id: user.id }, action: 'auth.login', target: { type: 'session', id: sessionId }, ip: client.ip });
  return result;
}

/** Second step of a login with 2FA. Wrong codes count towards the same lockout as wrong passwords. */
export async function verifyLoginSecondFactor(env: Env, db: DB, input: { mfa_token: string; code: string }, client: ClientInfo) {
  const cfg = config(env);
  const who = await verifyMfaToken(cfg.JWT_SECRET, input.mfa_token);
  const user = await db.select().from(users).where(eq(users.id, who.userId)).get();
  const tenant = user ? await loginTenant(db, user.id, who.tenantId) : undefined;
  if (!user || !tenant) throw new Problem('invalid-token', 'The sign-in step has expired; enter your email and password again.');
  const keys = await throttleKeys(user.email, client.ip);
  await assertNotLocked(db, keys);
  if (!(await verifySecondFactor(db, encryptionKeys(env), user, input.code))) {
    await recordFailure(db, keys);
    await audit(db, { tenantId: tenant.id, actor: { type: 'anonymous', id: user.id }, action: 'auth.login_failed', target: { type: 'user', id: user.id }, ip: client.ip, metadata: { reason: 'bad_second_factor' } });
    throw new Problem('invalid-credentials', 'The code is not valid. Use the current code from your authenticator app, or one of your backup codes.', {
      extensions: { errors: [{ field: 'code', message: 'invalid code' }] },
    });
  }
  await clearAccountFailures(db, keys);
  return completeLogin(env, db, user, tenant, client);
}

export async function logout(db: DB, who: { userId: string; tenantId: string; sessionId: string }, ip: string | null) {
  await revokeSession(db, who.sessionId, 'logout');
  await audit(db, { tenantId: who.tenantId, actor: { type: 'user', id: who.userId }, action: 'auth.logout', target: { type: 'session', id: who.sessionId }, ip });
}

export async function verifyEmail(db: DB, token: string) {
  const userId = await consumeEmailToken(db, token, 'verify_email');
  await db.update(users).set({ emailVerifiedAt: new Date(), updatedAt: new Date() }).where(eq(users.id, userId)).run();
  return userId;
}

/** Always succeeds from the caller's point of view: whether an account exists is not revealed. */
export async function requestPasswordReset(env: Env, db: DB, input: { email: string; captcha_token?: string }, ip: string | null) {
  await assertCaptcha(env, input.captcha_token, ip);
  const emailInput = input.email;
  const user = await db.select().from(users).where(eq(users.email, normalizeEmail(emailInput))).get();
  if (!user) return;
  const token = await issueEmailToken(db, user.id, 'password_reset');
  await sendSystemEmail(env, {
    to: user.email,
    subject: 'Reset your Edgepost password',
    paragraphs: [
      'Someone (hopefully you) asked to reset the password of your Edgepost account.',
      'The link below works once and expires in 1 hour. If you did not ask for this, ignore this email: your password stays as it is.',
    ],
    action: { label: 'Choose a new password', url: `${config(env).DASHBOARD_ORIGIN}/reset-password?token=${encodeURIComponent(token)}` },
  });
  const home = await loginTenant(db, user.id);
  await audit(db, { tenantId: home?.id ?? null, actor: { type: 'anonymous', id: null }, action: 'auth.password_reset_requested', target: { type: 'user', id: user.id }, ip });
}

/** Sets the new password and ends every session: whoever knew the old one is signed out. */
export async function confirmPasswordReset(db: DB, token: string, password: string, ip: string | null) {
  const userId = await consumeEmailToken(db, token, 'password_reset');
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new Problem('invalid-token', 'This link is invalid, expired or already used. Ask for a new one.');
  assertStrongPassword(password, [user.email, user.name ?? '']);
  const now = new Date();
  await db
    .update(users)
    // Receiving the link proves the mailbox, so the address counts as verified.
    .set({ passwordHash: await hashPassword(password), passwordChangedAt: now, updatedAt: now, emailVerifiedAt: user.emailVerifiedAt ?? now })
    .where(eq(users.id, userId))
    .run();
  await revokeUserSessions(db, userId, 'password_reset');
  await clearAccountFailures(db, await throttleKeys(user.email, null));
  const home = await loginTenant(db, userId);
  await audit(db, { tenantId: home?.id ?? null, actor: { type: 'user', id: userId }, action: 'auth.password_reset', target: { type: 'user', id: userId }, ip });
}

export { loginTenant, signedIn };
