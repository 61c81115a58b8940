import { and, eq, isNull } from 'drizzle-orm';
import { REPUTATION_POLICY, type PermitBlock, type PermitBudget, type ReputationVerdict, type SendCaps } from '../../durable-objects/tenant-governor';
import type { DB } from '../db/client';
import { tenants } from '../db/schema';
import type { Env } from '../env';
import { errorFields, log } from '../lib/log';
import { DAY_MS, HOUR_MS, nextUtcDay, nextUtcMonth, startOfUtcDay } from '../lib/utc-periods';
import { audit } from './audit';
import { killSwitch } from './kill-switch';
import { notify } from './notifications';
import { effectiveLimits, type EffectiveLimits } from './plan-limits';
import { governorOf } from './rate-limit';

export interface SendLimits {
  ratePerHour: number;
  dailyCap: number;
  monthlyQuota: number;
  warmupStartedAt: number | null;
  warmupComplete: boolean;
  planId: string;
  planName: string;
}

/** The tenant kill switch's reason while the reputation breaker holds it, so a lift releases only its own stop. */
export const REPUTATION_STOP_REASON = 'reputation';

/** New senders ramp up so mailbox providers learn them: days 1–3 at most 50/h, days 4–7 at most 200/h. */
export const WARMUP_STEPS = [
  { lastDay: 3, ratePerHour: 50 },
  { lastDay: 7, ratePerHour: 200 },
] as const;
const WARMUP_DAYS = Math.max(...WARMUP_STEPS.map((s) => s.lastDay));

export function toSendLimits(l: EffectiveLimits): SendLimits {
  return {
    ratePerHour: l.sendRatePerHour,
    dailyCap: l.dailyEmails,
    monthlyQuota: l.monthlyEmails,
    warmupStartedAt: l.sendingStartedAt?.getTime() ?? null,
    warmupComplete: l.warmupComplete,
    planId: l.planId,
    planName: l.planName,
  };
}

/** Plan + overrides + warm-up state, read from D1 (one query). */
export async function sendingLimits(db: DB, tenantId: string): Promise<SendLimits> {
  return toSendLimits(await effectiveLimits(db, tenantId));
}

/** The warm-up day `now` falls on (1 before the first send), or null once the warm-up is over. */
export function warmupDay(limits: SendLimits, now: number): number | null {
  if (limits.warmupComplete) return null;
  const day = limits.warmupStartedAt === null ? 1 : Math.max(1, Math.floor((now - limits.warmupStartedAt) / DAY_MS) + 1);
  return day > WARMUP_DAYS ? null : day;
}

/** The effective hourly rate now: warm-up days 1–3 50/h, days 4–7 200/h (days counted from warmupStartedAt; not started = day 1), then the plan's rate; never above the plan's rate. */
export function effectiveRatePerHour(limits: SendLimits, now: number): number {
  const day = warmupDay(limits, now);
  const step = day === null ? undefined : WARMUP_STEPS.find((s) => day <= s.lastDay);
  return step ? Math.min(step.ratePerHour, limits.ratePerHour) : limits.ratePerHour;
}

/** When the rate next steps up (ms), or null when it no longer changes. A sender not started yet starts now. */
function nextWarmupStep(limits: SendLimits, now: number): number | null {
  const day = warmupDay(limits, now);
  const step = day === null ? undefined : WARMUP_STEPS.find((s) => day <= s.lastDay);
  return step ? (limits.warmupStartedAt ?? now) + step.lastDay * DAY_MS : null;
}

const capsOf = (limits: SendLimits, now: number): SendCaps => ({ ratePerHour: effectiveRatePerHour(limits, now), dailyCap: limits.dailyCap, monthlyQuota: limits.monthlyQuota });

export interface PermitGrant {
  granted: number;
  retryAfterSeconds: number;
  /** Why fewer than asked were granted (null when all were). */
  blocked: null | 'rate' | 'daily_cap' | 'monthly_quota' | 'reputation';
  /** Permits left after this grant. */
  available: number;
}

const formatDate = (t: number) => new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const formatCount = (n: number) => Math.round(n).toLocaleString('en-US');

/** A failed follow-up (notice, first-send mark) must not undo a grant the governor has already counted. */
async function afterGrant(what: string, tenantId: string, work: () => Promise<unknown>) {
  try {
    await work();
  } catch (err) {
    log('error', what, { tenant_id: tenantId, ...errorFields(err) });
  }
}

/**
 * Takes up to n permits (fewer when the rate, the daily cap or the monthly quota allows fewer; 0 while
 * the reputation breaker has paused the tenant). Counts granted permits toward the day and month.
 * Sets tenants.sending_started_at on the first grant. Notifies quota_warning at 80 % and
 * quota_reached at 100 % of the monthly quota, each once per month (in-app and by email).
 */
export async function acquireSendPermits(env: Env, db: DB, tenantId: string, limits: SendLimits, n: number, now = Date.now()): Promise<PermitGrant> {
  const r = await governorOf(env, tenantId).acquirePermits(capsOf(limits, now), n, now);
  if (r.granted > 0 && limits.warmupStartedAt === null) {
    await afterGrant('sending_started_mark_failed', tenantId, () =>
      db.update(tenants).set({ sendingStartedAt: new Date(now) }).where(and(eq(tenants.id, tenantId), isNull(tenants.sendingStartedAt))).run(),
    );
  }
  for (const kind of r.notices) {
    const used = r.used.thisMonth;
    const data = { percent: Math.floor((used / Math.max(1, limits.monthlyQuota)) * 100), used, limit: limits.monthlyQuota, plan: limits.planName, resets_on: formatDate(nextUtcMonth(now)) };
    await afterGrant('quota_notice_failed', tenantId, () => notify(env, db, { tenantId, kind, data }));
  }
  return { granted: r.granted, retryAfterSeconds: r.retryAfterSeconds, blocked: r.blocked, available: r.available };
}

/** Gives back permits that were not used (message skipped or failed before sending), so quota counts only sends. */
export async function releaseSendPermits(env: Env, tenantId: string, n: number, now = Date.now()): Promise<void> {
  if (n > 0) await governorOf(env, tenantId).releasePermits(n, now);
}

/** How many permits could be taken now without taking them: the CampaignRunner paces enqueueing with it. */
export async function sendBudget(env: Env, tenantId: string, limits: SendLimits, now = Date.now()): Promise<PermitBudget> {
  return governorOf(env, tenantId).permitBudget(capsOf(limits, now), now);
}

const percent = (rate: number) => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}%`;

function breachWording(verdict: ReputationVerdict) {
  const w = verdict.window;
  const rates = verdict.over.map((o) => (o === 'bounce' ? `bounce rate ${percent(w.bounceRate)}` : `complaint rate ${percent(w.complaintRate)}`));
  const detail = `Of the ${formatCount(w.sent)} messages sent in the last ${REPUTATION_POLICY.windowDays} days, ${percent(w.bounceRate)} hard-bounced and ${percent(w.complaintRate)} were reported as spam.`;
  return { reason: rates.join(' and '), detail };
}

/**
 * Reputation counters over the last 7 UTC days: sent (from the send path), hard bounces and
 * complaints (from the events consumer). Over 2 % bounces or 0.1 % complaints (at least 50 sent)
 * warns the managers once per day; over 5 % or 0.3 % (at least 200 sent) pauses the tenant's
 * sending: the governor refuses permits and the tenant's kill switch stops in-flight batches.
 */
export async function recordDeliveryOutcomes(env: Env, db: DB, tenantId: string, outcome: { sent?: number; bounced?: number; complained?: number }, now = Date.now()): Promise<void> {
  if (!outcome.sent && !outcome.bounced && !outcome.complained) return;
  const verdict = await governorOf(env, tenantId).recordDeliveryOutcomes(outcome, now);
  if (verdict.action === 'none') return;
  const { reason, detail } = breachWording(verdict);
  if (verdict.action === 'warn') {
    await notify(env, db, { tenantId, kind: 'reputation_warning', data: { reason, detail, pause_bounce: percent(REPUTATION_POLICY.pause.bounceRate), pause_complaint: percent(REPUTATION_POLICY.pause.complaintRate) } });
    return;
  }
  const ks = killSwitch(env);
  // A tenant already stopped (an admin suspension) keeps that stop and its reason.
  if (!(await ks.status()).tenants[tenantId]?.engaged) await ks.engage({ tenantId, reason: REPUTATION_STOP_REASON, by: 'system' });
  const w = verdict.window;
  await audit(db, { tenantId, actor: { type: 'system', id: null }, action: 'sending.paused_by_reputation', metadata: { sent: w.sent, bounced: w.bounced, complained: w.complained, over: verdict.over } });
  await notify(env, db, { tenantId, kind: 'sending_paused', data: { reason, detail } });
}

/** Lifts a breaker pause: the governor forgets the window that tripped it and the tenant's kill switch is released if the breaker set it. */
export async function liftReputationPause(env: Env, tenantId: string, now = Date.now()) {
  const wasPaused = await governorOf(env, tenantId).liftReputationPause(now);
  const ks = killSwitch(env);
  const stop = (await ks.status()).tenants[tenantId];
  const heldByBreaker = stop?.engaged === true && stop.reason === REPUTATION_STOP_REASON;
  if (heldByBreaker) await ks.release({ tenantId });
  return wasPaused || heldByBreaker;
}

// ---------------------------------------------------------------------------------------------------
// Status and estimates

export type HealthLevel = 'ok' | 'warning' | 'critical';
const levelOf = (rate: number, level: { warn: number; pause: number }): HealthLevel => (rate > level.pause ? 'critical' : rate > level.warn ? 'warning' : 'ok');

export type WarmupStage = 'not_started' | 'days_1_3' | 'days_4_7' | 'complete';

export interface SendingStatus {
  plan: { id: string; name: string };
  /** The rate now (warm-up applied) and the plan's own. */
  rate_per_hour: number;
  plan_rate_per_hour: number;
  warmup: { stage: WarmupStage; day: number | null; days_left: number; started_at: string | null; next_step_at: string | null; next_rate_per_hour: number | null };
  /** The rate from now on, one entry per change (hours from now): with `today`, what an estimate needs (see sendEstimate). */
  schedule: { starts_in_hours: number; rate_per_hour: number }[];
  /** Sends (permits taken and not given back) in the rolling hour, the UTC day and the UTC month, against their limits. */
  hour: { sent: number; limit: number };
  today: { sent: number; limit: number; resets_at: string };
  month: { sent: number; limit: number; percent: number; resets_at: string };
  available_now: number;
  retry_after_seconds: number;
  blocked: PermitBlock | null;
  reputation: {
    window_days: number;
    sent: number;
    bounced: number;
    complained: number;
    bounce_rate: number;
    complaint_rate: number;
    bounce_level: HealthLevel;
    complaint_level: HealthLevel;
    state: 'ok' | 'warning' | 'paused';
    paused_at: string | null;
    /** Sent messages in the window below which the breaker does not pause. */
    min_sample: number;
  };
  /** A platform-wide or tenant stop (kill switch, suspension, the reputation breaker). */
  stopped: { engaged: boolean; scope: 'platform' | 'tenant' | null; reason: string | null };
}

/** The warm-up of a sender that has not sent yet counts from its first send: from `now`, for planning. */
const startedBy = (limits: SendLimits, now: number): SendLimits => (limits.warmupStartedAt === null ? { ...limits, warmupStartedAt: now } : limits);

function rateSchedule(limits: SendLimits, now: number) {
  const started = startedBy(limits, now);
  const steps = [{ starts_in_hours: 0, rate_per_hour: effectiveRatePerHour(started, now) }];
  for (let at = nextWarmupStep(started, now); at !== null; at = nextWarmupStep(started, at)) {
    const rate = effectiveRatePerHour(started, at);
    // A plan rate at or under a warm-up step makes that step no change.
    if (rate !== steps[steps.length - 1]!.rate_per_hour) steps.push({ starts_in_hours: (at - now) / HOUR_MS, rate_per_hour: rate });
  }
  return steps;
}

function warmupStatus(limits: SendLimits, now: number): SendingStatus['warmup'] {
  const day = warmupDay(limits, now);
  const startedAt = limits.warmupStartedAt === null ? null : new Date(limits.warmupStartedAt).toISOString();
  if (day === null) return { stage: 'complete', day: null, days_left: 0, started_at: startedAt, next_step_at: null, next_rate_per_hour: null };
  const started = startedBy(limits, now);
  const next = nextWarmupStep(started, now);
  return {
    stage: limits.warmupStartedAt === null ? 'not_started' : day <= WARMUP_STEPS[0].lastDay ? 'days_1_3' : 'days_4_7',
    day,
    days_left: WARMUP_DAYS - day + 1,
    started_at: startedAt,
    next_step_at: next !== null && limits.warmupStartedAt !== null ? new Date(next).toISOString() : null,
    next_rate_per_hour: next !== null ? effectiveRatePerHour(started, next) : null,
  };
}

/** For the dashboard (Sender Health card, plan and usage page) and the throttle status of a campaign. */
export async function sendingStatus(env: Env, db: DB, tenantId: string, now = Date.now()): Promise<SendingStatus> {
  const limits = await sendingLimits(db, tenantId);
  const [{ budget, reputation: r }, ks] = await Promise.all([governorOf(env, tenantId).sendingSnapshot(capsOf(limits, now), now), killSwitch(env).status()]);
  const bounceLevel = levelOf(r.bounceRate, { warn: REPUTATION_POLICY.warn.bounceRate, pause: REPUTATION_POLICY.pause.bounceRate });
  const complaintLevel = levelOf(r.complaintRate, { warn: REPUTATION_POLICY.warn.complaintRate, pause: REPUTATION_POLICY.pause.complaintRate });
  const tenantStop = ks.tenants[tenantId];
  const stop = ks.global.engaged ? { scope: 'platform' as const, ...ks.global } : tenantStop?.engaged ? { scope: 'tenant' as const, ...tenantStop } : null;
  return {
    plan: { id: limits.planId, name: limits.planName },
    rate_per_hour: effectiveRatePerHour(limits, now),
    plan_rate_per_hour: limits.ratePerHour,
    warmup: warmupStatus(limits, now),
    schedule: rateSchedule(limits, now),
    hour: { sent: budget.used.lastHour, limit: effectiveRatePerHour(limits, now) },
    today: { sent: budget.used.today, limit: limits.dailyCap, resets_at: new Date(nextUtcDay(now)).toISOString() },
    month: {
      sent: budget.used.thisMonth,
      limit: limits.monthlyQuota,
      percent: limits.monthlyQuota > 0 ? Math.floor((budget.used.thisMonth / limits.monthlyQuota) * 100) : 100,
      resets_at: new Date(nextUtcMonth(now)).toISOString(),
    },
    available_now: budget.available,
    retry_after_seconds: budget.retryAfterSeconds,
    blocked: budget.blocked,
    reputation: {
      window_days: REPUTATION_POLICY.windowDays,
      sent: r.sent,
      bounced: r.bounced,
      complained: r.complained,
      bounce_rate: r.bounceRate,
      complaint_rate: r.complaintRate,
      bounce_level: bounceLevel,
      complaint_level: complaintLevel,
      state: r.pausedAt !== null ? 'paused' : bounceLevel !== 'ok' || complaintLevel !== 'ok' ? 'warning' : 'ok',
      paused_at: r.pausedAt !== null ? new Date(r.pausedAt).toISOString() : null,
      min_sample: REPUTATION_POLICY.pause.minSent,
    },
    stopped: { engaged: stop !== null, scope: stop?.scope ?? null, reason: stop?.reason ?? null },
  };
}

function remainingText(hours: number) {
  if (!Number.isFinite(hours)) return 'stopped by the plan’s limits';
  if (hours === 0) return 'nothing left to send';
  if (hours < 1) return 'under 1 h remaining';
  return `${formatCount(Math.ceil(hours))} h remaining`;
}

/**
 * "Sending at 50/h — 94 h remaining": how long `remaining` messages take from `now`, stepping up
 * with the warm-up schedule and waiting for UTC midnight whenever the daily cap is used up
 * (`sentToday` of it already). A sender that has not started yet starts now.
 */
export function sendEstimate(limits: SendLimits, remaining: number, now: number, sentToday = 0): { hours: number; ratePerHour: number; text: string } {
  const plan = startedBy(limits, now);
  const ratePerHour = effectiveRatePerHour(plan, now);
  let left = Math.max(0, Math.ceil(remaining));
  let t = now;
  let usedToday = Math.max(0, sentToday);
  const blocked = left > 0 && (ratePerHour <= 0 || limits.dailyCap <= 0 || limits.ratePerHour <= 0);
  while (left > 0 && !blocked) {
    const rate = effectiveRatePerHour(plan, t);
    const step = nextWarmupStep(plan, t);
    if (step === null && usedToday === 0 && t === startOfUtcDay(t)) {
      // Past the warm-up and at midnight: skip whole days at once instead of walking millions of messages.
      const perDay = Math.min(limits.dailyCap, rate * 24);
      const days = Math.floor((left - 1) / perDay);
      t += days * DAY_MS;
      left -= days * perDay;
    }
    const dayEnd = nextUtcDay(t);
    const segmentEnd = Math.min(dayEnd, step ?? Number.POSITIVE_INFINITY);
    const room = Math.max(0, limits.dailyCap - usedToday);
    const bySegment = (rate * (segmentEnd - t)) / HOUR_MS;
    if (left <= room && left <= bySegment) {
      t += (left / rate) * HOUR_MS;
      left = 0;
    } else if (room <= bySegment) {
      // The daily cap runs out before the segment ends: nothing more until midnight.
      left -= room;
      t = dayEnd;
      usedToday = 0;
    } else {
      left -= bySegment;
      usedToday += bySegment;
      t = segmentEnd;
      if (t === dayEnd) usedToday = 0;
    }
  }
  const hours = blocked ? Number.POSITIVE_INFINITY : Math.round(((t - now) / HOUR_MS) * 10) / 10;
  return { hours, ratePerHour, text: `Sending at ${formatCount(ratePerHour)}/h — ${remainingText(hours)}` };
}
