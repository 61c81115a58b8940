import { and, eq, gt, isNull } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { getDb } from '../db/client';
import { memberships, sessions, tenants, users } from '../db/schema';
import { verifyAccessToken } from '../domain/access-tokens';
import { isApiKeyToken, resolveApiKey, touchApiKey } from '../domain/api-keys';
import { roleCan, type Permission } from '../domain/permissions';
import { config, isSuperAdminEmail } from '../env';
import { Problem } from '../lib/problem';
import type { AppEnv, Principal } from '../types';

/** Writing last_seen_at on every request would make every read a write; a minute is precise enough. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** What a member of a workspace that requires 2FA may still do before enrolling. */
const MFA_ENROLMENT_ROUTES = new Set([
  'GET /v1/me',
  'GET /v1/auth/2fa',
  'POST /v1/auth/2fa/setup',
  'POST /v1/auth/2fa/enable',
  'POST /v1/auth/logout',
]);

function bearer(header: string | undefined): string {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) {
    throw new Problem('unauthorized', 'Send `Authorization: Bearer <session token or API key>`.', {
      headers: { 'www-authenticate': 'Bearer realm="edgepost"' },
    });
  }
  return match[1];
}

/** Resolves the caller from a session JWT or an API key; the session row is checked so logout is immediate. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header('authorization'));
  const db = getDb(c.env);
  let principal: Principal;

  if (isApiKeyToken(token)) {
    const key = await resolveApiKey(db, token);
    if (!key) throw new Problem('invalid-token', 'The API key is not valid, revoked or expired.');
    c.executionCtx.waitUntil(touchApiKey(db, key));
    principal = { kind: 'api_key', keyId: key.id, tenantId: key.tenantId, scopes: new Set(key.scopes as Permission[]) };
  } else {
    const claims = await verifyAccessToken(config(c.env).JWT_SECRET, token);
    const row = await db
      .select({
        role: memberships.role,
        email: users.email,
        verified: users.emailVerifiedAt,
        totp: users.totpEnabledAt,
        tenantStatus: tenants.status,
        tenantRequires2fa: tenants.require2fa,
        lastSeenAt: sessions.lastSeenAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.tenantId, sessions.tenantId)))
      .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
      .where(
        and(
          eq(sessions.id, claims.sessionId),
          eq(sessions.userId, claims.userId),
          eq(sessions.tenantId, claims.tenantId),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, new Date()),
        ),
      )
      .get();
    if (!row || row.tenantStatus === 'closed') throw new Problem('invalid-token', 'The session has ended; sign in again.');
    if (row.tenantRequires2fa && !row.totp && !MFA_ENROLMENT_ROUTES.has(`${c.req.method} ${c.req.routePath}`)) {
      throw new Problem('mfa-required', 'This workspace requires two-factor authentication. Turn it on in your account settings to continue.');
    }
    if (!row.lastSeenAt || Date.now() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      c.executionCtx.waitUntil(db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, claims.sessionId)).run());
    }
    principal = {
      kind: 'user',
      userId: claims.userId,
      tenantId: claims.tenantId,
      sessionId: claims.sessionId,
      role: row.role,
      // Platform powers need the configured address, a verified mailbox and a second factor.
      superAdmin: Boolean(row.verified) && Boolean(row.totp) && isSuperAdminEmail(c.env, row.email),
    };
  }
  c.set('principal', principal);
  await next();
});

export function can(principal: Principal, permission: Permission): boolean {
  return principal.kind === 'user' ? roleCan(principal.role, permission) : principal.scopes.has(permission);
}

export const authorize = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const p = c.get('principal');
    if (!can(p, permission)) {
      throw p.kind === 'api_key'
        ? new Problem('insufficient-scope', `This API key lacks the \`${permission}\` scope.`, { extensions: { required_scope: permission } })
        : new Problem('forbidden', `Your role (${p.role}) does not allow \`${permission}\`.`, { extensions: { required_permission: permission } });
    }
    await next();
  });

/** Humans only: API keys cannot manage sessions, members or keys of their own. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('principal').kind !== 'user') throw new Problem('forbidden', 'This endpoint needs a signed-in user, not an API key.');
  await next();
});

export const requireSuperAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const p = c.get('principal');
  if (p.kind !== 'user' || !p.superAdmin) throw new Problem('forbidden', 'Platform super-admins only.');
  await next();
});

/** The signed-in user of a route that ran `requireUser` (narrowed for handlers). */
export function userOf(p: Principal) {
  if (p.kind !== 'user') throw new Problem('forbidden', 'This endpoint needs a signed-in user, not an API key.');
  return p;
}
