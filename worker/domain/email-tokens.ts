import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { DB } from '../db/client';
import { emailTokens } from '../db/schema';
import { randomToken, sha256Hex } from '../lib/crypto';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';

export type EmailTokenPurpose = 'verify_email' | 'password_reset';

export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify_email: 3 * 24 * 3600_000,
  password_reset: 60 * 60_000,
};

/**
 * Links sent by email: 256 random bits, stored only as a SHA-256 hash, expiring, single-use.
 * Issuing a new one for the same purpose retires the older ones.
 */
export async function issueEmailToken(db: DB, userId: string, purpose: EmailTokenPurpose, now = Date.now()): Promise<string> {
  const token = randomToken(32);
  await db.batch([
    db
      .update(emailTokens)
      .set({ usedAt: new Date(now) })
      .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt))),
    db.insert(emailTokens).values({
      id: newId(ID_PREFIX.emailToken, now),
      userId,
      purpose,
      tokenHash: await sha256Hex(token),
      expiresAt: new Date(now + EMAIL_TOKEN_TTL_MS[purpose]),
    }),
  ]);
  return token;
}

/** Consumes a token atomically (a second use finds nothing) and returns its user id. */
export async function consumeEmailToken(db: DB, token: string, purpose: EmailTokenPurpose, now = Date.now()): Promise<string> {
  const row = await db
    .update(emailTokens)
    .set({ usedAt: new Date(now) })
    .where(
      and(
        eq(emailTokens.tokenHash, await sha256Hex(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, new Date(now)),
      ),
    )
    .returning({ userId: emailTokens.userId })
    .get();
  if (!row) throw new Problem('invalid-token', 'This link is invalid, expired or already used. Ask for a new one.');
  return row.userId;
}

export async function purgeExpiredEmailTokens(db: DB, now = Date.now()) {
  await db.delete(emailTokens).where(lt(emailTokens.expiresAt, new Date(now - 24 * 3600_000))).run();
}
