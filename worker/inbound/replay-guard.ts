import { eq, lt } from 'drizzle-orm';
import type { DB } from '../db/client';
import { inboundHookNonces } from '../db/schema';

/**
 * Claims a signature's one-time value: true the first time, false when it was seen before. Atomic
 * (the key is the primary key), so two copies of one request cannot both pass.
 */
export async function claimNonce(db: DB, provider: string, nonce: string, expiresAt: number): Promise<boolean> {
  const claimed = await db
    .insert(inboundHookNonces)
    .values({ key: `${provider}:${nonce}`, expiresAt: new Date(expiresAt) })
    .onConflictDoNothing()
    .returning({ key: inboundHookNonces.key })
    .all();
  return claimed.length > 0;
}

/** Gives a claim back when nothing could be queued, so the provider's retry of the same request is accepted. */
export async function releaseNonce(db: DB, provider: string, nonce: string) {
  await db.delete(inboundHookNonces).where(eq(inboundHookNonces.key, `${provider}:${nonce}`)).run();
}

/** Nonces whose timestamp is past the window are refused by the timestamp check anyway: the hourly hygiene drops them. */
export async function purgeExpiredNonces(db: DB, now = Date.now()) {
  await db.delete(inboundHookNonces).where(lt(inboundHookNonces.expiresAt, new Date(now))).run();
}
