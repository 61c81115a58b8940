import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { insertFromJson, jsonRowParams, rowValue } from '../db/json-rows';
import { contacts, messages, type AbTest, type CampaignSchedule } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { audienceWhere, type PinnedAudience } from './campaign-audience';
import { recipientSendAfter } from './campaign-schedule';

/** Contacts per fan-out step: one select and one insert statement each, well inside a DO alarm's time. */
export const FANOUT_CHUNK = 1000;

/** The variant of recipients who wait for the A/B winner (set to the winner's key when it is decided). */
export const HOLDOUT = '*';

export interface FanOutPlan {
  campaignId: string;
  tenantId: string;
  audience: PinnedAudience;
  schedule: CampaignSchedule | null;
  abTest: Pick<AbTest, 'variants' | 'test_percent'> | null;
  /** When the audience was pinned: relative segment conditions ("in the last 7 days") use it for every chunk. */
  pinnedAt: number;
}

/**
 * One step of the fan-out: the next contacts of the audience after `cursor` (by id, so a restarted
 * runner resumes exactly where it stopped) become `messages` rows. The insert ignores rows that
 * exist already, so repeating a step after a crash adds nobody twice. A/B recipients are drawn at
 * random at the test share and split evenly over the variants; the rest wait for the winner.
 */
export async function fanOutChunk(db: DB, plan: FanOutPlan, cursor: string | null, now = Date.now()): Promise<{ cursor: string | null; inserted: number; done: boolean }> {
  const scope = tenantScope(db, plan.tenantId);
  const rows = await db
    .select({ id: contacts.id, email: contacts.email, timezone: contacts.timezone })
    .from(contacts)
    .where(and(audienceWhere(scope, plan.audience, new Date(plan.pinnedAt)), cursor ? gt(contacts.id, cursor) : undefined))
    .orderBy(asc(contacts.id))
    .limit(FANOUT_CHUNK)
    .all();
  if (!rows.length) return { cursor, inserted: 0, done: true };

  const zoneTimes = new Map<string, number>();
  const variants = plan.abTest?.variants ?? [];
  const testShare = (plan.abTest?.test_percent ?? 0) / 100;
  let turn = Math.floor(Math.random() * Math.max(1, variants.length));
  const values = rows.map((r) => {
    let variant: string | null = null;
    if (variants.length) variant = Math.random() < testShare ? variants[turn++ % variants.length]!.key : HOLDOUT;
    const sendAfter = plan.schedule ? recipientSendAfter(plan.schedule, r.timezone, now, zoneTimes) : now;
    return [newId(ID_PREFIX.message, now), r.id, r.email, variant, sendAfter];
  });
  let inserted = 0;
  for (const json of jsonRowParams(values)) {
    const result = await insertFromJson(db, messages, json, {
      id: rowValue(0),
      tenantId: sql`${plan.tenantId}`,
      campaignId: sql`${plan.campaignId}`,
      contactId: rowValue(1),
      email: rowValue(2),
      stream: sql`'marketing'`,
      variant: rowValue(3),
      status: sql`'pending'`,
      sendAfter: rowValue(4),
      attempts: sql`0`,
      createdAt: sql`${now}`,
    })
      .onConflictDoNothing()
      .run();
    inserted += result.meta.changes ?? 0;
  }
  return { cursor: rows[rows.length - 1]!.id, inserted, done: rows.length < FANOUT_CHUNK };
}

/** Recipients of the campaign so far (every row, whatever its state). */
export async function recipientCount(db: DB, campaignId: string) {
  const row = await db.select({ n: sql<number>`count(*)` }).from(messages).where(eq(messages.campaignId, campaignId)).get();
  return row?.n ?? 0;
}
