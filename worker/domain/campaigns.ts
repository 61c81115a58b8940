import { and, count, eq, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import { campaigns, messages, templates, type AbTest, type Campaign, type CampaignAudience, type CampaignSchedule, type CampaignStatus, type MessageStatus } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { ID_PREFIX, newId } from '../lib/ids';
import { notFound, Problem, validationProblem } from '../lib/problem';
import { audit, type AuditInput } from './audit';
import { pinAudience } from './campaign-audience';
import { isTimeZone, scheduleStart } from './campaign-schedule';
import { RESTORE_WINDOW_MS } from './contacts';

export interface CampaignInput {
  name: string;
  audience: CampaignAudience;
  template_id: string | null;
  subject?: string | null;
  preheader?: string | null;
  from_name?: string | null;
  from_email?: string | null;
  reply_to?: string | null;
  track_opens?: boolean;
  track_clicks?: boolean;
  ab_test?: Pick<AbTest, 'variants' | 'test_percent' | 'metric' | 'wait_hours'> | null;
}

export const campaignRunner = (env: Env, campaignId: string) => env.CAMPAIGN_RUNNER.get(env.CAMPAIGN_RUNNER.idFromName(campaignId));

/** The content and sender settings a copy or a follow-up takes over from its campaign. */
export const contentInputOf = (c: Campaign) => ({
  template_id: c.templateId,
  subject: c.subject,
  preheader: c.preheader,
  from_name: c.fromName,
  from_email: c.fromEmail,
  reply_to: c.replyTo,
  track_opens: c.trackOpens,
  track_clicks: c.trackClicks,
});

export function campaignView(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    audience: c.audience,
    template_version: c.templateVersion,
    ...contentInputOf(c),
    schedule: c.schedule,
    scheduled_at: c.scheduledAt?.toISOString() ?? null,
    ab_test: c.abTest,
    parent_id: c.parentId,
    total_recipients: c.totalRecipients,
    failure_reason: c.failureReason,
    started_at: c.startedAt?.toISOString() ?? null,
    finished_at: c.finishedAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt?.toISOString() ?? null,
    deleted_at: c.deletedAt?.toISOString() ?? null,
  };
}
export type CampaignView = ReturnType<typeof campaignView>;

/** Templates a campaign refers to (its own and its A/B variants') must be live templates of the workspace. */
async function checkReferences(scope: TenantScope, input: Partial<CampaignInput>) {
  const ids = [input.template_id, ...(input.ab_test?.variants ?? []).map((v) => v.template_id)].filter((id): id is string => Boolean(id));
  if (!ids.length) return;
  const found = new Set(
    (await scope.db.select({ id: templates.id }).from(templates).where(scope.own(templates, inArray(templates.id, ids), isNull(templates.deletedAt))).all()).map((t) => t.id),
  );
  const errors: { field: string; message: string }[] = [];
  if (input.template_id && !found.has(input.template_id)) errors.push({ field: 'template_id', message: `Template ${input.template_id} does not exist in this workspace.` });
  input.ab_test?.variants.forEach((v, i) => {
    if (v.template_id && !found.has(v.template_id)) errors.push({ field: `ab_test.variants.${i}.template_id`, message: `Template ${v.template_id} does not exist in this workspace.` });
  });
  if (errors.length) throw validationProblem(errors);
}

const columns = (input: Partial<CampaignInput>) => ({
  ...(input.name !== undefined ? { name: input.name } : {}),
  ...(input.audience !== undefined ? { audience: input.audience } : {}),
  ...(input.template_id !== undefined ? { templateId: input.template_id } : {}),
  ...(input.subject !== undefined ? { subject: input.subject } : {}),
  ...(input.preheader !== undefined ? { preheader: input.preheader } : {}),
  ...(input.from_name !== undefined ? { fromName: input.from_name } : {}),
  ...(input.from_email !== undefined ? { fromEmail: input.from_email } : {}),
  ...(input.reply_to !== undefined ? { replyTo: input.reply_to } : {}),
  ...(input.track_opens !== undefined ? { trackOpens: input.track_opens } : {}),
  ...(input.track_clicks !== undefined ? { trackClicks: input.track_clicks } : {}),
  ...(input.ab_test !== undefined ? { abTest: input.ab_test ? { ...input.ab_test } : null } : {}),
});

/** Campaign creation is rate limited per workspace (10 a minute): a loop creating campaigns is a bug or abuse. */
export const CAMPAIGN_CREATE_BUCKET = { name: 'campaign-create', spec: { capacity: 10, windowSeconds: 60 } };

export async function createCampaign(scope: TenantScope, input: CampaignInput, actor: AuditInput['actor'], extra: { parentId?: string } = {}) {
  await checkReferences(scope, input);
  await pinAudience(scope, input.audience);
  const c = await scope.insert(campaigns, {
    id: newId(ID_PREFIX.campaign),
    name: input.name,
    audience: input.audience,
    ...columns(input),
    parentId: extra.parentId ?? null,
    createdBy: actor.type === 'user' ? actor.id : null,
  });
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.created', target: { type: 'campaign', id: c.id } });
  return c;
}

export async function getCampaign(scope: TenantScope, id: string, opts: { deleted?: boolean } = {}) {
  const c = await scope.get(campaigns, id, 'Campaign');
  if (Boolean(c.deletedAt) !== Boolean(opts.deleted)) throw notFound('Campaign');
  return c;
}

/**
 * Moves a campaign from one of `from` to `to` in one conditional UPDATE, so two requests racing
 * (pause and cancel, two sends) cannot both win; the loser gets a 409 naming the current state.
 */
export async function transition(scope: TenantScope, id: string, from: readonly CampaignStatus[], to: CampaignStatus, set: Partial<Campaign> = {}, verb: string = to) {
  const row = await scope.db
    .update(campaigns)
    .set({ ...set, status: to, updatedAt: new Date() })
    .where(scope.own(campaigns, eq(campaigns.id, id), isNull(campaigns.deletedAt), inArray(campaigns.status, [...from])))
    .returning()
    .get();
  if (row) return row;
  const current = await getCampaign(scope, id);
  throw new Problem('conflict', `A ${current.status} campaign cannot be ${verb}.`, { extensions: { status: current.status, allowed_from: from } });
}

const EDITABLE: CampaignStatus[] = ['draft'];

export async function updateCampaign(scope: TenantScope, id: string, patch: Partial<CampaignInput>, actor: AuditInput['actor']) {
  const current = await getCampaign(scope, id);
  if (!EDITABLE.includes(current.status)) {
    throw new Problem('conflict', current.status === 'scheduled' ? 'Unschedule the campaign before editing it.' : `A ${current.status} campaign cannot be edited.`, {
      extensions: { status: current.status },
    });
  }
  await checkReferences(scope, patch);
  if (patch.audience) await pinAudience(scope, patch.audience);
  const c = await transition(scope, id, EDITABLE, 'draft', columns(patch), 'edited');
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.updated', target: { type: 'campaign', id }, metadata: { fields: Object.keys(patch) } });
  return c;
}

/** A copy as a new draft: the audience and content, none of the sending history. */
export async function cloneCampaign(scope: TenantScope, id: string, actor: AuditInput['actor'], name?: string) {
  const c = await getCampaign(scope, id);
  return createCampaign(
    scope,
    {
      name: name ?? `${c.name} (copy)`,
      audience: c.audience,
      ...contentInputOf(c),
      ab_test: c.abTest ? { variants: c.abTest.variants, test_percent: c.abTest.test_percent, metric: c.abTest.metric, wait_hours: c.abTest.wait_hours } : null,
    },
    actor,
  );
}

/** Soft delete: restorable for 30 days. A campaign that is sending must be cancelled first. */
export async function deleteCampaign(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  const c = await getCampaign(scope, id);
  if (c.status === 'sending' || c.status === 'paused' || c.status === 'scheduled') {
    throw new Problem('conflict', `A ${c.status} campaign cannot be deleted: ${c.status === 'scheduled' ? 'unschedule' : 'cancel'} it first.`, { extensions: { status: c.status } });
  }
  await scope.db.update(campaigns).set({ deletedAt: new Date() }).where(scope.own(campaigns, eq(campaigns.id, id))).run();
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.deleted', target: { type: 'campaign', id } });
}

export async function restoreCampaign(scope: TenantScope, id: string, actor: AuditInput['actor'], now = Date.now()) {
  const c = await getCampaign(scope, id, { deleted: true });
  if (c.deletedAt!.getTime() < now - RESTORE_WINDOW_MS) throw notFound('Campaign');
  const row = (await scope.db.update(campaigns).set({ deletedAt: null }).where(scope.own(campaigns, eq(campaigns.id, id))).returning().get())!;
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'campaign.restored', target: { type: 'campaign', id } });
  return row;
}

/** Cron: campaigns deleted more than 30 days ago go for good, with their messages. */
export async function purgeDeletedCampaigns(db: TenantScope['db'], now = Date.now()) {
  const rows = await db.delete(campaigns).where(lt(campaigns.deletedAt, new Date(now - RESTORE_WINDOW_MS))).returning({ id: campaigns.id });
  return rows.length;
}

export interface CampaignListFilter {
  status?: CampaignStatus;
  deleted?: boolean;
}

export async function listCampaigns(scope: TenantScope, f: CampaignListFilter, page: { limit: number; cursor?: string }) {
  const result = await scope.list(campaigns, page, (c) => c, f.deleted ? isNotNull(campaigns.deletedAt) : isNull(campaigns.deletedAt), f.status ? eq(campaigns.status, f.status) : undefined);
  const counts = await messageCounts(scope, result.data.map((c) => c.id));
  return { ...result, data: result.data.map((c) => ({ ...campaignView(c), progress: progressOf(counts.get(c.id), c) })) };
}

export type StatusCounts = Partial<Record<MessageStatus, number>>;

/** Messages per status for some campaigns, from the messages_campaign_status index. */
export async function messageCounts(scope: TenantScope, campaignIds: string[]): Promise<Map<string, StatusCounts>> {
  const out = new Map<string, StatusCounts>();
  if (!campaignIds.length) return out;
  const rows = await scope.db
    .select({ campaignId: messages.campaignId, status: messages.status, n: count() })
    .from(messages)
    .where(and(inArray(messages.campaignId, campaignIds), eq(messages.tenantId, scope.tenantId)))
    .groupBy(messages.campaignId, messages.status)
    .all();
  for (const r of rows) {
    const counts = out.get(r.campaignId!) ?? {};
    counts[r.status] = r.n;
    out.set(r.campaignId!, counts);
  }
  return out;
}

/** Progress as the list and the live view show it: settled messages against everyone in the audience. */
export function progressOf(counts: StatusCounts = {}, c: Pick<Campaign, 'totalRecipients'>) {
  const n = (s: MessageStatus) => counts[s] ?? 0;
  const known = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const total = Math.max(c.totalRecipients ?? 0, known);
  const settled = n('sent') + n('failed') + n('bounced') + n('cancelled') + n('skipped');
  return {
    total,
    pending: n('pending'),
    queued: n('queued') + n('sending'),
    sent: n('sent'),
    failed: n('failed'),
    bounced: n('bounced'),
    cancelled: n('cancelled'),
    skipped: n('skipped'),
    remaining: Math.max(0, total - settled),
    percent: total ? Math.round((settled / total) * 1000) / 10 : 0,
  };
}

/** Validates a schedule and gives the instant the campaign starts. */
export function scheduleInstant(s: CampaignSchedule, now = Date.now()): number {
  const errors: { field: string; message: string }[] = [];
  if (!isTimeZone(s.timezone)) errors.push({ field: 'timezone', message: `${s.timezone} is not a known time zone (use an IANA name such as Europe/Berlin).` });
  if (errors.length) throw validationProblem(errors);
  const start = scheduleStart(s);
  // Per recipient time zone, the last zone (UTC−12) must still be ahead; otherwise the start itself.
  const last = s.recipient_timezone ? start + 26 * 3600_000 : start;
  if (last <= now) throw validationProblem([{ field: 'local_time', message: 'The time is in the past.' }]);
  return start;
}

/** The onboarding step "send your first campaign": one has started sending (deleted ones count; it was sent). */
export async function hasStartedCampaign(scope: TenantScope) {
  return Boolean(await scope.db.select({ id: campaigns.id }).from(campaigns).where(scope.own(campaigns, isNotNull(campaigns.startedAt))).limit(1).get());
}
