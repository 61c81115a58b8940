import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { campaignEventRollups, contactEvents, PRUNABLE_EVENTS, tenants } from '../db/schema';
import { idsBefore, ID_PREFIX } from '../lib/ids';
import { log } from '../lib/log';

const DAY = 86_400_000;
/** Rows per transaction: small enough for one D1 statement's time, large enough to keep up. */
const CHUNK = 2000;
/** Per hourly run, so pruning a big backlog never crowds out the rest of the cron. */
const MAX_CHUNKS_PER_RUN = 50;

/** `months` calendar months before `now` (UTC). */
export function monthsBefore(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/**
 * One transaction: the campaign opens and clicks among these rows are added to the daily rollups
 * (per link for clicks), then the rows are deleted — so a crash leaves either both or neither, and
 * nothing is counted twice or lost from the reports.
 */
function pruneChunk(db: DB, ids: string[]) {
  const chosen = sql`(select value from json_each(${JSON.stringify(ids)}))`;
  const start = sql`coalesce(c.started_at, c.created_at)`;
  return db.batch([
    db
      .insert(campaignEventRollups)
      .select(
        sql`select e.tenant_id, e.campaign_id, ${start} + ((e.created_at - ${start}) / ${DAY}) * ${DAY}, e.type,
                   case when e.type in ('click', 'machine_click') then coalesce(e.data ->> 'url', '') else '' end, count(*)
            from ${contactEvents} e join campaigns c on c.id = e.campaign_id
            where e.id in ${chosen} and e.type in ('open', 'click', 'machine_open', 'machine_click')
            group by 1, 2, 3, 4, 5`,
      )
      .onConflictDoUpdate({
        target: [campaignEventRollups.campaignId, campaignEventRollups.bucketAt, campaignEventRollups.type, campaignEventRollups.url],
        set: { events: sql`${campaignEventRollups.events} + excluded.events` },
      }),
    db.delete(contactEvents).where(sql`${contactEvents.id} in ${chosen}`),
  ]);
}

/** The next chunk of a workspace's per-event rows made before `bound`, oldest first (from the contact_events_prunable index). */
export const expiredEvents = (db: DB, tenantId: string, bound: string) =>
  db
    .select({ id: contactEvents.id })
    .from(contactEvents)
    .where(and(eq(contactEvents.tenantId, tenantId), lt(contactEvents.id, bound), PRUNABLE_EVENTS))
    .orderBy(asc(contactEvents.id))
    .limit(CHUNK);

/**
 * Hourly: each workspace's per-event rows (sends, deliveries, opens, clicks, deferrals) older than its
 * retention period go, oldest first, walked by their time-ordered ids on a partial index. Everything
 * else on the timeline (consent, subscriptions, bounces, complaints, unsubscribes) stays, as do the
 * messages with their first open and click: unique counts and rates never change.
 */
export async function pruneExpiredEvents(db: DB, now = Date.now()) {
  const workspaces = await db.select({ id: tenants.id, months: tenants.eventRetentionMonths }).from(tenants).orderBy(asc(tenants.id)).all();
  let chunks = 0;
  let pruned = 0;
  for (const w of workspaces) {
    const bound = idsBefore(ID_PREFIX.contactEvent, monthsBefore(now, w.months));
    while (chunks < MAX_CHUNKS_PER_RUN) {
      const rows = await expiredEvents(db, w.id, bound).all();
      if (!rows.length) break;
      await pruneChunk(
        db,
        rows.map((r) => r.id),
      );
      chunks++;
      pruned += rows.length;
      if (rows.length < CHUNK) break;
    }
  }
  if (pruned) log('info', 'events_pruned', { rows: pruned, more: chunks >= MAX_CHUNKS_PER_RUN });
  return pruned;
}
