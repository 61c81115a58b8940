import { eq, lt, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { authThrottle } from '../db/schema';
import { sha256Hex } from '../lib/crypto';
import { Problem } from '../lib/problem';

/**
 * Failed-login throttling: per account (slows guessing one password) and per IP (slows spraying
 * many accounts). Counters live in D1 so every isolate sees them; rows expire with the window.
 */
export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  maxPerAccount: 5,
  maxPerIp: 30,
  captchaAfterFailures: 3,
} as const;

export async function throttleKeys(email: string, ip: string | null) {
  // The email is hashed: the table must not become a list of addresses people tried.
  const keys: { key: string; max: number }[] = [{ key: `email:${await sha256Hex(email)}`, max: THROTTLE.maxPerAccount }];
  if (ip) keys.push({ key: `ip:${ip}`, max: THROTTLE.maxPerIp });
  return keys;
}

type Keys = Awaited<ReturnType<typeof throttleKeys>>;

/** Throws 429 with Retry-After while any key is locked. */
export async function assertNotLocked(db: DB, keys: Keys, now = Date.now()) {
  for (const { key } of keys) {
    const row = await db.select().from(authThrottle).where(eq(authThrottle.key, key)).get();
    const until = row?.lockedUntil?.getTime() ?? 0;
    if (until > now) {
      const retryAfter = Math.ceil((until - now) / 1000);
      throw new Problem('account-locked', `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfter / 60)} minutes, or reset your password.`, {
        headers: { 'retry-after': String(retryAfter) },
        extensions: { retry_after: retryAfter },
      });
    }
  }
}

/** Recent failures of the most-failed key: from CAPTCHA_AFTER_FAILURES on, login needs a CAPTCHA. */
export async function recentFailures(db: DB, keys: Keys, now = Date.now()) {
  let worst = 0;
  for (const { key } of keys) {
    const row = await db.select().from(authThrottle).where(eq(authThrottle.key, key)).get();
    if (row && row.windowStartedAt.getTime() >= now - THROTTLE.windowMs) worst = Math.max(worst, row.failures);
  }
  return worst;
}

/** Counts one failure on every key; the one that reaches its maximum locks. */
export async function recordFailure(db: DB, keys: Keys, now = Date.now()) {
  const windowStart = new Date(now - THROTTLE.windowMs);
  for (const { key, max } of keys) {
    // One upsert: a window that has passed starts again at 1.
    await db
      .insert(authThrottle)
      .values({ key, failures: 1, windowStartedAt: new Date(now) })
      .onConflictDoUpdate({
        target: authThrottle.key,
        set: {
          failures: sql`case when ${authThrottle.windowStartedAt} < ${windowStart.getTime()} then 1 else ${authThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${authThrottle.windowStartedAt} < ${windowStart.getTime()} then ${now} else ${authThrottle.windowStartedAt} end`,
          lockedUntil: sql`case when ${authThrottle.windowStartedAt} >= ${windowStart.getTime()} and ${authThrottle.failures} + 1 >= ${max} then ${now + THROTTLE.lockMs} else ${authThrottle.lockedUntil} end`,
        },
      })
      .run();
  }
}

/** A successful login clears the account's counter (not the IP's: one success must not unlock a sprayer). */
export async function clearAccountFailures(db: DB, keys: Keys) {
  const account = keys[0];
  if (account) await db.delete(authThrottle).where(eq(authThrottle.key, account.key)).run();
}

export async function purgeExpiredThrottles(db: DB, now = Date.now()) {
  await db.delete(authThrottle).where(lt(authThrottle.windowStartedAt, new Date(now - THROTTLE.windowMs - THROTTLE.lockMs))).run();
}
