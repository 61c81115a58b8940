import { emitWebhookEventsSafely } from './webhook-delivery';
import { and, countDistinct, eq, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { campaigns, contactEvents } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { messageCounts, progressOf } from './campaigns';
import { recipientCount } from './campaign-fanout';
import { notify } from './notifications';

const percent = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 1000) / 10} %` : '—');

/** Unique openers and clickers of a campaign, from the activity the tracking endpoints record. */
export async function engagement(db: DB, tenantId: string, campaignId: string) {
  const rows = await db
    .select({ type: contactEvents.type, n: countDistinct(contactEvents.contactId) })
    .from(contactEvents)
    .where(and(eq(contactEvents.tenantId, tenantId), eq(contactEvents.campaignId, campaignId), sql`${contactEvents.type} in ('open', 'click', 'unsubscribed')`))
    .groupBy(contactEvents.type)
    .all();
  const n = (t: string) => rows.find((r) => r.type === t)?.n ?? 0;
  return { opens: n('open'), clicks: n('click'), unsubscribes: n('unsubscribed') };
}

/**
 * The last message settled: the campaign is `sent` (once — the conditional update makes a second
 * runner step a no-op) and the people who send campaigns get its summary in-app and by email.
 */
export async function finishCampaign(env: Env, db: DB, campaignId: string, now = Date.now()) {
  const total = await recipientCount(db, campaignId);
  const c = await db
    .update(campaigns)
    .set({ status: 'sent', finishedAt: new Date(now), totalRecipients: total, updatedAt: new Date(now) })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, 'sending')))
    .returning()
    .get();
  if (!c) return false;
  const scope = tenantScope(db, c.tenantId);
  const progress = progressOf((await messageCounts(scope, [c.id])).get(c.id), c);
  const e = await engagement(db, c.tenantId, c.id);
  await emitWebhookEventsSafely(env, db, c.tenantId, [
    { type: 'campaign.finished', data: { campaign_id: c.id, name: c.name, sent: progress.sent, bounced: progress.bounced, failed: progress.failed, opens: e.opens, clicks: e.clicks, unsubscribes: e.unsubscribes }, at: now },
  ]);
  await notify(env, db, {
    tenantId: c.tenantId,
    kind: 'campaign_finished',
    data: {
      campaign_id: c.id,
      campaign_name: c.name,
      sent: progress.sent,
      open_rate: percent(e.opens, progress.sent),
      click_rate: percent(e.clicks, progress.sent),
      bounce_rate: percent(progress.bounced, progress.sent + progress.bounced),
      unsubscribes: e.unsubscribes,
    },
  });
  return true;
}
