import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { auditLog, notifications, tenants } from '../../worker/db/schema';
import { killSwitch } from '../../worker/domain/kill-switch';
import {
  acquireSendPermits,
  effectiveRatePerHour,
  recordDeliveryOutcomes,
  releaseSendPermits,
  sendBudget,
  sendEstimate,
  sendingLimits,
  sendingStatus,
  type SendLimits,
} from '../../worker/domain/send-permits';
import { addMember, call, setPlan, signupTenant, waitForEmail } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;
/** A Monday, 09:00 UTC, mid-month: far from day and month boundaries unless a test moves there. */
const T0 = Date.UTC(2026, 10, 16, 9, 0);
const db = getDb(env);

const limits = (over: Partial<SendLimits> = {}): SendLimits => ({
  ratePerHour: 2000,
  dailyCap: 1_000_000,
  monthlyQuota: 10_000_000,
  warmupStartedAt: null,
  warmupComplete: false,
  planId: 'starter',
  planName: 'Starter',
  ...over,
});
/** A governor of its own: permit tests that need no tenant row use a fresh id. */
const freshTenantId = () => `ten_test_${crypto.randomUUID()}`;

async function notificationsOf(tenantId: string, kind: string) {
  return db.select().from(notifications).where(and(eq(notifications.tenantId, tenantId), eq(notifications.kind, kind))).all();
}

describe('warm-up', () => {
  it('grants 50 of 60 asked in the first hour of day 1 and marks the first send', async () => {
    const owner = await signupTenant('Warmup Day One');
    const l = limits();
    const grants = [];
    for (let i = 0; i < 6; i++) grants.push(await acquireSendPermits(env, db, owner.tenantId, l, 10, T0 + i * 10 * MINUTE));
    expect(grants.map((g) => g.granted)).toEqual([10, 10, 10, 10, 10, 0]);
    // The first 10 leave the rolling hour at T0 + 60 min: 10 minutes after the refused ask.
    expect(grants[5]).toMatchObject({ blocked: 'rate', retryAfterSeconds: 600 });
    expect((await acquireSendPermits(env, db, owner.tenantId, l, 60, T0 + 60 * MINUTE)).granted).toBe(10);
    const row = await db.select({ started: tenants.sendingStartedAt }).from(tenants).where(eq(tenants.id, owner.tenantId)).get();
    expect(row?.started?.getTime()).toBe(T0);
  });

  it('steps up to 200/h on day 4 and to the plan rate on day 8, never above the plan rate', async () => {
    const day5 = await acquireSendPermits(env, db, freshTenantId(), limits({ warmupStartedAt: T0 - 4 * DAY }), 250, T0);
    expect(day5).toMatchObject({ granted: 200, blocked: 'rate' });
    const day8 = await acquireSendPermits(env, db, freshTenantId(), limits({ warmupStartedAt: T0 - 7 * DAY }), 3000, T0);
    expect(day8).toMatchObject({ granted: 2000, blocked: 'rate' });

    const started = limits({ warmupStartedAt: T0 });
    expect(effectiveRatePerHour(started, T0 + 3 * DAY - 1)).toBe(50);
    expect(effectiveRatePerHour(started, T0 + 3 * DAY)).toBe(200);
    expect(effectiveRatePerHour(started, T0 + 7 * DAY - 1)).toBe(200);
    expect(effectiveRatePerHour(started, T0 + 7 * DAY)).toBe(2000);
    expect(effectiveRatePerHour({ ...started, ratePerHour: 120 }, T0 + 5 * DAY)).toBe(120);
    expect(effectiveRatePerHour({ ...started, warmupComplete: true }, T0)).toBe(2000);
    // Not started yet: day 1, whatever the date.
    expect(effectiveRatePerHour(limits(), T0 + 30 * DAY)).toBe(50);
  });
});

describe('daily cap and monthly quota', () => {
  it('stop grants at the daily cap until UTC midnight', async () => {
    const tenantId = freshTenantId();
    const l = limits({ warmupComplete: true, dailyCap: 120 });
    expect((await acquireSendPermits(env, db, tenantId, l, 100, T0)).granted).toBe(100);
    const capped = await acquireSendPermits(env, db, tenantId, l, 50, T0 + HOUR);
    expect(capped).toMatchObject({ granted: 20, blocked: 'daily_cap', retryAfterSeconds: (Date.UTC(2026, 10, 17) - (T0 + HOUR)) / 1000 });
    expect((await acquireSendPermits(env, db, tenantId, l, 50, Date.UTC(2026, 10, 17, 0, 1))).granted).toBe(50);
  });

  it('warn at 80 % and block at 100 % of the monthly quota, notifying each once a month', async () => {
    const owner = await signupTenant('Quota Co');
    const l = limits({ warmupComplete: true, monthlyQuota: 100, planName: 'Free' });
    const take = (n: number, at = T0) => acquireSendPermits(env, db, owner.tenantId, l, n, at);
    expect((await take(79)).granted).toBe(79);
    expect(await notificationsOf(owner.tenantId, 'quota_warning')).toHaveLength(0);
    await take(1);
    await take(5);
    const warnings = await notificationsOf(owner.tenantId, 'quota_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.title).toBe('You have used 80% of your monthly email quota');

    const last = await take(30);
    expect(last).toMatchObject({ granted: 15, blocked: 'monthly_quota', retryAfterSeconds: (Date.UTC(2026, 11, 1) - T0) / 1000 });
    expect(await take(10)).toMatchObject({ granted: 0, blocked: 'monthly_quota' });
    expect(await notificationsOf(owner.tenantId, 'quota_reached')).toHaveLength(1);
    expect(await notificationsOf(owner.tenantId, 'quota_warning')).toHaveLength(1);
    await waitForEmail(owner.email, /used 80% of your monthly email quota/);
    const mail = await waitForEmail(owner.email, /Monthly email quota reached/);
    expect(mail.text).toContain('1 December 2026');

    // A new month: the quota is fresh.
    expect((await take(10, Date.UTC(2026, 11, 1, 0, 5))).granted).toBe(10);
  });

  it('count only sends: released permits go back to the hour, the day and the month', async () => {
    const owner = await signupTenant('Release Co');
    await setPlan(owner.tenantId, 'pro');
    const l = await sendingLimits(db, owner.tenantId);
    const now = Date.now();
    expect((await acquireSendPermits(env, db, owner.tenantId, l, 50, now)).granted).toBe(50);
    expect(await sendBudget(env, owner.tenantId, l, now)).toMatchObject({ available: 0, blocked: 'rate' });
    await releaseSendPermits(env, owner.tenantId, 20, now);
    expect((await sendBudget(env, owner.tenantId, l, now)).available).toBe(20);
    const status = await sendingStatus(env, db, owner.tenantId, now);
    expect(status.hour).toEqual({ sent: 30, limit: 50 });
    expect(status.today.sent).toBe(30);
    expect(status.month).toMatchObject({ sent: 30, limit: 250_000 });
  });
});

describe('reputation breaker', () => {
  it('warns over 2 % bounces once a day, and not below the minimum sample', async () => {
    const owner = await signupTenant('Bouncy Co');
    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 40, bounced: 4 }, T0);
    expect(await notificationsOf(owner.tenantId, 'reputation_warning')).toHaveLength(0);
    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 160 }, T0);
    // 4 of 200: exactly 2 %, not over it.
    expect(await notificationsOf(owner.tenantId, 'reputation_warning')).toHaveLength(0);
    await recordDeliveryOutcomes(env, db, owner.tenantId, { bounced: 1 }, T0);
    await recordDeliveryOutcomes(env, db, owner.tenantId, { bounced: 1 }, T0 + HOUR);
    const warnings = await notificationsOf(owner.tenantId, 'reputation_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.title).toBe('Clean your list: bounce rate 2.5%');
    await recordDeliveryOutcomes(env, db, owner.tenantId, { bounced: 1 }, T0 + DAY);
    expect(await notificationsOf(owner.tenantId, 'reputation_warning')).toHaveLength(2);
    expect((await killSwitch(env).status()).tenants[owner.tenantId]).toBeUndefined();
    await waitForEmail(owner.email, /Clean your list/);
  });

  it('pauses over 5 % bounces only from 200 sent: permits stop and the tenant kill switch is engaged', async () => {
    const owner = await signupTenant('Spam Trap Co');
    const l = limits({ warmupComplete: true });
    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 150, bounced: 15 }, T0);
    expect((await acquireSendPermits(env, db, owner.tenantId, l, 10, T0)).granted).toBe(10);
    expect(await notificationsOf(owner.tenantId, 'sending_paused')).toHaveLength(0);

    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 50 }, T0);
    expect(await acquireSendPermits(env, db, owner.tenantId, l, 10, T0)).toMatchObject({ granted: 0, blocked: 'reputation' });
    expect((await killSwitch(env).status()).tenants[owner.tenantId]).toMatchObject({ engaged: true, reason: 'reputation', by: 'system' });
    const paused = await notificationsOf(owner.tenantId, 'sending_paused');
    expect(paused).toHaveLength(1);
    expect(paused[0]!.title).toBe('Sending paused: bounce rate 7.5%');
    const audited = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, owner.tenantId), eq(auditLog.action, 'sending.paused_by_reputation'))).all();
    expect(audited).toHaveLength(1);
    // Tripping again while paused changes nothing.
    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 10, bounced: 10 }, T0);
    expect(await notificationsOf(owner.tenantId, 'sending_paused')).toHaveLength(1);
    const status = await sendingStatus(env, db, owner.tenantId, T0);
    expect(status.reputation).toMatchObject({ state: 'paused', bounce_level: 'critical', sent: 210 });
    expect(status.stopped).toEqual({ engaged: true, scope: 'tenant', reason: 'reputation' });
  });

  it('pauses over 0.3 % complaints and only warns between 0.1 % and 0.3 %', async () => {
    const warned = await signupTenant('Complained A');
    await recordDeliveryOutcomes(env, db, warned.tenantId, { sent: 1000, complained: 2 }, T0);
    expect(await notificationsOf(warned.tenantId, 'reputation_warning')).toHaveLength(1);
    expect(await notificationsOf(warned.tenantId, 'sending_paused')).toHaveLength(0);

    const paused = await signupTenant('Complained B');
    await recordDeliveryOutcomes(env, db, paused.tenantId, { sent: 1000, complained: 4 }, T0);
    expect((await notificationsOf(paused.tenantId, 'sending_paused'))[0]!.title).toBe('Sending paused: complaint rate 0.40%');
    expect((await sendBudget(env, paused.tenantId, limits(), T0)).blocked).toBe('reputation');
  });

  it('keeps an admin suspension as the reason when the breaker trips on a suspended tenant', async () => {
    const owner = await signupTenant('Suspended Co');
    await killSwitch(env).engage({ tenantId: owner.tenantId, reason: 'terms violation', by: 'usr_admin' });
    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 300, bounced: 100 }, T0);
    expect((await killSwitch(env).status()).tenants[owner.tenantId]).toMatchObject({ reason: 'terms violation' });
  });
});

describe('delivery estimate', () => {
  it('steps up with the warm-up: 4,700 messages from a first send take 77.5 h, not the 94 h of a flat 50/h', () => {
    const midnight = Date.UTC(2026, 10, 16);
    expect(sendEstimate(limits({ dailyCap: 5000 }), 4700, midnight)).toEqual({ hours: 77.5, ratePerHour: 50, text: 'Sending at 50/h — 78 h remaining' });
  });

  it('waits for UTC midnight whenever the daily cap runs out', () => {
    const midnight = Date.UTC(2026, 10, 16);
    const free = limits({ ratePerHour: 50, dailyCap: 200, warmupComplete: true });
    // 200 on each of two days (4 h each), then 50 in the first hour of the third.
    expect(sendEstimate(free, 450, midnight)).toMatchObject({ hours: 49, text: 'Sending at 50/h — 49 h remaining' });
    // 150 already sent today: 50 left today, then 200 tomorrow.
    expect(sendEstimate(free, 250, midnight, 150).hours).toBe(28);
  });

  it('says when nothing is left or the limits allow nothing, and stays quick for huge audiences', () => {
    expect(sendEstimate(limits(), 0, T0)).toMatchObject({ hours: 0, text: 'Sending at 50/h — nothing left to send' });
    expect(sendEstimate(limits({ dailyCap: 0 }), 10, T0).text).toBe('Sending at 50/h — stopped by the plan’s limits');
    const pro = limits({ ratePerHour: 20_000, dailyCap: 50_000, warmupComplete: true });
    expect(sendEstimate(pro, 5_000_000, Date.UTC(2026, 10, 16)).hours).toBe(99 * 24 + 2.5);
    expect(sendEstimate(pro, 40_000, T0).text).toBe('Sending at 20,000/h — 2 h remaining');
  });
});

describe('GET /v1/sending/status and /v1/plans', () => {
  it('show a new tenant at the start of its warm-up, to any member', async () => {
    const owner = await signupTenant('Status Co');
    await setPlan(owner.tenantId, 'starter');
    const viewer = await addMember(owner.tenantId, 'viewer');
    const res = await call('/v1/sending/status', { token: viewer.token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      plan: { id: 'starter', name: 'Starter' },
      rate_per_hour: 50,
      plan_rate_per_hour: 2000,
      warmup: { stage: 'not_started', day: 1, days_left: 7, started_at: null, next_rate_per_hour: 200 },
      schedule: [{ starts_in_hours: 0, rate_per_hour: 50 }, { starts_in_hours: 72, rate_per_hour: 200 }, { starts_in_hours: 168, rate_per_hour: 2000 }],
      month: { sent: 0, limit: 25_000, percent: 0 },
      available_now: 50,
      blocked: null,
      reputation: { state: 'ok', sent: 0, bounce_rate: 0 },
      stopped: { engaged: false },
    });
  });

  it('lists the plans cheapest first with the caller’s current plan', async () => {
    const owner = await signupTenant('Plans Co');
    const res = await call('/v1/plans', { token: owner.token });
    expect(res.json.current_plan_id).toBe('free');
    expect(res.json.data.map((p: { id: string }) => p.id)).toEqual(['free', 'starter', 'pro', 'enterprise']);
    expect(res.json.data[0]).toEqual({
      id: 'free', name: 'Free', max_contacts: 500, monthly_emails: 1000, daily_emails: 200, max_users: 1, max_domains: 0,
      custom_domains: false, api_rate_per_minute: 60, send_rate_per_hour: 50,
    });
    expect((await call('/v1/plans')).status).toBe(401);
  });
});
