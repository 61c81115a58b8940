import { DurableObject } from 'cloudflare:workers';
import { DAY_MS, HOUR_MS, MINUTE_MS, nextUtcDay, nextUtcMonth, secondsUntil, utcDayKey, utcMonthKey } from '../worker/lib/utc-periods';

export interface BucketSpec {
  /** Tokens the bucket holds when full (the burst). */
  capacity: number;
  /** Seconds to refill the whole bucket (e.g. 60 for "N per minute"). */
  windowSeconds: number;
}

export interface TakeResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until `n` tokens are available again (0 when allowed). */
  retryAfter: number;
  /** Seconds until the bucket is full again. */
  reset: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** When the bucket is full again: from then on it is the same as no bucket, so the sweep deletes it. */
  fullAt: number;
}

/** How often stale buckets are swept; per-visitor buckets (hashed IPs) would otherwise pile up forever. */
export const BUCKET_SWEEP_MS = 3600_000;

/** The limits a permit must fit in, worked out by the caller from plan, overrides and warm-up: the governor only counts. */
export interface SendCaps {
  ratePerHour: number;
  dailyCap: number;
  monthlyQuota: number;
}

export type PermitBlock = 'rate' | 'daily_cap' | 'monthly_quota' | 'reputation';
export type QuotaNotice = 'quota_warning' | 'quota_reached';

/** Permits taken and not given back: sends, in the rolling hour, the UTC day and the UTC month. */
export interface SendCounts {
  lastHour: number;
  today: number;
  thisMonth: number;
}

export interface PermitBudget {
  available: number;
  /** Seconds until one more permit is available (0 while some are). */
  retryAfterSeconds: number;
  /** The limit that allows no more, or, after a grant, the one that allowed fewer than asked. */
  blocked: PermitBlock | null;
  used: SendCounts;
}

export interface PermitGrantResult extends PermitBudget {
  granted: number;
  /** Quota thresholds this call crossed; each is reported once per UTC month. */
  notices: QuotaNotice[];
}

export interface OutcomeCounts {
  sent: number;
  bounced: number;
  complained: number;
}

export interface ReputationWindow extends OutcomeCounts {
  bounceRate: number;
  complaintRate: number;
  /** When the breaker paused sending (ms), or null. */
  pausedAt: number | null;
}

export interface ReputationVerdict {
  /** `warn` at most once per UTC day; `pause` once, when the breaker trips. */
  action: 'none' | 'warn' | 'pause';
  /** Which rates are over the threshold of the action. */
  over: ('bounce' | 'complaint')[];
  window: ReputationWindow;
}

/**
 * Gmail and Yahoo reject bulk senders whose spam rate reaches 0.3 % and ask for less than 0.1 %;
 * hard bounces above a few percent mark a bought or stale list. The minimum samples keep a handful
 * of early bounces from pausing a new sender.
 */
export const REPUTATION_POLICY = {
  windowDays: 7,
  warn: { bounceRate: 0.02, complaintRate: 0.001, minSent: 50 },
  pause: { bounceRate: 0.05, complaintRate: 0.003, minSent: 200 },
} as const;

export const QUOTA_WARNING_SHARE = 0.8;
/** A paused tenant's messages come back this much later; an admin lift takes effect on their next try. */
export const REPUTATION_RETRY_SECONDS = 900;

interface SendLedger {
  /** Permits per minute (minutes since the epoch) within the last hour: the rolling-hour rate window. */
  minutes: Record<string, number>;
  day: string;
  today: number;
  month: string;
  thisMonth: number;
  /** The month each quota notice was last given in. */
  warnedMonth: string | null;
  reachedMonth: string | null;
}

interface ReputationLedger {
  /** Outcomes per UTC day (`2026-11-30`), pruned to the window. */
  days: Record<string, OutcomeCounts>;
  warnedDay: string | null;
  pausedAt: number | null;
}

const minuteOf = (t: number) => Math.floor(t / MINUTE_MS);

/** The minute buckets still inside the rolling hour, oldest first. */
function hourBuckets(ledger: SendLedger, now: number): [number, number][] {
  const from = minuteOf(now) - 59;
  return Object.entries(ledger.minutes)
    .map(([m, n]): [number, number] => [Number(m), n])
    .filter(([m]) => m >= from)
    .sort((a, b) => a[0] - b[0]);
}

/** When enough of the hour's sends have aged out of the window for one more. */
function rateRetrySeconds(buckets: [number, number][], ratePerHour: number, now: number) {
  if (ratePerHour < 1) return secondsUntil(now + HOUR_MS, now);
  let excess = buckets.reduce((sum, [, n]) => sum + n, 0) - (ratePerHour - 1);
  for (const [minute, n] of buckets) {
    excess -= n;
    if (excess <= 0) return secondsUntil((minute + 60) * MINUTE_MS, now);
  }
  return 0;
}

function countsOf(ledger: SendLedger, now: number): SendCounts {
  return { lastHour: hourBuckets(ledger, now).reduce((sum, [, n]) => sum + n, 0), today: ledger.today, thisMonth: ledger.thisMonth };
}

function budgetOf(ledger: SendLedger, caps: SendCaps, pausedAt: number | null, now: number): PermitBudget {
  const used = countsOf(ledger, now);
  if (pausedAt !== null) return { available: 0, retryAfterSeconds: REPUTATION_RETRY_SECONDS, blocked: 'reputation', used };
  // Listed from the longest-lasting block: on a tie, the one the tenant waits longest for is named.
  const limits = [
    { block: 'monthly_quota' as const, left: caps.monthlyQuota - used.thisMonth, retry: () => secondsUntil(nextUtcMonth(now), now) },
    { block: 'daily_cap' as const, left: caps.dailyCap - used.today, retry: () => secondsUntil(nextUtcDay(now), now) },
    { block: 'rate' as const, left: Math.floor(caps.ratePerHour) - used.lastHour, retry: () => rateRetrySeconds(hourBuckets(ledger, now), caps.ratePerHour, now) },
  ];
  const tightest = limits.reduce((a, b) => (b.left < a.left ? b : a));
  const available = Math.max(0, tightest.left);
  return available > 0 ? { available, retryAfterSeconds: 0, blocked: null, used } : { available: 0, retryAfterSeconds: tightest.retry(), blocked: tightest.block, used };
}

function windowOf(ledger: ReputationLedger): ReputationWindow {
  const t = Object.values(ledger.days).reduce((a, d) => ({ sent: a.sent + d.sent, bounced: a.bounced + d.bounced, complained: a.complained + d.complained }), { sent: 0, bounced: 0, complained: 0 });
  return { ...t, bounceRate: t.sent ? t.bounced / t.sent : 0, complaintRate: t.sent ? t.complained / t.sent : 0, pausedAt: ledger.pausedAt };
}

function overThreshold(w: ReputationWindow, level: { bounceRate: number; complaintRate: number; minSent: number }) {
  if (w.sent < level.minSent) return [];
  return [...(w.bounceRate > level.bounceRate ? ['bounce' as const] : []), ...(w.complaintRate > level.complaintRate ? ['complaint' as const] : [])];
}

/**
 * One per tenant (`idFromName(tenantId)`): the strongly consistent counters of a tenant — token
 * buckets for API rate limits and throttles, send permits within the rate, daily cap and monthly
 * quota, and the reputation circuit breaker. Every method takes `now` so tests control the clock.
 */
export class TenantGovernor extends DurableObject {
  private sweepScheduled = false;

  /** Take `n` tokens from the named bucket, refilled continuously. */
  async take(name: string, spec: BucketSpec, n = 1, now = Date.now()): Promise<TakeResult> {
    const key = `bucket:${name}`;
    const ratePerMs = spec.capacity / (spec.windowSeconds * 1000);
    const stored = this.ctx.storage.kv.get<Bucket>(key);
    const tokens = stored ? Math.min(spec.capacity, stored.tokens + (now - stored.updatedAt) * ratePerMs) : spec.capacity;
    const allowed = tokens >= n;
    const left = allowed ? tokens - n : tokens;
    const fullAt = now + Math.ceil((spec.capacity - left) / ratePerMs);
    this.ctx.storage.kv.put(key, { tokens: left, updatedAt: now, fullAt } satisfies Bucket);
    await this.scheduleSweep();
    return {
      allowed,
      limit: spec.capacity,
      remaining: Math.floor(left),
      retryAfter: allowed ? 0 : Math.ceil((n - left) / ratePerMs / 1000),
      reset: Math.ceil((spec.capacity - left) / ratePerMs / 1000),
    };
  }

  /**
   * Takes up to `n` send permits: as many as the rolling hour, the UTC day, the UTC month and the
   * reputation breaker allow. One call per batch of messages.
   */
  async acquirePermits(caps: SendCaps, n: number, now = Date.now()): Promise<PermitGrantResult> {
    const ledger = this.sendLedger(now);
    const { pausedAt } = this.reputationLedger(now);
    const granted = Math.min(Math.max(0, Math.floor(n)), budgetOf(ledger, caps, pausedAt, now).available);
    if (granted > 0) {
      const minute = String(minuteOf(now));
      ledger.minutes[minute] = (ledger.minutes[minute] ?? 0) + granted;
      ledger.today += granted;
      ledger.thisMonth += granted;
    }
    const notices: QuotaNotice[] = [];
    if (ledger.thisMonth >= caps.monthlyQuota && ledger.reachedMonth !== ledger.month) {
      notices.push('quota_reached');
      // Reaching 100 % in one step makes the 80 % warning redundant.
      ledger.reachedMonth = ledger.warnedMonth = ledger.month;
    } else if (ledger.thisMonth >= Math.ceil(caps.monthlyQuota * QUOTA_WARNING_SHARE) && ledger.warnedMonth !== ledger.month) {
      notices.push('quota_warning');
      ledger.warnedMonth = ledger.month;
    }
    this.ctx.storage.kv.put('send', ledger);
    const after = budgetOf(ledger, caps, pausedAt, now);
    return granted < n ? { ...after, granted, notices } : { ...after, blocked: null, retryAfterSeconds: 0, granted, notices };
  }

  /** Gives back permits that were not used for a send. Permits come back within seconds, so periods are not tracked per permit. */
  async releasePermits(n: number, now = Date.now()): Promise<SendCounts> {
    const ledger = this.sendLedger(now);
    const count = Math.max(0, Math.floor(n));
    let left = count;
    // Newest first: the permits being returned are the ones just taken.
    for (const [minute, taken] of hourBuckets(ledger, now).reverse()) {
      if (left <= 0) break;
      const back = Math.min(taken, left);
      ledger.minutes[minute] = taken - back;
      left -= back;
    }
    ledger.today = Math.max(0, ledger.today - count);
    ledger.thisMonth = Math.max(0, ledger.thisMonth - count);
    this.ctx.storage.kv.put('send', ledger);
    return countsOf(ledger, now);
  }

  /** What `acquirePermits` would grant now, without taking anything. */
  async permitBudget(caps: SendCaps, now = Date.now()): Promise<PermitBudget> {
    return budgetOf(this.sendLedger(now), caps, this.reputationLedger(now).pausedAt, now);
  }

  /** The permit budget and the reputation window in one call (status pages). */
  async sendingSnapshot(caps: SendCaps, now = Date.now()): Promise<{ budget: PermitBudget; reputation: ReputationWindow }> {
    const reputation = this.reputationLedger(now);
    return { budget: budgetOf(this.sendLedger(now), caps, reputation.pausedAt, now), reputation: windowOf(reputation) };
  }

  /** Adds delivery outcomes to today's counts and says whether the owner is to be warned or sending paused. */
  async recordDeliveryOutcomes(outcome: Partial<OutcomeCounts>, now = Date.now()): Promise<ReputationVerdict> {
    const ledger = this.reputationLedger(now);
    const day = utcDayKey(now);
    const counts = ledger.days[day] ?? { sent: 0, bounced: 0, complained: 0 };
    ledger.days[day] = {
      sent: counts.sent + Math.max(0, outcome.sent ?? 0),
      bounced: counts.bounced + Math.max(0, outcome.bounced ?? 0),
      complained: counts.complained + Math.max(0, outcome.complained ?? 0),
    };
    let verdict: ReputationVerdict = { action: 'none', over: [], window: windowOf(ledger) };
    if (ledger.pausedAt === null) {
      const pause = overThreshold(verdict.window, REPUTATION_POLICY.pause);
      const warn = overThreshold(verdict.window, REPUTATION_POLICY.warn);
      if (pause.length) {
        ledger.pausedAt = now;
        verdict = { action: 'pause', over: pause, window: windowOf(ledger) };
      } else if (warn.length && ledger.warnedDay !== day) {
        ledger.warnedDay = day;
        verdict = { ...verdict, action: 'warn', over: warn };
      }
    }
    this.ctx.storage.kv.put('reputation', ledger);
    return verdict;
  }

  /**
   * Lifts a breaker pause and starts the window afresh: the outcomes that tripped it would trip it
   * again on the next send otherwise. Returns whether sending was paused.
   */
  async liftReputationPause(now = Date.now()): Promise<boolean> {
    const ledger = this.reputationLedger(now);
    const wasPaused = ledger.pausedAt !== null;
    this.ctx.storage.kv.put('reputation', { days: {}, warnedDay: ledger.warnedDay, pausedAt: null } satisfies ReputationLedger);
    return wasPaused;
  }

  private sendLedger(now: number): SendLedger {
    const stored = this.ctx.storage.kv.get<SendLedger>('send');
    const day = utcDayKey(now);
    const month = utcMonthKey(now);
    const ledger: SendLedger = stored ?? { minutes: {}, day, today: 0, month, thisMonth: 0, warnedMonth: null, reachedMonth: null };
    if (ledger.day !== day) Object.assign(ledger, { day, today: 0 });
    if (ledger.month !== month) Object.assign(ledger, { month, thisMonth: 0 });
    ledger.minutes = Object.fromEntries(hourBuckets(ledger, now).filter(([, n]) => n > 0).map(([m, n]) => [String(m), n]));
    return ledger;
  }

  private reputationLedger(now: number): ReputationLedger {
    const ledger = this.ctx.storage.kv.get<ReputationLedger>('reputation') ?? { days: {}, warnedDay: null, pausedAt: null };
    const from = utcDayKey(now - (REPUTATION_POLICY.windowDays - 1) * DAY_MS);
    ledger.days = Object.fromEntries(Object.entries(ledger.days).filter(([day]) => day >= from));
    return ledger;
  }

  private async scheduleSweep() {
    if (this.sweepScheduled) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + BUCKET_SWEEP_MS);
    this.sweepScheduled = true;
  }

  /** Deletes buckets that have refilled; keeps sweeping while any remain. */
  override async alarm() {
    const now = Date.now();
    let remaining = 0;
    for (const [key, bucket] of this.ctx.storage.kv.list<Bucket>({ prefix: 'bucket:' })) {
      // Buckets written before fullAt existed are treated as refilled.
      if ((bucket.fullAt ?? 0) <= now) this.ctx.storage.kv.delete(key);
      else remaining++;
    }
    this.sweepScheduled = false;
    if (remaining) await this.scheduleSweep();
  }
}
