import { DurableObject } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { getDb } from '../worker/db/client';
import { campaigns, tenants } from '../worker/db/schema';
import { cancelOutstanding, dispatchDue, DISPATCH_MAX, outstanding, requeueStale } from '../worker/domain/campaign-dispatch';
import { finishCampaign } from '../worker/domain/campaign-completion';
import { fanOutChunk, recipientCount, type FanOutPlan } from '../worker/domain/campaign-fanout';
import { markAbTestStarted } from '../worker/domain/ab-tests';
import { killSwitch } from '../worker/domain/kill-switch';
import { sendBudget, sendingLimits } from '../worker/domain/send-permits';
import type { Env } from '../worker/env';
import { errorFields, log } from '../worker/lib/log';

interface FanOutState {
  cursor: string | null;
  done: boolean;
}

/** While messages are in flight the runner looks again this often (completion, stale claims). */
const POLL_MS = 5000;
/** While sending is stopped (kill switch, suspension) it checks back this often. */
const STOPPED_POLL_MS = 15_000;
const SWEEP_EVERY_MS = 30_000;

/**
 * One per campaign (`idFromName(campaignId)`). Its alarm pages through the pinned audience into
 * `messages` rows and hands due rows to the send queue as fast as the tenant's governor allows.
 * Everything it needs to resume lives in D1 (the rows, the campaign's status) and in its own
 * storage (the plan, the fan-out cursor), so a restart anywhere continues where it was. Pause and
 * cancel are the campaign's status in D1: the API changes it and wakes the runner.
 */
export class CampaignRunner extends DurableObject<Env> {
  /** Idempotent: a second start of the same campaign keeps the first plan and cursor. */
  async start(plan: FanOutPlan): Promise<void> {
    if (!this.ctx.storage.kv.get<FanOutPlan>('plan')) {
      this.ctx.storage.kv.put('plan', plan);
      this.ctx.storage.kv.put('fanout', { cursor: null, done: false } satisfies FanOutState);
    }
    await this.ctx.storage.setAlarm(Date.now());
  }

  /** Look at the campaign again now (resumed, cancelled, dead letters replayed, A/B winner decided). */
  async wake(): Promise<void> {
    if (this.ctx.storage.kv.get('plan')) await this.ctx.storage.setAlarm(Date.now());
  }

  async fanOutState(): Promise<FanOutState | null> {
    return this.ctx.storage.kv.get<FanOutState>('fanout') ?? null;
  }

  override async alarm(): Promise<void> {
    const plan = this.ctx.storage.kv.get<FanOutPlan>('plan');
    if (!plan) return;
    try {
      const next = await this.step(plan, Date.now());
      if (next !== null) await this.ctx.storage.setAlarm(next);
    } catch (err) {
      // An alarm that throws is retried by the runtime with backoff; logging says why.
      log('error', 'campaign_runner_step_failed', { campaign_id: plan.campaignId, ...errorFields(err) });
      throw err;
    }
  }

  /** One step; answers when to run the next one (null: nothing to do until woken). */
  private async step(plan: FanOutPlan, now: number): Promise<number | null> {
    const db = getDb(this.env);
    const campaign = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, plan.campaignId)).get();
    if (!campaign) return null;
    if (campaign.status === 'cancelled') return (await cancelOutstanding(db, plan.campaignId)) ? now : null;
    if (campaign.status !== 'sending') return null;

    let fan = this.ctx.storage.kv.get<FanOutState>('fanout')!;
    if (!fan.done) {
      const r = await fanOutChunk(db, plan, fan.cursor, now);
      fan = { cursor: r.cursor, done: r.done };
      this.ctx.storage.kv.put('fanout', fan);
      if (fan.done) await db.update(campaigns).set({ totalRecipients: await recipientCount(db, plan.campaignId) }).where(eq(campaigns.id, plan.campaignId)).run();
    }

    const tenant = await db.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, plan.tenantId)).get();
    if (tenant?.status !== 'active' || (await killSwitch(this.env).isStopped(plan.tenantId))) return now + STOPPED_POLL_MS;

    const target = { id: plan.campaignId, tenantId: plan.tenantId };
    if (now - (this.ctx.storage.kv.get<number>('sweptAt') ?? 0) >= SWEEP_EVERY_MS) {
      this.ctx.storage.kv.put('sweptAt', now);
      await requeueStale(this.env, db, target, now);
    }

    const limits = await sendingLimits(db, plan.tenantId);
    const budget = await sendBudget(this.env, plan.tenantId, limits, now);
    if (budget.available <= 0) return fan.done ? now + Math.min(300, Math.max(1, budget.retryAfterSeconds)) * 1000 : now;
    const max = Math.min(budget.available, DISPATCH_MAX);
    const { enqueued, nextDueAt } = await dispatchDue(this.env, db, target, max, now);
    if (!fan.done || enqueued === max) return now;

    const left = await outstanding(db, plan.campaignId);
    if (left.active === 0) {
      if (left.holdouts > 0) {
        // The test share has settled: the cron picks the winner once the wait is over, then wakes us.
        await markAbTestStarted(db, plan.campaignId, now);
        return null;
      }
      await finishCampaign(this.env, db, plan.campaignId, now);
      return null;
    }
    return nextDueAt !== null ? Math.max(now + 1000, Math.min(nextDueAt, now + POLL_MS)) : now + POLL_MS;
  }
}
