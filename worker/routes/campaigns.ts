import { campaignStats, MAILBOX_PROVIDERS } from '../domain/campaign-stats';
import { z } from '@hono/zod-openapi';
import { CAMPAIGN_STATUSES } from '../db/schema';
import { variantResults } from '../domain/ab-tests';
import { actorOf } from '../domain/audit';
import { cancelCampaign, pauseCampaign, resendToUnopened, resumeCampaign, scheduleCampaign, sendCampaign, unscheduleCampaign } from '../domain/campaign-actions';
import { campaignChecklist } from '../domain/campaign-checklist';
import { countAudience } from '../domain/campaign-audience';
import { campaignPreview, campaignProgress, sendCampaignTest } from '../domain/campaign-views';
import {
  CAMPAIGN_CREATE_BUCKET,
  campaignView,
  cloneCampaign,
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  restoreCampaign,
  updateCampaign,
} from '../domain/campaigns';
import { assertWithinRate } from '../domain/rate-limit';
import { PageQuery, pageOf } from '../lib/pagination';
import { MIN_EXPECTED, MIN_SAMPLE, SIGNIFICANCE_LEVEL } from '../lib/proportion-test';
import { preciseValidation } from '../lib/zod-issues';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { Email, IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const tags = ['Campaigns'];
const Ids = (max: number) => z.array(z.string().min(3).max(64)).max(max);
const Audience = z
  .object({
    all: z.boolean().optional().openapi({ description: 'Every subscribed contact; the other includes are ignored' }),
    lists: Ids(50).optional(),
    segments: Ids(20).optional(),
    tags: z.array(z.string().min(1).max(50)).max(50).optional(),
    contact_ids: Ids(10_000).optional(),
    unopened_of: z.string().min(3).max(64).optional().openapi({ description: 'Set by resend-unopened' }),
    exclude_lists: Ids(50).optional(),
    exclude_segments: Ids(20).optional(),
    exclude_tags: z.array(z.string().min(1).max(50)).max(50).optional(),
    inactive: z
      .enum(['exclude', 'include', 'only'])
      .optional()
      .openapi({ description: 'Contacts made inactive by the sunset policy: left out by default; `only` makes a re-engagement campaign to them' }),
  })
  .strict()
  .openapi('CampaignAudience', { description: 'The union of the includes, minus the excludes; only subscribed (and, when asked, inactive), unsuppressed contacts ever receive a campaign.' });

const VARIANT_KEYS = ['A', 'B', 'C', 'D'] as const;
const AbTestInput = z
  .object({
    variants: z
      .array(
        z
          .object({
            key: z.enum(VARIANT_KEYS),
            subject: z.string().trim().min(1).max(300).nullable().optional(),
            preheader: z.string().trim().max(300).nullable().optional(),
            template_id: z.string().min(3).max(64).nullable().optional().openapi({ description: 'Different content; the campaign template when absent' }),
          })
          .strict(),
      )
      .min(2)
      .max(4)
      .refine((v) => new Set(v.map((x) => x.key)).size === v.length, 'variant keys must be unique'),
    test_percent: z.number().int().min(5).max(50).default(20).openapi({ description: 'Share of the audience that gets the variants, split evenly' }),
    metric: z.enum(['opens', 'clicks']).default('opens'),
    wait_hours: z.number().min(0.25).max(168).default(4),
  })
  .strict()
  .openapi('AbTestInput');

const CampaignFields = z
  .object({
    name: z.string().trim().min(1).max(200),
    audience: Audience,
    template_id: z.string().min(3).max(64).nullable(),
    subject: z.string().trim().max(300).nullable().optional().openapi({ description: "Overrides the template's subject" }),
    preheader: z.string().trim().max(300).nullable().optional(),
    from_name: z.string().trim().max(100).nullable().optional(),
    from_email: Email.nullable().optional().openapi({ description: "An address on a verified sending domain; the workspace's platform address when null" }),
    reply_to: Email.nullable().optional(),
    track_opens: z.boolean().optional(),
    track_clicks: z.boolean().optional(),
    ab_test: AbTestInput.nullable().optional(),
  })
  .strict();
const CampaignBody = CampaignFields.extend({ audience: Audience.default({}), template_id: CampaignFields.shape.template_id.default(null) });
/** Built from the fields without their defaults: a PATCH must never fill in (and so wipe) what it does not mention. */
const CampaignPatch = CampaignFields.partial();

const Progress = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  queued: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  bounced: z.number().int(),
  cancelled: z.number().int(),
  skipped: z.number().int(),
  remaining: z.number().int(),
  percent: z.number(),
});
const Campaign = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    audience: Audience,
    template_id: z.string().nullable(),
    template_version: z.number().int().nullable(),
    subject: z.string().nullable(),
    preheader: z.string().nullable(),
    from_name: z.string().nullable(),
    from_email: z.string().nullable(),
    reply_to: z.string().nullable(),
    track_opens: z.boolean(),
    track_clicks: z.boolean(),
    schedule: z.object({ local_time: z.string(), timezone: z.string(), recipient_timezone: z.boolean() }).nullable(),
    scheduled_at: Timestamp.nullable(),
    ab_test: z.record(z.string(), z.unknown()).nullable(),
    parent_id: z.string().nullable(),
    total_recipients: z.number().int().nullable(),
    failure_reason: z.string().nullable(),
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
    deleted_at: Timestamp.nullable(),
  })
  .openapi('Campaign');
const CampaignWithProgress = Campaign.extend({ progress: Progress }).openapi('CampaignWithProgress');
const Engagement = z.object({ unique: z.number().int(), total: z.number().int(), machine: z.number().int().openapi({ description: 'Bots, link scanners, privacy proxies: never in the rates' }) });
const Significance = z
  .object({
    against: z.string().openapi({ description: 'The leading variant on this rate' }),
    difference: z.number().openapi({ description: "The leader's rate minus this variant's" }),
    verdict: z.enum(['significant', 'not_significant', 'not_enough_data']),
    z: z.number().nullable(),
    p_value: z.number().nullable(),
  })
  .nullable()
  .openapi({ description: `Two-proportion z-test against the leader, significant when p < ${SIGNIFICANCE_LEVEL}; not enough data below ${MIN_SAMPLE} recipients or ${MIN_EXPECTED} successes or failures per variant; null for the leader` });
const AbTestReport = z
  .object({
    metric: z.enum(['opens', 'clicks']),
    winner: z.string().nullable(),
    variants: z.array(
      z.object({ key: z.string(), sent: z.number().int(), opens: z.number().int(), clicks: z.number().int(), open_rate: z.number(), click_rate: z.number(), open_significance: Significance, click_significance: Significance }),
    ),
  })
  .openapi('AbTestReport');
const CampaignStats = z
  .object({
    sent: z.number().int(),
    delivered: z.number().int().openapi({ description: 'Accepted by the receiving server, as the transport’s delivery reports say (none for SMTP relays, which report only failures)' }),
    bounced: z.number().int().openapi({ description: 'Messages that hard-bounced, at send time or reported later (the same as bounces.hard)' }),
    bounces: z.object({ hard: z.number().int(), soft: z.number().int().openapi({ description: 'Messages reported as temporarily undeliverable; they stay counted as sent' }) }),
    failed: z.number().int(),
    opens: Engagement,
    clicks: Engagement,
    unsubscribes: z.number().int(),
    complaints: z.number().int().openapi({ description: 'Spam complaints (feedback loops, ESP reports)' }),
    rates: z.object({ delivery: z.number().openapi({ description: 'Delivered over sent and bounced' }), open: z.number(), click: z.number(), click_to_open: z.number(), bounce: z.number(), hard_bounce: z.number(), soft_bounce: z.number(), unsubscribe: z.number(), complaint: z.number() }).openapi({ description: 'Fractions (0.25 = 25 %) of the messages sent; click-to-open of the unique opens' }),
    links: z.array(z.object({ url: z.string(), clicks: z.number().int(), unique_clicks: z.number().int() })),
    providers: z.array(z.object({ provider: z.enum(MAILBOX_PROVIDERS), sent: z.number().int(), opened: z.number().int(), clicked: z.number().int(), open_rate: z.number() })),
    clients: z.array(z.object({ client: z.string(), openers: z.number().int() })).openapi({ description: 'People who opened, by mail client (Apple Mail, Gmail, Outlook…; per open, so one person on two clients counts on both)' }),
    devices: z.array(z.object({ device: z.string(), openers: z.number().int() })).openapi({ description: 'People who opened, by device: desktop, mobile, tablet, unknown (image proxies hide it)' }),
    timeline: z.array(z.object({ at: z.string(), opens: z.number().int(), clicks: z.number().int() })).openapi({ description: 'Human opens and clicks per hour for three days from the start, then per day' }),
    ab_test: AbTestReport.nullable().openapi({ description: 'A/B campaigns: each variant of the test share with its rates and their significance' }),
  })
  .openapi('CampaignStats');
const LiveProgress = Progress.extend({
  status: z.enum(CAMPAIGN_STATUSES),
  rate_per_hour: z.number().openapi({ description: 'Messages sent in the last 5 minutes, per hour' }),
  allowed_rate_per_hour: z.number().openapi({ description: 'What the warm-up schedule and the plan allow now' }),
  throttle: z.string().openapi({ example: 'Sending at 50/h — 94 h remaining' }),
  fan_out_done: z.boolean(),
  ab_test: z
    .object({ phase: z.enum(['testing', 'waiting', 'winner_sent']), winner: z.string().nullable(), decides_at: Timestamp.nullable(), variants: z.array(z.record(z.string(), z.unknown())) })
    .nullable(),
}).openapi('CampaignProgress');
const Check = z.object({ key: z.string(), label: z.string(), state: z.enum(['pass', 'warn', 'fail']), detail: z.string(), required: z.boolean() });
const Checklist = z.object({ ready: z.boolean(), recipients: z.number().int(), items: z.array(Check) }).openapi('CampaignChecklist');
const ScheduleBody = z
  .object({
    local_time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'must be a local date-time such as 2026-12-01T09:00').openapi({ example: '2026-12-01T09:00' }),
    timezone: z.string().min(1).max(64).default('UTC').openapi({ example: 'Europe/Berlin' }),
    recipient_timezone: z.boolean().default(false).openapi({ description: "Deliver at local_time in each recipient's own time zone" }),
  })
  .strict();
const Preview = z.object({ subject: z.string(), preheader: z.string().nullable(), html: z.string(), text: z.string() }).passthrough();
const ListQuery = PageQuery.extend({ status: z.enum(CAMPAIGN_STATUSES).optional(), deleted: z.enum(['true', 'false']).optional() });
const id = IdParam('cmp_01hx…');

const action = (path: string, summary: string, access: 'campaigns:write' | 'send' = 'send') =>
  defineRoute({ method: 'post', path: `/v1/campaigns/{id}/${path}`, access, tags, summary, request: { params: id }, responses: { 200: json(Campaign), 404: errors[404], 409: errors[409], 422: errors[422] } });

const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/campaigns', access: 'campaigns:read', tags, summary: 'Campaigns, newest first, with progress',
    request: { query: ListQuery }, responses: { 200: json(pageOf(CampaignWithProgress)), 400: errors[400] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/campaigns', access: 'campaigns:write', tags, summary: 'Create a draft campaign (10 per minute per workspace)',
    request: { body: jsonBody(CampaignBody) }, responses: { 201: json(Campaign), 400: errors[400], 429: errors[429] },
  }),
  count: defineRoute({
    method: 'post', path: '/v1/campaigns/audience/count', access: 'campaigns:read', tags, summary: 'How many contacts an audience reaches now (for the wizard)',
    request: { body: jsonBody(z.object({ audience: Audience }).strict()) }, responses: { 200: json(z.object({ count: z.number().int() })), 400: errors[400] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/campaigns/{id}', access: 'campaigns:read', tags, summary: 'One campaign',
    request: { params: id }, responses: { 200: json(CampaignWithProgress), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/campaigns/{id}', access: 'campaigns:write', tags, summary: 'Edit a draft',
    request: { params: id, body: jsonBody(CampaignPatch) }, responses: { 200: json(Campaign), 400: errors[400], 404: errors[404], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/campaigns/{id}', access: 'campaigns:write', tags, summary: 'Delete (restorable for 30 days); not while scheduled or sending',
    request: { params: id }, responses: { 204: noContent, 404: errors[404], 409: errors[409] },
  }),
  restore: action('restore', 'Restore a deleted campaign', 'campaigns:write'),
  clone: defineRoute({
    method: 'post', path: '/v1/campaigns/{id}/clone', access: 'campaigns:write', tags, summary: 'Copy as a new draft',
    request: { params: id, body: jsonBody(z.object({ name: z.string().trim().min(1).max(200).optional() }).strict()) },
    responses: { 201: json(Campaign), 404: errors[404], 429: errors[429] },
  }),
  checklist: defineRoute({
    method: 'get', path: '/v1/campaigns/{id}/checklist', access: 'campaigns:read', tags, summary: 'What must be right before sending; sending is refused while a required item fails',
    request: { params: id }, responses: { 200: json(Checklist), 404: errors[404] },
  }),
  stats: defineRoute({
    method: 'get', path: '/v1/campaigns/{id}/stats', access: 'campaigns:read', tags, summary: 'The report: opens and clicks (human and machine), rates, links, mailbox providers, engagement over time',
    request: { params: id }, responses: { 200: json(CampaignStats), 404: errors[404] },
  }),
  progress: defineRoute({
    method: 'get', path: '/v1/campaigns/{id}/progress', access: 'campaigns:read', tags, summary: 'Live progress: counts, current rate and throttle status, A/B state',
    request: { params: id }, responses: { 200: json(LiveProgress), 404: errors[404] },
  }),
  preview: defineRoute({
    method: 'post', path: '/v1/campaigns/{id}/preview', access: 'campaigns:read', tags, summary: 'The message as a contact (or the sample recipient) will see it',
    request: { params: id, body: jsonBody(z.object({ contact_id: z.string().min(3).max(64).optional(), variant: z.enum(VARIANT_KEYS).optional() }).strict()) },
    responses: { 200: json(Preview), 404: errors[404], 422: errors[422] },
  }),
  test: defineRoute({
    method: 'post', path: '/v1/campaigns/{id}/test', access: 'campaigns:write', tags, summary: 'Send the campaign to up to 5 addresses, marked [Test] (20 per hour per workspace)',
    request: { params: id, body: jsonBody(z.object({ to: z.array(z.string()).min(1).max(5), contact_id: z.string().min(3).max(64).optional() }).strict()) },
    responses: { 200: json(z.object({ sent: z.number().int(), to: z.array(z.string()) })), 400: errors[400], 404: errors[404], 422: errors[422], 429: errors[429], 503: errors[503] },
  }),
  schedule: defineRoute({
    method: 'post', path: '/v1/campaigns/{id}/schedule', access: 'send', tags, summary: "Schedule at a local time in a time zone, or at that local time in each recipient's zone",
    request: { params: id, body: jsonBody(ScheduleBody) }, responses: { 200: json(Campaign), 400: errors[400], 404: errors[404], 409: errors[409], 422: errors[422] },
  }),
  unschedule: action('unschedule', 'Back to draft'),
  send: action('send', 'Start sending now'),
  pause: action('pause', 'Pause sending (takes effect within seconds)'),
  resume: action('resume', 'Resume a paused campaign'),
  cancel: action('cancel', 'Cancel: nothing more is sent'),
  resend: defineRoute({
    method: 'post', path: '/v1/campaigns/{id}/resend-unopened', access: 'campaigns:write', tags, summary: 'A follow-up draft to those who did not open, with a new subject',
    request: { params: id, body: jsonBody(z.object({ subject: z.string().trim().min(1).max(300), name: z.string().trim().min(1).max(200).optional() }).strict()) },
    responses: { 201: json(Campaign), 404: errors[404], 409: errors[409] },
  }),
};

export function registerCampaigns(app: App) {
  app.openapi(routes.list, async (c) => {
    const { status, deleted, ...page } = c.req.valid('query');
    return c.json(await listCampaigns(scopeOf(c), { status, deleted: deleted === 'true' }, page), 200);
  });
  app.openapi(
    routes.create,
    async (c) => {
      const scope = scopeOf(c);
      await assertWithinRate(c.env, scope.tenantId, [CAMPAIGN_CREATE_BUCKET], 'campaigns created (10 per minute)');
      return c.json(campaignView(await createCampaign(scope, c.req.valid('json'), actorOf(c.get('principal')))), 201);
    },
    preciseValidation,
  );
  app.openapi(routes.count, async (c) => c.json({ count: await countAudience(scopeOf(c), c.req.valid('json').audience) }, 200), preciseValidation);
  app.openapi(routes.get, async (c) => {
    const scope = scopeOf(c);
    const campaign = await getCampaign(scope, c.req.valid('param').id);
    return c.json({ ...campaignView(campaign), progress: (await campaignProgress(c.env, scope, campaign)).counts }, 200);
  });
  app.openapi(routes.update, async (c) => c.json(campaignView(await updateCampaign(scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal')))), 200), preciseValidation);
  app.openapi(routes.remove, async (c) => {
    await deleteCampaign(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.restore, async (c) => c.json(campaignView(await restoreCampaign(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')))), 200));
  app.openapi(routes.clone, async (c) => {
    const scope = scopeOf(c);
    await assertWithinRate(c.env, scope.tenantId, [CAMPAIGN_CREATE_BUCKET], 'campaigns created (10 per minute)');
    return c.json(campaignView(await cloneCampaign(scope, c.req.valid('param').id, actorOf(c.get('principal')), c.req.valid('json').name)), 201);
  });
  app.openapi(routes.checklist, async (c) => {
    const scope = scopeOf(c);
    return c.json(await campaignChecklist(c.env, scope, await getCampaign(scope, c.req.valid('param').id)), 200);
  });
  app.openapi(routes.stats, async (c) => {
    const scope = scopeOf(c);
    const campaign = await getCampaign(scope, c.req.valid('param').id);
    return c.json(await campaignStats(scope, campaign), 200);
  });

  app.openapi(routes.progress, async (c) => {
    const scope = scopeOf(c);
    const campaign = await getCampaign(scope, c.req.valid('param').id);
    const p = await campaignProgress(c.env, scope, campaign);
    const ab = campaign.abTest ? { ...p.ab!, variants: await variantResults(scope.db, campaign) } : null;
    return c.json({ ...p.counts, ...p.live, ab_test: ab }, 200);
  });
  app.openapi(routes.preview, async (c) => c.json(await campaignPreview(scopeOf(c), c.req.valid('param').id, c.req.valid('json')), 200), preciseValidation);
  app.openapi(routes.test, async (c) => c.json(await sendCampaignTest(c.env, scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal'))), 200), preciseValidation);
  app.openapi(routes.schedule, async (c) => c.json(campaignView(await scheduleCampaign(c.env, scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal')))), 200), preciseValidation);
  app.openapi(routes.unschedule, async (c) => c.json(campaignView(await unscheduleCampaign(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')))), 200));
  app.openapi(routes.send, async (c) => c.json(campaignView(await sendCampaign(c.env, scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')))), 200));
  app.openapi(routes.pause, async (c) => c.json(campaignView(await pauseCampaign(c.env, scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')))), 200));
  app.openapi(routes.resume, async (c) => c.json(campaignView(await resumeCampaign(c.env, scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')))), 200));
  app.openapi(routes.cancel, async (c) => c.json(campaignView(await cancelCampaign(c.env, scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')))), 200));
  app.openapi(routes.resend, async (c) => c.json(campaignView(await resendToUnopened(scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal')))), 201));
}
