import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { campaigns, contactEvents, messages, type AbTest, type Campaign } from '../db/schema';
import type { Env } from '../env';
import { log } from '../lib/log';
import { HOLDOUT } from './campaign-fanout';
import { campaignRunner } from './campaigns';

export interface VariantResult {
  key: string;
  sent: number;
  opens: number;
  clicks: number;
  open_rate: number;
  click_rate: number;
}

/** Sent messages and unique openers/clickers per variant of the test share. */
export async function variantResults(db: DB, c: Pick<Campaign, 'id' | 'tenantId' | 'abTest'>): Promise<VariantResult[]> {
  if (!c.abTest) return [];
  // Qualified by hand: drizzle writes columns in a select list without their table, and inside the
  // subquery a bare contact_id would be the event's own.
  const recipient = sql`${sql.identifier('messages')}.${sql.identifier('contact_id')}`;
  const engaged = (type: 'open' | 'click') =>
    sql<number>`count(distinct case when exists (select 1 from ${contactEvents} e where e.tenant_id = ${c.tenantId} and e.type = ${sql.raw(`'${type}'`)} and e.campaign_id = ${c.id} and e.contact_id = ${recipient}) then ${recipient} end)`;
  const rows = await db
    .select({ key: messages.variant, sent: sql<number>`count(*)`, opens: engaged('open'), clicks: engaged('click') })
    .from(messages)
    .where(and(eq(messages.campaignId, c.id), isNotNull(messages.variant), sql`${messages.variant} != ${HOLDOUT}`, sql`${messages.status} = 'sent'`))
    .groupBy(messages.variant)
    .all();
  return c.abTest.variants.map((v) => {
    const r = rows.find((x) => x.key === v.key);
    const sent = r?.sent ?? 0;
    const rate = (n: number) => (sent ? n / sent : 0);
    return { key: v.key, sent, opens: r?.opens ?? 0, clicks: r?.clicks ?? 0, open_rate: rate(r?.opens ?? 0), click_rate: rate(r?.clicks ?? 0) };
  });
}

/** The variant with the best rate on the test's metric; ties go to the earlier variant. */
export function pickWinner(test: Pick<AbTest, 'metric'>, results: VariantResult[]): string {
  const rate = (r: VariantResult) => (test.metric === 'clicks' ? r.click_rate : r.open_rate);
  return results.reduce((best, r) => (rate(r) > rate(best) ? r : best), results[0]!).key;
}

/** The test share has been sent: the wait for the winner starts now (once). */
export async function markAbTestStarted(db: DB, campaignId: string, now: number) {
  const c = await db.select({ abTest: campaigns.abTest }).from(campaigns).where(eq(campaigns.id, campaignId)).get();
  if (!c?.abTest || c.abTest.test_started_at) return;
  await db
    .update(campaigns)
    .set({ abTest: { ...c.abTest, test_started_at: new Date(now).toISOString() } })
    .where(and(eq(campaigns.id, campaignId), sql`json_extract(${campaigns.abTest}, '$.test_started_at') is null`))
    .run();
}

/**
 * Cron: every sending A/B campaign whose wait is over gets its winner; the recipients held back are
 * given the winning variant and the runner is woken to send it to them.
 */
export async function decideDueAbWinners(env: Env, db: DB, now = Date.now()) {
  const waiting = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.status, 'sending'), sql`json_extract(${campaigns.abTest}, '$.test_started_at') is not null`, sql`json_extract(${campaigns.abTest}, '$.winner') is null`))
    .limit(100)
    .all();
  let decided = 0;
  for (const c of waiting) {
    const test = c.abTest!;
    if (Date.parse(test.test_started_at!) + test.wait_hours * 3600_000 > now) continue;
    const results = await variantResults(db, c);
    const winner = pickWinner(test, results);
    await db.batch([
      db.update(campaigns).set({ abTest: { ...test, winner, winner_decided_at: new Date(now).toISOString() }, updatedAt: new Date(now) }).where(eq(campaigns.id, c.id)),
      db.update(messages).set({ variant: winner }).where(and(eq(messages.campaignId, c.id), eq(messages.variant, HOLDOUT))),
    ]);
    log('info', 'ab_winner_decided', { campaign_id: c.id, winner, metric: test.metric });
    await campaignRunner(env, c.id).wake();
    decided++;
  }
  return decided;
}
