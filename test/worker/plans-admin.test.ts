import { env } from 'cloudflare:test';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { auditLog, campaigns, contacts, messages, tenants, type MessageStatus } from '../../worker/db/schema';
import { killSwitch } from '../../worker/domain/kill-switch';
import { acquireSendPermits, recordDeliveryOutcomes, sendingLimits } from '../../worker/domain/send-permits';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { startOfUtcDay, startOfUtcMonth } from '../../worker/lib/utc-periods';
import { addDomain } from './domain-helpers';
import { addMember, call, expectProblem, paidTenant, setPlan, signupTenant, uniqueEmail } from './helpers';
import { superAdminSession } from './super-admin';

const db = getDb(env);

async function insertContacts(tenantId: string, n: number) {
  const rows = Array.from({ length: n }, (_, i) => ({ id: newId(ID_PREFIX.contact), tenantId, email: `c${i}-${crypto.randomUUID()}@example.com` }));
  // Six bound parameters a row (drizzle binds the defaults too), within D1's 100 per statement.
  for (let i = 0; i < rows.length; i += 16) await db.insert(contacts).values(rows.slice(i, i + 16)).run();
}

async function insertCampaign(tenantId: string, name = 'Autumn sale') {
  const id = newId(ID_PREFIX.campaign);
  await db.insert(campaigns).values({ id, tenantId, name, status: 'sent', audience: { all: true } }).run();
  return id;
}

/** Message ids one millisecond apart, so newest-first order is the order of insertion. */
let clock = Date.now();
async function insertMessage(tenantId: string, values: { status: MessageStatus; campaignId?: string | null; sentAt?: Date; error?: string; attempts?: number }) {
  const id = newId(ID_PREFIX.message, ++clock);
  await db.insert(messages).values({ id, tenantId, email: uniqueEmail('rcpt'), sendAfter: new Date(), ...values }).run();
  return id;
}

const admin = (path: string, body?: unknown, method?: string) => superAdminSession().then((a) => call(path, { token: a.token, body, method }));
const auditOf = (tenantId: string, action: string) => db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action))).all();

describe('admin: one tenant', () => {
  it('shows usage, emails sent today and this month, limits with overrides and the sending status', async () => {
    const owner = await paidTenant('Usage Co');
    await insertContacts(owner.tenantId, 3);
    const now = Date.now();
    for (let i = 0; i < 3; i++) await insertMessage(owner.tenantId, { status: 'sent', sentAt: new Date(now) });
    await insertMessage(owner.tenantId, { status: 'bounced', sentAt: new Date(startOfUtcMonth(now)) });
    await insertMessage(owner.tenantId, { status: 'sent', sentAt: new Date(startOfUtcMonth(now) - 1) });
    await insertMessage(owner.tenantId, { status: 'pending' });
    const res = await admin(`/v1/admin/tenants/${owner.tenantId}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: owner.tenantId,
      plan: 'pro',
      sending_started_at: null,
      usage: { contacts: 3, users: 1, domains: 0, emails_today: startOfUtcMonth(now) >= startOfUtcDay(now) ? 4 : 3, emails_this_month: 4 },
      limits: { plan: 'pro', max_contacts: 100_000, monthly_emails: 250_000, warmup_complete: false, overrides: {} },
      sending: { plan: { id: 'pro' }, rate_per_hour: 50, warmup: { stage: 'not_started' } },
    });
    expectProblem(await admin('/v1/admin/tenants/ten_missing'), 404, 'not-found');
  });

  it('is for super-admins only', async () => {
    const owner = await signupTenant('Curious Co');
    for (const [path, body] of [
      [`/v1/admin/tenants/${owner.tenantId}`, undefined],
      [`/v1/admin/tenants/${owner.tenantId}/plan`, { plan_id: 'enterprise' }],
      [`/v1/admin/tenants/${owner.tenantId}/warmup`, { action: 'complete' }],
      [`/v1/admin/tenants/${owner.tenantId}/reputation/lift`, {}],
      ['/v1/admin/overview', undefined],
    ] as const) {
      expectProblem(await call(path, { token: owner.token, body }), 403, 'forbidden');
    }
    expectProblem(await call(`/v1/admin/tenants/${owner.tenantId}/overrides`, { method: 'PUT', token: owner.token, body: { max_users: 50 } }), 403, 'forbidden');
    expect((await db.select({ plan: tenants.planId }).from(tenants).where(eq(tenants.id, owner.tenantId)).get())?.plan).toBe('free');
  });
});

describe('admin: plan changes', () => {
  it('refuses a downgrade the usage does not fit, listing each blocker, and allows one that fits', async () => {
    const owner = await paidTenant('Downgrade Co');
    await addMember(owner.tenantId, 'editor');
    await insertContacts(owner.tenantId, 501);
    await addDomain(owner);

    const refused = await admin(`/v1/admin/tenants/${owner.tenantId}/plan`, { plan_id: 'free' });
    expectProblem(refused, 409, 'conflict');
    expect(refused.json.blockers).toEqual([
      { limit: 'contacts', used: 501, allowed: 500 },
      { limit: 'users', used: 2, allowed: 1 },
      { limit: 'domains', used: 1, allowed: 0 },
    ]);
    expect(refused.json.detail).toContain('501 contacts (the plan allows 500)');
    expect((await admin(`/v1/admin/tenants/${owner.tenantId}`)).json.plan).toBe('pro');

    const moved = await admin(`/v1/admin/tenants/${owner.tenantId}/plan`, { plan_id: 'starter' });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ plan: 'starter', limits: { plan: 'starter', max_contacts: 10_000, max_users: 3 }, usage: { contacts: 501, users: 2, domains: 1 } });
    expect((await auditOf(owner.tenantId, 'admin.plan_changed'))[0]?.metadata).toEqual({ from: 'pro', to: 'starter' });

    expectProblem(await admin(`/v1/admin/tenants/${owner.tenantId}/plan`, { plan_id: 'platinum' }), 400, 'validation-error');
  });

  it('keeps the overrides on the new plan when checking a downgrade', async () => {
    const owner = await paidTenant('Override Keeper');
    await addMember(owner.tenantId, 'viewer');
    expectProblem(await admin(`/v1/admin/tenants/${owner.tenantId}/plan`, { plan_id: 'free' }), 409, 'conflict');
    await admin(`/v1/admin/tenants/${owner.tenantId}/overrides`, { max_users: 2 }, 'PUT');
    const moved = await admin(`/v1/admin/tenants/${owner.tenantId}/plan`, { plan_id: 'free' });
    expect(moved.json).toMatchObject({ plan: 'free', limits: { max_users: 2, max_contacts: 500 } });
  });
});

describe('admin: overrides and warm-up', () => {
  it('change the limits every check reads, and an empty object restores the plan', async () => {
    const owner = await signupTenant('Override Co');
    const invite = (label: string) => call('/v1/members/invitations', { token: owner.token, body: { email: uniqueEmail(label), role: 'editor' } });
    expectProblem(await invite('first'), 409, 'conflict');
    const create = (label: string) => call('/v1/contacts', { token: owner.token, body: { email: uniqueEmail(label) } });

    const overrides = { max_users: 2, max_contacts: 1, monthly_emails: 5000, send_rate_per_hour: 300, warmup_complete: true };
    const res = await admin(`/v1/admin/tenants/${owner.tenantId}/overrides`, overrides, 'PUT');
    expect(res.status).toBe(200);
    expect(res.json.limits).toMatchObject({ plan: 'free', max_users: 2, max_contacts: 1, monthly_emails: 5000, send_rate_per_hour: 300, warmup_complete: true, overrides });
    expect(res.json.sending).toMatchObject({ rate_per_hour: 300, warmup: { stage: 'complete' }, month: { limit: 5000 } });
    expect((await invite('second')).status).toBe(201);
    expect((await create('one')).status).toBe(201);
    expectProblem(await create('two'), 409, 'conflict');
    expect((await auditOf(owner.tenantId, 'admin.limits_overridden'))[0]?.metadata).toEqual({ before: {}, after: overrides });

    const cleared = await admin(`/v1/admin/tenants/${owner.tenantId}/overrides`, {}, 'PUT');
    expect(cleared.json.limits).toMatchObject({ max_users: 1, max_contacts: 500, send_rate_per_hour: 50, warmup_complete: false, overrides: {} });
  });

  it('raise the number of custom domains on plans that have them', async () => {
    const owner = await paidTenant('Domains Co');
    await setPlan(owner.tenantId, 'starter');
    await addDomain(owner);
    expectProblem(await call('/v1/domains', { token: owner.token, body: { domain: `second-${crypto.randomUUID().slice(0, 8)}.test` } }), 409, 'conflict');
    await admin(`/v1/admin/tenants/${owner.tenantId}/overrides`, { max_domains: 2 }, 'PUT');
    await addDomain(owner);
  });

  it('are validated', async () => {
    const owner = await signupTenant('Invalid Co');
    const put = (body: unknown) => admin(`/v1/admin/tenants/${owner.tenantId}/overrides`, body, 'PUT');
    expectProblem(await put({ max_users: -1 }), 400, 'validation-error');
    expectProblem(await put({ send_rate_per_hour: 0 }), 400, 'validation-error');
    expectProblem(await put({ max_users: 2.5 }), 400, 'validation-error');
    expectProblem(await put({ unlimited: true }), 400, 'validation-error');
    expectProblem(await put({ warmup_complete: 'yes' }), 400, 'validation-error');
    expectProblem(await admin(`/v1/admin/tenants/${owner.tenantId}/warmup`, { action: 'skip' }), 400, 'validation-error');
  });

  it('complete skips the warm-up; reset starts it again with the next send', async () => {
    const owner = await paidTenant('Warm Co');
    const l = await sendingLimits(db, owner.tenantId);
    await acquireSendPermits(env, db, owner.tenantId, l, 1);
    expect((await admin(`/v1/admin/tenants/${owner.tenantId}`)).json.sending_started_at).not.toBeNull();

    const completed = await admin(`/v1/admin/tenants/${owner.tenantId}/warmup`, { action: 'complete' });
    expect(completed.json).toMatchObject({ limits: { warmup_complete: true }, sending: { rate_per_hour: 20_000, warmup: { stage: 'complete' } } });

    const reset = await admin(`/v1/admin/tenants/${owner.tenantId}/warmup`, { action: 'reset' });
    expect(reset.json).toMatchObject({ sending_started_at: null, limits: { warmup_complete: false, overrides: {} }, sending: { rate_per_hour: 50, warmup: { stage: 'not_started' } } });
    expect(await auditOf(owner.tenantId, 'admin.warmup_completed')).toHaveLength(1);
    expect(await auditOf(owner.tenantId, 'admin.warmup_reset')).toHaveLength(1);
  });
});

describe('admin: reputation breaker', () => {
  it('a lift resumes a paused tenant and the same window does not pause it again', async () => {
    const owner = await paidTenant('Recovering Co');
    const limits = { ...(await sendingLimits(db, owner.tenantId)), warmupComplete: true };
    expectProblem(await admin(`/v1/admin/tenants/${owner.tenantId}/reputation/lift`, {}), 409, 'conflict');

    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 400, bounced: 40 });
    expect((await acquireSendPermits(env, db, owner.tenantId, limits, 5)).blocked).toBe('reputation');
    expect((await killSwitch(env).status()).tenants[owner.tenantId]?.reason).toBe('reputation');

    const lifted = await admin(`/v1/admin/tenants/${owner.tenantId}/reputation/lift`, {});
    expect(lifted.status).toBe(200);
    expect(lifted.json.sending).toMatchObject({ reputation: { state: 'ok', sent: 0 }, stopped: { engaged: false } });
    expect((await killSwitch(env).status()).tenants[owner.tenantId]).toBeUndefined();
    expect((await acquireSendPermits(env, db, owner.tenantId, limits, 5)).granted).toBe(5);
    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 5, bounced: 1 });
    expect((await acquireSendPermits(env, db, owner.tenantId, limits, 5)).granted).toBe(5);
    expect(await auditOf(owner.tenantId, 'admin.reputation_pause_lifted')).toHaveLength(1);
  });

  it('does not release a suspension', async () => {
    const owner = await signupTenant('Suspended And Bouncing');
    expect((await admin(`/v1/admin/tenants/${owner.tenantId}/suspend`, { reason: 'unpaid invoices' })).status).toBe(200);
    await recordDeliveryOutcomes(env, db, owner.tenantId, { sent: 400, bounced: 40 });
    expect((await admin(`/v1/admin/tenants/${owner.tenantId}/reputation/lift`, {})).status).toBe(200);
    expect((await killSwitch(env).status()).tenants[owner.tenantId]).toMatchObject({ engaged: true, reason: 'unpaid invoices' });
  });
});

describe('admin: platform overview and dead letters', () => {
  it('counts tenants, emails sent and open messages across the platform', async () => {
    const before = (await admin('/v1/admin/overview')).json;
    const [a, b] = [await signupTenant('Overview A'), await signupTenant('Overview B')];
    await admin(`/v1/admin/tenants/${b.tenantId}/suspend`, { reason: 'overview test' });
    await insertMessage(a.tenantId, { status: 'sent', sentAt: new Date() });
    await insertMessage(b.tenantId, { status: 'sent', sentAt: new Date() });
    for (let i = 0; i < 25; i++) await insertMessage(b.tenantId, { status: 'failed', error: '421 try later' });
    await insertMessage(a.tenantId, { status: 'queued' });
    await insertMessage(a.tenantId, { status: 'pending' });

    const after = (await admin('/v1/admin/overview')).json;
    expect(after.tenants.total - before.tenants.total).toBe(2);
    expect(after.tenants.active - before.tenants.active).toBe(1);
    expect(after.tenants.suspended - before.tenants.suspended).toBe(1);
    expect(after.emails_sent.today - before.emails_sent.today).toBe(2);
    expect(after.emails_sent.this_month - before.emails_sent.this_month).toBe(2);
    expect(after.messages.failed - before.messages.failed).toBe(25);
    expect(after.messages.queued - before.messages.queued).toBe(1);
    expect(after.messages.pending - before.messages.pending).toBe(1);
    expect(after.top_failing_tenants[0]).toEqual({ tenant_id: b.tenantId, name: 'Overview B', failed: 25 });
    expect(after.kill_switch.global.engaged).toBe(false);
  });

  it('lists failed messages across tenants newest first and replays them to pending, for super-admins only', async () => {
    const [a, b] = [await signupTenant('Dead A'), await signupTenant('Dead B')];
    const [campaignA, campaignB] = [await insertCampaign(a.tenantId, 'A news'), await insertCampaign(b.tenantId, 'B news')];
    const failedA = await insertMessage(a.tenantId, { status: 'failed', campaignId: campaignA, error: '451 greylisted', attempts: 8 });
    const failedB1 = await insertMessage(b.tenantId, { status: 'failed', campaignId: campaignB, error: '421 try later', attempts: 8 });
    const failedB2 = await insertMessage(b.tenantId, { status: 'failed', campaignId: campaignB, error: '421 try later', attempts: 8 });
    const sentB = await insertMessage(b.tenantId, { status: 'sent', campaignId: campaignB, sentAt: new Date() });
    const transactional = await insertMessage(a.tenantId, { status: 'failed', error: 'timeout' });

    expectProblem(await call('/v1/admin/dead-letters', { token: a.token }), 403, 'forbidden');
    expectProblem(await call('/v1/admin/dead-letters/replay', { token: a.token, body: { campaign_id: campaignA } }), 403, 'forbidden');

    const list = await admin('/v1/admin/dead-letters?limit=100');
    const ids = list.json.data.map((m: { id: string }) => m.id);
    expect(ids.indexOf(transactional)).toBeLessThan(ids.indexOf(failedB2));
    expect(ids.indexOf(failedB2)).toBeLessThan(ids.indexOf(failedB1));
    expect(ids.indexOf(failedB1)).toBeLessThan(ids.indexOf(failedA));
    expect(ids).not.toContain(sentB);
    expect(list.json.data.find((m: { id: string }) => m.id === failedA)).toMatchObject({ tenant_id: a.tenantId, tenant_name: 'Dead A', campaign_id: campaignA, campaign_name: 'A news', error: '451 greylisted', attempts: 8 });
    const page = await admin(`/v1/admin/dead-letters?limit=1&tenant_id=${b.tenantId}`);
    expect(page.json.data.map((m: { id: string }) => m.id)).toEqual([failedB2]);
    expect((await admin(`/v1/admin/dead-letters?limit=1&tenant_id=${b.tenantId}&cursor=${page.json.next_cursor}`)).json.data[0].id).toBe(failedB1);

    const byIds = await admin('/v1/admin/dead-letters/replay', { message_ids: [failedA, sentB, transactional] });
    expect(byIds.json).toEqual({ replayed: 1, campaign_ids: [campaignA], not_replayed: [sentB, transactional] });
    const byCampaign = await admin('/v1/admin/dead-letters/replay', { campaign_id: campaignB });
    expect(byCampaign.json).toMatchObject({ replayed: 2, campaign_ids: [campaignB] });

    const rows = await db.select().from(messages).where(inArray(messages.id, [failedA, failedB1, failedB2, sentB, transactional])).all();
    const state = Object.fromEntries(rows.map((r) => [r.id, { status: r.status, attempts: r.attempts, error: r.error }]));
    for (const id of [failedA, failedB1, failedB2]) expect(state[id]).toEqual({ status: 'pending', attempts: 0, error: null });
    expect(state[sentB]?.status).toBe('sent');
    expect(state[transactional]?.status).toBe('failed');
    expect((await auditOf(b.tenantId, 'admin.dead_letters_replayed'))[0]?.metadata).toEqual({ count: 2, campaign_ids: [campaignB] });
    expectProblem(await admin('/v1/admin/dead-letters/replay', { message_ids: [] }), 400, 'validation-error');
  });
});
