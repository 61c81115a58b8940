import { and, eq, isNull, gt, desc } from 'drizzle-orm';
import type { DB } from '../db/client';
import { emailTokens, memberships, sessions, tenants, users, type User } from '../db/schema';
import { config, isSuperAdminEmail, type Env } from '../env';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../lib/crypto';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem, notFound } from '../lib/problem';
import { audit, auditStatement } from './audit';
import { EMAIL_TOKEN_TTL_MS } from './email-tokens';
import { normalizeEmail } from './auth';
import { assertStrongPassword } from './passwords';
import { describeDevice } from './devices';
import { revokeSession, revokeUserSessions } from './sessions';
import { sendSystemEmail } from './system-mail';

export interface Caller {
  userId: string;
  tenantId: string;
  sessionId: string;
}

export async function getUser(db: DB, userId: string): Promise<User> {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound('User');
  return user;
}

async function assertCurrentPassword(user: User, current: string | undefined) {
  if (!current) {
    throw new Problem('validation-error', 'Enter your current password to change your email or password.', {
      extensions: { errors: [{ field: 'current_password', message: 'is required' }] },
    });
  }
  if (!(await verifyPassword(current, user.passwordHash))) {
    throw new Problem('invalid-credentials', 'The current password is not correct.', { extensions: { errors: [{ field: 'current_password', message: 'is not correct' }] } });
  }
}

/**
 * Profile changes. The name changes at once; a new email address takes effect only when its owner
 * clicks the link sent there (the old address gets a notice); a new password ends every other session.
 */
export async function updateProfile(
  env: Env,
  db: DB,
  caller: Caller,
  input: { name?: string | null; email?: string; current_password?: string; new_password?: string },
  ip: string | null,
) {
  const user = await getUser(db, caller.userId);
  const changed: string[] = [];
  let pendingEmail: string | null = null;
  if (input.email !== undefined || input.new_password !== undefined) await assertCurrentPassword(user, input.current_password);

  if (input.name !== undefined) {
    await db.update(users).set({ name: input.name?.trim() || null, updatedAt: new Date() }).where(eq(users.id, user.id)).run();
    changed.push('name');
  }
  if (input.new_password !== undefined) {
    assertStrongPassword(input.new_password, [user.email, user.name ?? '']);
    const now = new Date();
    await db.update(users).set({ passwordHash: await hashPassword(input.new_password), passwordChangedAt: now, updatedAt: now }).where(eq(users.id, user.id)).run();
    await revokeUserSessions(db, user.id, 'password_changed', caller.sessionId);
    await sendSystemEmail(env, {
      to: user.email,
      subject: 'Your Edgepost password was changed',
      paragraphs: ['The password of your Edgepost account was just changed, and every other session was signed out.', 'If this was not you, reset your password at once and contact your workspace owner.'],
    });
    changed.push('password');
  }
  if (input.email !== undefined) {
    const email = normalizeEmail(input.email);
    if (email !== user.email) {
      if (await db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        throw new Problem('conflict', 'Another account already uses this email address.', { extensions: { errors: [{ field: 'email', message: 'already in use' }] } });
      }
      const token = randomToken(32);
      const now = Date.now();
      await db.batch([
        db.update(emailTokens).set({ usedAt: new Date(now) }).where(and(eq(emailTokens.userId, user.id), eq(emailTokens.purpose, 'email_change'), isNull(emailTokens.usedAt))),
        db.insert(emailTokens).values({ id: newId(ID_PREFIX.emailToken), userId: user.id, purpose: 'email_change', tokenHash: await sha256Hex(token), newEmail: email, expiresAt: new Date(now + EMAIL_TOKEN_TTL_MS.verify_email) }),
      ]);
      await sendSystemEmail(env, {
        to: email,
        subject: 'Confirm your new email address for Edgepost',
        paragraphs: ['Confirm that this is the new email address of your Edgepost account. Until you do, the old address stays in use.'],
        action: { label: 'Confirm new address', url: `${config(env).DASHBOARD_ORIGIN}/confirm-email-change?token=${encodeURIComponent(token)}` },
      });
      await sendSystemEmail(env, {
        to: user.email,
        subject: 'Your Edgepost email address is being changed',
        paragraphs: [`Someone signed in to your account asked to change its email address to ${email}. It changes once the new address is confirmed.`, 'If this was not you, change your password now.'],
      });
      pendingEmail = email;
      changed.push('email');
    }
  }
  if (changed.length) {
    await audit(db, { tenantId: caller.tenantId, actor: { type: 'user', id: user.id }, action: 'user.profile_updated', target: { type: 'user', id: user.id }, ip, metadata: { fields: changed } });
  }
  return { user: await getUser(db, user.id), pendingEmail };
}

export async function confirmEmailChange(db: DB, token: string, ip: string | null) {
  const now = new Date();
  const row = await db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.tokenHash, await sha256Hex(token)), eq(emailTokens.purpose, 'email_change'), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now)))
    .returning({ userId: emailTokens.userId, newEmail: emailTokens.newEmail })
    .get();
  if (!row?.newEmail) throw new Problem('invalid-token', 'This link is invalid, expired or already used. Ask for a new one.');
  if (await db.select({ id: users.id }).from(users).where(eq(users.email, row.newEmail)).get()) {
    throw new Problem('conflict', 'Another account took this email address in the meantime.');
  }
  await db.batch([
    db.update(users).set({ email: row.newEmail, emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, row.userId)),
    auditStatement(db, { tenantId: null, actor: { type: 'user', id: row.userId }, action: 'user.email_changed', target: { type: 'user', id: row.userId }, ip }),
  ]);
}

export async function listSessions(db: DB, caller: Caller) {
  const rows = await db
    .select({ s: sessions, tenantName: tenants.name })
    .from(sessions)
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(and(eq(sessions.userId, caller.userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt))
    .all();
  return rows.map(({ s, tenantName }) => ({
    id: s.id,
    tenant_id: s.tenantId,
    tenant_name: tenantName,
    device: describeDevice(s.userAgent),
    ip: s.ip,
    created_at: s.createdAt.toISOString(),
    last_seen_at: (s.lastSeenAt ?? s.createdAt).toISOString(),
    current: s.id === caller.sessionId,
  }));
}

export async function revokeOwnSession(db: DB, caller: Caller, sessionId: string, ip: string | null) {
  const s = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, caller.userId), isNull(sessions.revokedAt))).get();
  if (!s) throw notFound('Session');
  await revokeSession(db, s.id, 'revoked_by_user');
  await audit(db, { tenantId: caller.tenantId, actor: { type: 'user', id: caller.userId }, action: 'user.session_revoked', target: { type: 'session', id: s.id }, ip });
}

export async function revokeOtherSessions(db: DB, caller: Caller, ip: string | null) {
  await revokeUserSessions(db, caller.userId, 'revoked_by_user', caller.sessionId);
  await audit(db, { tenantId: caller.tenantId, actor: { type: 'user', id: caller.userId }, action: 'user.other_sessions_revoked', target: { type: 'user', id: caller.userId }, ip });
}

/** Why 2FA cannot be turned off for this user, if it cannot: super-admins and workspaces that require it. */
export async function twoFactorRequiredBy(env: Env, db: DB, user: User): Promise<string | null> {
  if (isSuperAdminEmail(env, user.email)) return 'for platform administrators';
  const requiring = await db
    .select({ name: tenants.name })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, user.id), eq(tenants.require2fa, true)))
    .get();
  return requiring ? `by the workspace ${requiring.name}` : null;
}
