import { and, count, eq, gte, lt } from 'drizzle-orm';
import type { DB } from '../db/client';
import { campaigns, messages, tenants } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { errorFields, log } from '../lib/log';
import { startOfUtcMonth } from '../lib/utc-periods';
import { notify } from './notifications';
import { countContacts, effectiveLimits } from './plan-limits';

/** The summary goes out on the 1st at this UTC hour (the cron runs every minute; this picks one of them). */
export const SUMMARY_HOUR_UTC = 6;

export const isSummaryMinute = (t: number) => {
  const d = new Date(t);
  return d.getUTCDate() === 1 && d.getUTCHours() === SUMMARY_HOUR_UTC && d.getUTCMinutes() === 0;
};

/** Last month's sends, campaigns and the contact count against the plan, for one workspace. */
export async function monthlyUsage(db: DB, tenantId: string, now: number) {
  const end = startOfUtcMonth(now);
  const start = startOfUtcMonth(end - 1);
  const scope = tenantScope(db, tenantId);
  const [sent, started, contacts, limits] = await Promise.all([
    db.select({ n: count() }).from(messages).where(and(eq(messages.tenantId, tenantId), gte(messages.sentAt, new Date(start)), lt(messages.sentAt, new Date(end)))).get(),
    db.select({ n: count() }).from(campaigns).where(and(eq(campaigns.tenantId, tenantId), gte(campaigns.startedAt, new Date(start)), lt(campaigns.startedAt, new Date(end)))).get(),
    countContacts(scope),
    effectiveLimits(db, tenantId),
  ]);
  return {
    month: new Date(start).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
    emails_sent: sent?.n ?? 0,
    email_limit: limits.monthlyEmails,
    contacts,
    contact_limit: limits.maxContacts,
    campaigns: started?.n ?? 0,
  };
}

/** Cron, on the 1st: every active workspace's managers get last month's usage (in-app and by email, as they chose). */
export async function sendMonthlySummaries(env: Env, db: DB, now = Date.now()) {
  const active = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.status, 'active')).all();
  let sent = 0;
  for (const t of active) {
    try {
      await notify(env, db, { tenantId: t.id, kind: 'monthly_usage', data: await monthlyUsage(db, t.id, now) });
      sent++;
    } catch (err) {
      // One workspace's failure must not cost the others their summary.
      log('error', 'monthly_summary_failed', { tenant_id: t.id, ...errorFields(err) });
    }
  }
  return sent;
}
