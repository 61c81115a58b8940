import { and, asc, eq, inArray, lt, lte, min, ne, or, sql, isNull } from 'drizzle-orm';
import type { DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { messages } from '../db/schema';
import type { Env, SendJob } from '../env';
import { HOLDOUT } from './campaign-fanout';

/** Queues take at most 100 messages per sendBatch call (PLATFORM-NOTES). */
export const QUEUE_BATCH_LIMIT = 100;
/** Rows handed to the queue per runner step. */
export const DISPATCH_MAX = 1000;
/** How long a consumer's claim on a row holds before another may take it (a consumer that died). */
export const claimLeaseMs = (env: Pick<Env, 'SEND_CLAIM_LEASE_SECONDS'>) => Number(env.SEND_CLAIM_LEASE_SECONDS ?? 120) * 1000;
/** A row queued this long ago and never picked up is enqueued again (a lost queue message). */
const requeueAfterMs = (env: Pick<Env, 'SEND_REQUEUE_AFTER_SECONDS'>) => Number(env.SEND_REQUEUE_AFTER_SECONDS ?? 600) * 1000;

const notHoldout = or(isNull(messages.variant), ne(messages.variant, HOLDOUT));

async function enqueue(env: Env, db: DB, campaign: { id: string; tenantId: string }, ids: string[], now: number) {
  for (let i = 0; i < ids.length; i += QUEUE_BATCH_LIMIT) {
    const chunk = ids.slice(i, i + QUEUE_BATCH_LIMIT);
    await env.SEND_QUEUE.sendBatch(chunk.map((messageId) => ({ body: { tenantId: campaign.tenantId, campaignId: campaign.id, messageId } satisfies SendJob, contentType: 'json' as const })));
    // Marked after the queue has them: a crash in between re-enqueues them, and the consumer's claim
    // makes the second copy a no-op.
    await db
      .update(messages)
      .set({ status: 'queued', queuedAt: new Date(now) })
      .where(and(inArray(messages.id, jsonValues(chunk)), sql`${messages.status} = 'pending'`))
      .run();
  }
}

/**
 * Hands up to `max` due rows (pending, send time reached, not waiting for an A/B winner) to the send
 * queue, oldest send time first. Answers when the next not-yet-due row falls due, if any.
 */
export async function dispatchDue(env: Env, db: DB, campaign: { id: string; tenantId: string }, max: number, now = Date.now()) {
  const due = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.campaignId, campaign.id), sql`${messages.status} = 'pending'`, lte(messages.sendAfter, new Date(now)), notHoldout))
    .orderBy(asc(messages.sendAfter))
    .limit(max)
    .all();
  await enqueue(env, db, campaign, due.map((r) => r.id), now);
  let nextDueAt: number | null = null;
  if (due.length < max) {
    const next = await db
      .select({ at: min(messages.sendAfter) })
      .from(messages)
      .where(and(eq(messages.campaignId, campaign.id), sql`${messages.status} = 'pending'`, notHoldout))
      .get();
    nextDueAt = next?.at ? next.at.getTime() : null;
  }
  return { enqueued: due.length, nextDueAt };
}

/**
 * The safety net under the queue: rows queued long ago that no consumer picked up, and rows whose
 * consumer's claim ran out (the consumer died mid-batch), are enqueued again. The claim check in the
 * consumer keeps this from ever sending twice.
 */
export async function requeueStale(env: Env, db: DB, campaign: { id: string; tenantId: string }, now = Date.now()) {
  const stale = await db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.campaignId, campaign.id),
        or(
          and(sql`${messages.status} = 'queued'`, lt(messages.queuedAt, new Date(now - requeueAfterMs(env)))),
          and(sql`${messages.status} = 'sending'`, lt(messages.claimedAt, new Date(now - claimLeaseMs(env)))),
        ),
      ),
    )
    .limit(DISPATCH_MAX)
    .all();
  if (!stale.length) return 0;
  const ids = stale.map((r) => r.id);
  await db
    .update(messages)
    .set({ status: 'pending', claimedAt: null })
    .where(and(inArray(messages.id, jsonValues(ids)), sql`${messages.status} in ('queued', 'sending')`))
    .run();
  await enqueue(env, db, campaign, ids, now);
  return ids.length;
}

/** Rows still to settle: pending ones that are not waiting for an A/B winner, queued and sending ones; and the waiting ones. */
export async function outstanding(db: DB, campaignId: string) {
  const rows = await db
    .select({ holdout: sql<number>`${messages.variant} is not null and ${messages.variant} = ${HOLDOUT}`, n: sql<number>`count(*)` })
    .from(messages)
    .where(and(eq(messages.campaignId, campaignId), sql`${messages.status} in ('pending', 'queued', 'sending')`))
    .groupBy(sql`1`)
    .all();
  return { active: rows.find((r) => !r.holdout)?.n ?? 0, holdouts: rows.find((r) => r.holdout)?.n ?? 0 };
}

/** Pending and queued rows of a cancelled campaign become cancelled, a chunk at a time. */
export async function cancelOutstanding(db: DB, campaignId: string, chunk = 5000) {
  const result = await db
    .update(messages)
    .set({ status: 'cancelled' })
    .where(
      inArray(
        messages.id,
        db.select({ id: messages.id }).from(messages).where(and(eq(messages.campaignId, campaignId), sql`${messages.status} in ('pending', 'queued')`)).limit(chunk),
      ),
    )
    .run();
  return result.meta.changes ?? 0;
}
