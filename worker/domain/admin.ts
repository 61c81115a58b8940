import { and, count, desc, eq, gt, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { campaigns, memberships, messages, tenants, transports, type LimitOverrides } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { decodeCursor, toPage } from '../lib/pagination';
import { Problem, notFound, validationProblem } from '../lib/problem';
import { startOfUtcDay, startOfUtcMonth } from '../lib/utc-periods';
import { audit, auditStatement } from './audit';
import { campaignRunner } from './campaigns';
import { killSwitch } from './kill-switch';
import { applyOverrides, effectiveLimits, limitBlockers, limitsView, planUsage } from './plan-limits';
import { liftReputationPause, sendingStatus } from './send-permits';
import { getPlan, tenantView } from './tenants';

/** Platform operations; callers are super-admins (checked by the route). */
export async function listTenants(db: DB, page: { limit: number; cursor?: string }, status?: 'active' | 'suspended' | 'closed') {
  const after = decodeCursor(page.cursor);
  const rows = await db
    .select({ tenant: tenants, members: count(memberships.id) })
    .from(tenants)
    .leftJoin(memberships, eq(memberships.tenantId, tenants.id))
    .where(and(after ? lt(tenants.id, after) : undefined, status ? eq(tenants.status, status) : undefined))
    .groupBy(tenants.id)
    .orderBy(desc(tenants.id))
    .limit(page.limit + 1)
    .all();
  return toPage(
    rows.map((r) => ({ ...r.tenant, members: r.members })),
    page.limit,
    (t) => ({ ...tenantView(t), members: t.members }),
  );
}

export async function setTenantStatus(env: Env, db: DB, tenantId: string, status: 'active' | 'suspended', actorUserId: string, reason: string | undefined) {
  const tenant = await db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
  if (!tenant) throw notFound('Tenant');
  if (tenant.status === 'closed') throw new Problem('conflict', 'A closed tenant cannot be suspended or reactivated here.');
  const updated = (await db.update(tenants).set({ status, updatedAt: new Date() }).where(eq(tenants.id, tenantId)).returning().get())!;
  // Suspension also stops this tenant's sending at once through the kill switch.
  const ks = killSwitch(env);
  if (status === 'suspended') await ks.engage({ tenantId, reason: reason ?? 'suspended by a platform admin', by: actorUserId });
  else await ks.release({ tenantId });
  await audit(db, { tenantId, actor: { type: 'user', id: actorUserId }, action: status === 'suspended' ? 'admin.tenant_suspended' : 'admin.tenant_unsuspended', target: { type: 'tenant', id: tenantId }, metadata: reason ? { reason } : {} });
  return updated;
}

// ---------------------------------------------------------------------------------------------------
// Plans, limits, warm-up and reputation of one tenant

async function tenantOr404(db: DB, tenantId: string) {
  const tenant = await db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
  if (!tenant) throw notFound('Tenant');
  return tenant;
}

/**
 * Messages sent today and this month (UTC), of one tenant or of all: a range over the
 * (tenant_id, sent_at) index, which also serves the platform-wide count tenant by tenant.
 * A message that bounced later was still sent, so status does not matter here.
 */
async function emailsSent(db: DB, now: number, tenantId?: string) {
  const dayStart = startOfUtcDay(now);
  const row = await db
    .select({ month: count(), today: sql<number>`coalesce(sum(${messages.sentAt} >= ${dayStart}), 0)` })
    .from(messages)
    .where(
      and(
        tenantId ? eq(messages.tenantId, tenantId) : inArray(messages.tenantId, db.select({ id: tenants.id }).from(tenants)),
        gte(messages.sentAt, new Date(startOfUtcMonth(now))),
      ),
    )
    .get();
  return { today: Number(row?.today ?? 0), this_month: row?.month ?? 0 };
}

/** One tenant for the admin panel: usage against its limits (plan with overrides) and its sending status. */
export async function tenantDetail(env: Env, db: DB, tenantId: string, now = Date.now()) {
  const tenant = await tenantOr404(db, tenantId);
  const [limits, usage, sent, sending] = await Promise.all([
    effectiveLimits(db, tenantId),
    planUsage(tenantScope(db, tenantId)),
    emailsSent(db, now, tenantId),
    sendingStatus(env, db, tenantId, now),
  ]);
  return {
    ...tenantView(tenant),
    sending_started_at: tenant.sendingStartedAt?.toISOString() ?? null,
    usage: { ...usage, emails_today: sent.today, emails_this_month: sent.this_month },
    limits: limitsView(limits),
    sending,
  };
}

/** Moves a tenant to another plan unless its usage exceeds the new plan's limits (its overrides still apply). */
export async function changePlan(env: Env, db: DB, tenantId: string, planId: string, actorUserId: string) {
  const tenant = await tenantOr404(db, tenantId);
  const plan = await getPlan(db, planId);
  if (!plan) throw validationProblem([{ field: 'plan_id', message: 'no such plan' }]);
  const blockers = limitBlockers(await planUsage(tenantScope(db, tenantId)), applyOverrides(plan, tenant.limitOverrides));
  if (blockers.length) {
    const what = blockers.map((b) => `${b.used} ${b.limit} (the plan allows ${b.allowed})`).join(', ');
    throw new Problem('conflict', `The tenant uses more than the ${plan.name} plan allows: ${what}. It has to remove some first.`, { extensions: { blockers } });
  }
  if (tenant.planId !== planId) {
    await db.batch([
      db.update(tenants).set({ planId, updatedAt: new Date() }).where(eq(tenants.id, tenantId)),
      auditStatement(db, { tenantId, actor: { type: 'user', id: actorUserId }, action: 'admin.plan_changed', target: { type: 'tenant', id: tenantId }, metadata: { from: tenant.planId, to: planId } }),
    ]);
  }
  return tenantDetail(env, db, tenantId);
}

/** Replaces the tenant's overrides (an empty object: the plan's limits again). */
export async function setLimitOverrides(env: Env, db: DB, tenantId: string, overrides: LimitOverrides, actorUserId: string) {
  const tenant = await tenantOr404(db, tenantId);
  const next = Object.keys(overrides).length ? overrides : null;
  await db.batch([
    db.update(tenants).set({ limitOverrides: next, updatedAt: new Date() }).where(eq(tenants.id, tenantId)),
    auditStatement(db, { tenantId, actor: { type: 'user', id: actorUserId }, action: 'admin.limits_overridden', target: { type: 'tenant', id: tenantId }, metadata: { before: tenant.limitOverrides ?? {}, after: next ?? {} } }),
  ]);
  return tenantDetail(env, db, tenantId);
}

/**
 * `complete`: full plan rate from now on (an established sender moving to Edgepost).
 * `reset`: the warm-up starts again with the tenant's next send (e.g. after a reputation incident).
 */
export async function setWarmup(env: Env, db: DB, tenantId: string, action: 'reset' | 'complete', actorUserId: string) {
  const tenant = await tenantOr404(db, tenantId);
  const { warmup_complete: _dropped, ...rest } = tenant.limitOverrides ?? {};
  const overrides: LimitOverrides = action === 'complete' ? { ...rest, warmup_complete: true } : rest;
  await db.batch([
    db
      .update(tenants)
      .set({ limitOverrides: Object.keys(overrides).length ? overrides : null, ...(action === 'reset' ? { sendingStartedAt: null } : {}), updatedAt: new Date() })
      .where(eq(tenants.id, tenantId)),
    auditStatement(db, { tenantId, actor: { type: 'user', id: actorUserId }, action: action === 'reset' ? 'admin.warmup_reset' : 'admin.warmup_completed', target: { type: 'tenant', id: tenantId } }),
  ]);
  return tenantDetail(env, db, tenantId);
}

/** Resumes a tenant the reputation breaker paused; the window starts afresh so the same outcomes do not trip it again. */
export async function liftReputationBreaker(env: Env, db: DB, tenantId: string, actorUserId: string, now = Date.now()) {
  await tenantOr404(db, tenantId);
  if (!(await liftReputationPause(env, tenantId, now))) throw new Problem('conflict', 'Sending of this tenant is not paused by the reputation breaker.');
  await audit(db, { tenantId, actor: { type: 'user', id: actorUserId }, action: 'admin.reputation_pause_lifted', target: { type: 'tenant', id: tenantId } });
  return tenantDetail(env, db, tenantId, now);
}

// ---------------------------------------------------------------------------------------------------
// Platform overview and dead letters

const OPEN_STATUSES = ['pending', 'queued', 'sending', 'failed'] as const;
const TOP = 10;

export async function platformOverview(env: Env, db: DB, now = Date.now()) {
  const [byStatus, sent, openMessages, topFailing, failingTransports, kill] = await Promise.all([
    db.select({ status: tenants.status, n: count() }).from(tenants).groupBy(tenants.status).all(),
    emailsSent(db, now),
    db.select({ status: messages.status, n: count() }).from(messages).where(inArray(messages.status, [...OPEN_STATUSES])).groupBy(messages.status).all(),
    db
      .select({ tenant_id: messages.tenantId, name: tenants.name, failed: count() })
      .from(messages)
      .innerJoin(tenants, eq(tenants.id, messages.tenantId))
      .where(eq(messages.status, 'failed'))
      .groupBy(messages.tenantId)
      .orderBy(desc(count()))
      .limit(TOP)
      .all(),
    db
      .select({ id: transports.id, tenant_id: transports.tenantId, name: transports.name, kind: transports.kind, consecutive_failures: transports.consecutiveFailures, last_error: transports.lastError, last_failure_at: transports.lastFailureAt })
      .from(transports)
      .where(gt(transports.consecutiveFailures, 0))
      .orderBy(desc(transports.consecutiveFailures))
      .limit(TOP)
      .all(),
    killSwitch(env).status(),
  ]);
  const tenantCounts = { active: 0, suspended: 0, closed: 0, ...Object.fromEntries(byStatus.map((r) => [r.status, r.n])) };
  return {
    tenants: { total: byStatus.reduce((sum, r) => sum + r.n, 0), ...tenantCounts },
    emails_sent: sent,
    messages: Object.fromEntries(OPEN_STATUSES.map((st) => [st, openMessages.find((r) => r.status === st)?.n ?? 0])) as Record<(typeof OPEN_STATUSES)[number], number>,
    kill_switch: kill,
    top_failing_tenants: topFailing,
    failing_transports: failingTransports.map((t) => ({ ...t, last_failure_at: t.last_failure_at?.toISOString() ?? null })),
  };
}

/** Messages that exhausted their retries, across tenants, newest first. */
export async function listDeadLetters(db: DB, page: { limit: number; cursor?: string }, filter: { tenantId?: string; campaignId?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await db
    .select({
      id: messages.id,
      tenant_id: messages.tenantId,
      tenant_name: tenants.name,
      campaign_id: messages.campaignId,
      campaign_name: campaigns.name,
      email: messages.email,
      stream: messages.stream,
      attempts: messages.attempts,
      error: messages.error,
      created_at: messages.createdAt,
    })
    .from(messages)
    .innerJoin(tenants, eq(tenants.id, messages.tenantId))
    .leftJoin(campaigns, eq(campaigns.id, messages.campaignId))
    .where(
      and(
        eq(messages.status, 'failed'),
        after ? lt(messages.id, after) : undefined,
        filter.tenantId ? eq(messages.tenantId, filter.tenantId) : undefined,
        filter.campaignId ? eq(messages.campaignId, filter.campaignId) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(page.limit + 1)
    .all();
  return toPage(rows, page.limit, (r) => ({ ...r, created_at: r.created_at.toISOString() }));
}

/**
 * Puts failed campaign messages back to pending (attempts reset, error cleared) and wakes each
 * campaign's runner, which dispatches pending rows again (a finished campaign is sending again until
 * they settle). Rows not failed (already sent, say) are
 * left alone, and so are transactional messages: no runner re-dispatches those.
 */
export async function replayDeadLetters(env: Env, db: DB, target: { message_ids: string[] } | { campaign_id: string }, actorUserId: string) {
  const which = 'message_ids' in target ? inArray(messages.id, target.message_ids) : eq(messages.campaignId, target.campaign_id);
  const rows = await db
    .update(messages)
    .set({ status: 'pending', attempts: 0, error: null, claimedAt: null, queuedAt: null })
    .where(and(which, eq(messages.status, 'failed'), isNotNull(messages.campaignId)))
    .returning({ id: messages.id, tenantId: messages.tenantId, campaignId: messages.campaignId })
    .all();
  const campaignIds = [...new Set(rows.map((r) => r.campaignId!))];
  // Each tenant's audit log shows what was replayed of its messages.
  for (const tenantId of new Set(rows.map((r) => r.tenantId))) {
    const mine = rows.filter((r) => r.tenantId === tenantId);
    await audit(db, { tenantId, actor: { type: 'user', id: actorUserId }, action: 'admin.dead_letters_replayed', metadata: { count: mine.length, campaign_ids: [...new Set(mine.map((r) => r.campaignId))] } });
  }
  // A campaign that finished with these messages failed is sending again until they settle.
  if (campaignIds.length) {
    await db.update(campaigns).set({ status: 'sending', finishedAt: null, updatedAt: new Date() }).where(and(inArray(campaigns.id, campaignIds), eq(campaigns.status, 'sent'))).run();
  }
  for (const id of campaignIds) await campaignRunner(env, id).wake();
  const replayedIds = new Set(rows.map((r) => r.id));
  return {
    replayed: rows.length,
    campaign_ids: campaignIds,
    not_replayed: 'message_ids' in target ? target.message_ids.filter((id) => !replayedIds.has(id)) : [],
  };
}
