import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { refreshTokens, sessions } from '../db/schema';
import { randomToken, sha256Hex } from '../lib/crypto';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from './access-tokens';

/** A session lives 30 days from its last refresh; access tokens 15 minutes. */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;

/**
 * Two tabs refreshing at the same moment present the same token; a repeat this soon after the first
 * use is that race, not theft (the "reuse interval" of Auth0 and others), and gets a pair of its own.
 */
export const REUSE_LEEWAY_MS = 10_000;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface TokenPair {
  token: string;
  refresh_token: string;
  expires_in: number;
}

/** Refresh tokens are opaque; the prefix lets secret scanners recognise a leaked one. */
const REFRESH_PREFIX = 'eprt_';

async function newRefreshToken(db: DB, sessionId: string) {
  const secret = `${REFRESH_PREFIX}${randomToken(32)}`;
  return { secret, insert: db.insert(refreshTokens).values({ id: newId(ID_PREFIX.refreshToken), sessionId, tokenHash: await sha256Hex(secret) }) };
}

export async function startSession(
  db: DB,
  jwtSecret: string,
  who: { userId: string; tenantId: string },
  client: ClientInfo,
  now = Date.now(),
): Promise<TokenPair & { sessionId: string }> {
  const sessionId = newId(ID_PREFIX.session, now);
  const refresh = await newRefreshToken(db, sessionId);
  await db.batch([
    db.insert(sessions).values({
      id: sessionId,
      userId: who.userId,
      tenantId: who.tenantId,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + SESSION_TTL_MS),
    }),
    refresh.insert,
  ]);
  const token = await signAccessToken(jwtSecret, { ...who, sessionId }, now);
  return { sessionId, token, refresh_token: refresh.secret, expires_in: ACCESS_TOKEN_TTL_SECONDS };
}

/**
 * Rotates a refresh token. Each token works once; presenting an already-used token means it was
 * copied (OAuth 2.0 Security BCP §4.14.2): the whole session is revoked and the caller must sign in.
 */
export async function rotateRefreshToken(db: DB, jwtSecret: string, presented: string, client: ClientInfo, now = Date.now()) {
  const invalid = new Problem('invalid-token', 'The refresh token is not valid; sign in again.');
  if (!presented.startsWith(REFRESH_PREFIX)) throw invalid;
  const row = await db
    .select({ token: refreshTokens, session: sessions })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, await sha256Hex(presented)))
    .get();
  if (!row) throw invalid;
  const { token, session } = row;
  if (session.revokedAt || session.expiresAt.getTime() <= now) throw invalid;
  const racing = token.usedAt !== null && now - token.usedAt.getTime() < REUSE_LEEWAY_MS;
  if (token.usedAt && !racing) {
    await revokeSession(db, session.id, 'refresh_token_reuse', now);
    throw new Problem('invalid-token', 'This refresh token was already used. For your safety the session has been ended; sign in again.', {
      extensions: { reason: 'refresh_token_reuse', session_id: session.id },
    });
  }
  const next = await newRefreshToken(db, session.id);
  // The claim is conditional, so a token used long ago cannot slip through between the read above and
  // this write; the first use time is kept, so repeats cannot stretch the leeway window.
  const [claimed] = await db.batch([
    db
      .update(refreshTokens)
      .set({ usedAt: sql`coalesce(${refreshTokens.usedAt}, ${now})` })
      .where(and(eq(refreshTokens.id, token.id), or(isNull(refreshTokens.usedAt), gt(refreshTokens.usedAt, new Date(now - REUSE_LEEWAY_MS)))))
      .returning({ id: refreshTokens.id }),
    db
      .update(sessions)
      .set({ lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_TTL_MS), ip: client.ip, userAgent: client.userAgent?.slice(0, 300) ?? null })
      .where(eq(sessions.id, session.id)),
  ]);
  if (!claimed.length) {
    await revokeSession(db, session.id, 'refresh_token_reuse', now);
    throw invalid;
  }
  await next.insert.run();
  const access = await signAccessToken(jwtSecret, { userId: session.userId, tenantId: session.tenantId, sessionId: session.id }, now);
  return { session, pair: { token: access, refresh_token: next.secret, expires_in: ACCESS_TOKEN_TTL_SECONDS } satisfies TokenPair };
}

export async function revokeSession(db: DB, sessionId: string, reason: string, now = Date.now()) {
  await db
    .update(sessions)
    .set({ revokedAt: new Date(now), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .run();
}

/** Ends every session of a user (password reset), optionally keeping the current one. */
export async function revokeUserSessions(db: DB, userId: string, reason: string, keepSessionId?: string, now = Date.now()) {
  const sessionsOfUser = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))).all();
  for (const s of sessionsOfUser) if (s.id !== keepSessionId) await revokeSession(db, s.id, reason, now);
}

/** Cron hygiene: sessions that ended more than a week ago take their refresh tokens with them (cascade). */
export async function purgeEndedSessions(db: DB, now = Date.now()) {
  const cutoff = new Date(now - 7 * 24 * 3600_000);
  await db.delete(sessions).where(or(lt(sessions.expiresAt, cutoff), lt(sessions.revokedAt, cutoff))).run();
}
