import { and, eq, lte } from 'drizzle-orm';
import type { DB } from '../db/client';
import { campaigns, type CampaignSchedule } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { log, errorFields } from '../lib/log';
import { Problem } from '../lib/problem';
import { audit, type AuditInput } from './audit';
import { pinAudience } from './campaign-audience';
import { assertReady, campaignChecklist } from './campaign-checklist';
import { withPinnedVersions } from './campaign-content';
import { emitWebhookEventsSafely } from './webhook-delivery';
import { campaignRunner, contentInputOf, createCampaign, getCampaign, scheduleInstant, transition } from './campaigns';

const SYSTEM = { type: 'system', id: 'scheduler' } as const;

/**
 * Starts sending now: the checklist must pass, the template versions and the audience are pinned,
 * and the campaign's CampaignRunner takes over. From `scheduled` too (the cron's path).
 */
export async function sendCampaign(env: Env, scope: TenantScope, id: string, actor: AuditInput['actor'], now = Date.now()) {
  const current = await getCampaign(scope, id);
  if (current.status !== 'draft' && current.status !== 'scheduled') throw new Problem('conflict', `A ${current.status} campaign cannot be sent.`, { extensions: { status: current.status } });
  assertReady(await campaignChecklist(env, scope, current));
  const pinned = await withPinnedVersions(scope, current);
  const audience = await pinAudience(scope, current.audience);
  const c = await transition(scope, id, ['draft', 'scheduled'], 'sending', { templateVersion: pinned.templateVersion, abTest: pinned.abTest, startedAt: new Date(now) }, 'sent');
  await campaignRunner(env, id).start({
    campaignId: id,
    tenantId: scope.tenantId,
    audience,
    // A schedule only matters for delivery in each recipient's time zone; otherwise it has been reached.
    schedule: c.schedule?.recipient_timezone ? c.schedule : null,
    abTest: c.abTest,
    pinnedAt: now,
  });
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.sending_started', target: { type: 'campaign', id } });
  await emitWebhookEventsSafely(env, scope.db, scope.tenantId, [{ type: 'campaign.started', data: { campaign_id: id, name: c.name }, at: now }]);
  return c;
}

/** Schedules (or reschedules) for a local time in a time zone; the checklist must pass now as it would at sending. */
export async function scheduleCampaign(env: Env, scope: TenantScope, id: string, schedule: CampaignSchedule, actor: AuditInput['actor'], now = Date.now()) {
  const at = scheduleInstant(schedule, now);
  const current = await getCampaign(scope, id);
  if (current.status !== 'draft' && current.status !== 'scheduled') throw new Problem('conflict', `A ${current.status} campaign cannot be scheduled.`, { extensions: { status: current.status } });
  assertReady(await campaignChecklist(env, scope, current));
  const c = await transition(scope, id, ['draft', 'scheduled'], 'scheduled', { schedule, scheduledAt: new Date(at) }, 'scheduled');
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.scheduled', target: { type: 'campaign', id }, metadata: { ...schedule } });
  return c;
}

export async function unscheduleCampaign(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  const c = await transition(scope, id, ['scheduled'], 'draft', { schedule: null, scheduledAt: null }, 'unscheduled');
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.unscheduled', target: { type: 'campaign', id } });
  return c;
}

/** Pause, resume and cancel are the campaign's status; the runner and the consumers act on it within seconds. */
export async function pauseCampaign(env: Env, scope: TenantScope, id: string, actor: AuditInput['actor']) {
  const c = await transition(scope, id, ['sending'], 'paused', {}, 'paused');
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.paused', target: { type: 'campaign', id } });
  return c;
}

export async function resumeCampaign(env: Env, scope: TenantScope, id: string, actor: AuditInput['actor']) {
  const c = await transition(scope, id, ['paused'], 'sending', {}, 'resumed');
  await campaignRunner(env, id).wake();
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.resumed', target: { type: 'campaign', id } });
  return c;
}

export async function cancelCampaign(env: Env, scope: TenantScope, id: string, actor: AuditInput['actor'], now = Date.now()) {
  const c = await transition(scope, id, ['scheduled', 'sending', 'paused'], 'cancelled', { finishedAt: new Date(now) }, 'cancelled');
  await campaignRunner(env, id).wake();
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.cancelled', target: { type: 'campaign', id } });
  return c;
}

/** A follow-up draft to the recipients of a sent campaign who did not open it, with a new subject. */
export async function resendToUnopened(scope: TenantScope, id: string, input: { subject: string; name?: string }, actor: AuditInput['actor']) {
  const c = await getCampaign(scope, id);
  if (c.status !== 'sent') throw new Problem('conflict', 'Only a sent campaign can be resent to those who did not open it.', { extensions: { status: c.status } });
  return createCampaign(
    scope,
    {
      ...contentInputOf(c),
      name: input.name ?? `${c.name} (to unopened)`,
      audience: { unopened_of: c.id },
      subject: input.subject,
    },
    actor,
    { parentId: c.id },
  );
}

/**
 * Cron: scheduled campaigns whose time has come start. One that fails its checklist now (the domain
 * broke, the quota ran out) becomes `failed` with the reason, and its owners are told by the
 * campaign's page rather than by silence.
 */
export async function startDueCampaigns(env: Env, db: DB, now = Date.now()) {
  const due = await db.select({ id: campaigns.id, tenantId: campaigns.tenantId }).from(campaigns).where(and(eq(campaigns.status, 'scheduled'), lte(campaigns.scheduledAt, new Date(now)))).limit(50).all();
  for (const c of due) {
    const scope = tenantScope(db, c.tenantId);
    try {
      await sendCampaign(env, scope, c.id, SYSTEM, now);
    } catch (err) {
      log('warn', 'scheduled_campaign_not_started', { campaign_id: c.id, ...errorFields(err) });
      const reason = err instanceof Problem ? err.message : 'The campaign could not be started.';
      await db.update(campaigns).set({ status: 'failed', failureReason: reason, updatedAt: new Date(now) }).where(and(eq(campaigns.id, c.id), eq(campaigns.status, 'scheduled'))).run();
    }
  }
  return due.length;
}

/** Cron: every sending campaign's runner is nudged, so a runner whose alarm was lost picks up again. */
export async function wakeSendingCampaigns(env: Env, db: DB) {
  const sending = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.status, 'sending')).limit(500).all();
  await Promise.all(sending.map((c) => campaignRunner(env, c.id).wake()));
}
