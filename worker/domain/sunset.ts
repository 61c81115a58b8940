import { and, asc, eq, gt, gte, isNull, lt, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { contacts, messages, tenants } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { log } from '../lib/log';
import { contactEventStatements } from './contact-events';
import { monthsBefore } from './event-retention';
import { notify } from './notifications';

const CHUNK = 500;
/** The daily run's bound per workspace: a backlog finishes over the next days rather than in one long invocation. */
const MAX_CHUNKS = 40;

/** The hour (UTC) of the daily run, when the every-minute cron is at minute 0. */
export const SUNSET_HOUR_UTC = 2;
export const isSunsetMinute = (at: number) => new Date(at).getUTCHours() === SUNSET_HOUR_UTC && new Date(at).getUTCMinutes() === 0;

/**
 * Subscribed contacts who have been on the list longer than the period, were sent at least one
 * campaign in it, and opened or clicked none of it (a message's first human open and click, which
 * retention never prunes; machine opens such as Apple's privacy proxy do not count). Walked by id
 * after `after`, so one run reads each contact once.
 */
export const sunsetCandidates = (db: DB, tenantId: string, cutoff: Date, after: string) =>
  db
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, tenantId),
        gt(contacts.id, after),
        eq(contacts.status, 'subscribed'),
        isNull(contacts.deletedAt),
        lt(contacts.createdAt, cutoff),
        sql`exists (select 1 from ${messages} m where m.contact_id = ${contacts.id} and m.campaign_id is not null and m.sent_at >= ${cutoff.getTime()})`,
        sql`not exists (select 1 from ${messages} m where m.contact_id = ${contacts.id} and (m.opened_at >= ${cutoff.getTime()} or m.clicked_at >= ${cutoff.getTime()}))`,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(CHUNK);

/** One workspace: candidates become `inactive` with a `sunset` timeline row, a chunk per transaction. */
export async function sunsetWorkspace(db: DB, tenantId: string, months: number, now = Date.now()) {
  const scope = tenantScope(db, tenantId);
  const cutoff = new Date(monthsBefore(now, months));
  let after = '';
  let count = 0;
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const ids = (await sunsetCandidates(db, tenantId, cutoff, after).all()).map((r) => r.id);
    if (!ids.length) break;
    await db.batch([
      db.update(contacts).set({ status: 'inactive', updatedAt: new Date(now) }).where(scope.own(contacts, sql`${contacts.id} in (select value from json_each(${JSON.stringify(ids)}))`, eq(contacts.status, 'subscribed'))),
      ...contactEventStatements(scope, ids.map((contactId) => ({ contactId, type: 'sunset' as const, data: { months }, at: new Date(now) }))),
    ]);
    count += ids.length;
    after = ids[ids.length - 1]!;
    if (ids.length < CHUNK) break;
  }
  return count;
}

/** Daily: every workspace with a sunset period; its managers get a report when anyone was made inactive. */
export async function runSunset(env: Env, db: DB, now = Date.now()) {
  const workspaces = await db.select({ id: tenants.id, months: tenants.sunsetAfterMonths }).from(tenants).where(and(gte(tenants.sunsetAfterMonths, 1), eq(tenants.status, 'active'))).all();
  for (const w of workspaces) {
    try {
      const count = await sunsetWorkspace(db, w.id, w.months, now);
      if (count) {
        log('info', 'contacts_sunset', { tenant_id: w.id, count });
        await notify(env, db, { tenantId: w.id, kind: 'sunset_report', data: { count, months: w.months } });
      }
    } catch (err) {
      log('error', 'sunset_failed', { tenant_id: w.id, error: String(err) });
    }
  }
}
