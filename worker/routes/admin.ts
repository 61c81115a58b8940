import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getDb } from '../db/client';
import {
  changePlan,
  liftReputationBreaker,
  listDeadLetters,
  listTenants,
  platformOverview,
  replayDeadLetters,
  setLimitOverrides,
  setTenantStatus,
  setWarmup,
  tenantDetail,
} from '../domain/admin';
import { audit } from '../domain/audit';
import { killSwitch } from '../domain/kill-switch';
import { restoreTenant } from '../domain/tenant-lifecycle';
import { reencryptSecrets } from '../domain/key-rotation';
import { encryptionKeys } from '../env';
import { tenantView } from '../domain/tenants';
import { PageQuery, pageOf } from '../lib/pagination';
import { preciseValidation } from '../lib/zod-issues';
import { userOf } from '../middleware/auth';
import type { App, AppEnv } from '../types';
import { defineRoute } from './define';
import { IdParam, Problem, TenantView, Timestamp, errors, json, jsonBody } from './schemas';
import { LimitFields, SendingStatus } from './sending';

const tags = ['Admin'];
const KillState = z.object({ engaged: z.boolean(), reason: z.string().nullable(), by: z.string().nullable(), at: z.string().nullable() });
const KillStatus = z.object({ global: KillState, tenants: z.record(z.string(), KillState) }).openapi('KillSwitchStatus');
const Reason = z.object({ reason: z.string().trim().min(3).max(500) });

const Count = z.number().int().min(0).max(1_000_000_000);
const Rate = z.number().int().min(1).max(10_000_000);
const Overrides = z
  .object({
    max_contacts: Count.optional(),
    monthly_emails: Count.optional(),
    daily_emails: Count.optional(),
    max_users: Count.optional(),
    max_domains: Count.optional(),
    api_rate_per_minute: Rate.optional(),
    send_rate_per_hour: Rate.optional(),
    warmup_complete: z.boolean().optional().openapi({ description: 'Skip the warm-up: the plan rate from the first send.' }),
  })
  .strict()
  .openapi('LimitOverrides', { description: 'Absent keys follow the plan; `{}` removes every override.' });
const Limits = z
  .object({ plan: z.string() })
  .extend(LimitFields.shape)
  .extend({ warmup_complete: z.boolean(), overrides: Overrides })
  .openapi('TenantLimits', { description: "The plan's limits with the tenant's overrides applied." });
const TenantDetail = TenantView.extend({
  sending_started_at: Timestamp.nullable(),
  usage: z.object({ contacts: z.number().int(), users: z.number().int(), domains: z.number().int(), emails_today: z.number().int(), emails_this_month: z.number().int() }),
  limits: Limits,
  sending: SendingStatus,
}).openapi('AdminTenant');
const Blocked = {
  description: 'Current usage exceeds the new plan; `blockers` lists each limit',
  content: { 'application/problem+json': { schema: Problem.extend({ blockers: z.array(z.object({ limit: z.enum(['contacts', 'users', 'domains']), used: z.number().int(), allowed: z.number().int() })) }) } },
};
const Overview = z
  .object({
    tenants: z.object({ total: z.number().int(), active: z.number().int(), suspended: z.number().int(), closed: z.number().int() }),
    emails_sent: z.object({ today: z.number().int(), this_month: z.number().int() }),
    messages: z.object({ pending: z.number().int(), queued: z.number().int(), sending: z.number().int(), failed: z.number().int() }),
    kill_switch: KillStatus,
    top_failing_tenants: z.array(z.object({ tenant_id: z.string(), name: z.string(), failed: z.number().int() })),
    failing_transports: z.array(
      z.object({ id: z.string(), tenant_id: z.string(), name: z.string(), kind: z.string(), consecutive_failures: z.number().int(), last_error: z.string().nullable(), last_failure_at: Timestamp.nullable() }),
    ),
  })
  .openapi('PlatformOverview');
const DeadLetter = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    tenant_name: z.string(),
    campaign_id: z.string().nullable(),
    campaign_name: z.string().nullable(),
    email: z.string(),
    stream: z.string(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    created_at: Timestamp,
  })
  .openapi('DeadLetter');
const MessageId = z.string().min(3).max(64);
const Replay = z.union([
  z.object({ message_ids: z.array(MessageId).min(1).max(100) }).strict(),
  z.object({ campaign_id: MessageId }).strict(),
]);

const routes = {
  tenants: defineRoute({
    method: 'get', path: '/v1/admin/tenants', access: 'super_admin', tags, summary: 'All tenants with member counts',
    request: { query: PageQuery.extend({ status: z.enum(['active', 'suspended', 'closed']).optional() }) },
    responses: { 200: json(pageOf(TenantView.extend({ members: z.number().int() }))), 401: errors[401], 403: errors[403] },
  }),
  suspend: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/suspend', access: 'super_admin', tags, summary: "Suspend a tenant: its sending stops at once",
    request: { params: IdParam('ten_01hx…'), body: jsonBody(Reason) },
    responses: { 200: json(TenantView), 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  unsuspend: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/unsuspend', access: 'super_admin', tags, summary: 'Lift a suspension',
    request: { params: IdParam('ten_01hx…') },
    responses: { 200: json(TenantView), 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  restore: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/restore', access: 'super_admin', tags, summary: 'Restore a closed tenant before it is purged',
    request: { params: IdParam('ten_01hx…') },
    responses: { 200: json(TenantView), 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  tenant: defineRoute({
    method: 'get', path: '/v1/admin/tenants/{id}', access: 'super_admin', tags, summary: 'One tenant: usage, limits (plan with overrides) and sending status',
    request: { params: IdParam('ten_01hx…') }, responses: { 200: json(TenantDetail), 403: errors[403], 404: errors[404] },
  }),
  plan: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/plan', access: 'super_admin', tags, summary: "Change a tenant's plan; refused while its usage exceeds the new plan",
    request: { params: IdParam('ten_01hx…'), body: jsonBody(z.object({ plan_id: z.string().min(1).max(64) }).strict()) },
    responses: { 200: json(TenantDetail), 400: errors[400], 403: errors[403], 404: errors[404], 409: Blocked },
  }),
  overrides: defineRoute({
    method: 'put', path: '/v1/admin/tenants/{id}/overrides', access: 'super_admin', tags, summary: "Replace a tenant's overrides of its plan's limits",
    request: { params: IdParam('ten_01hx…'), body: jsonBody(Overrides) }, responses: { 200: json(TenantDetail), 400: errors[400], 403: errors[403], 404: errors[404] },
  }),
  warmup: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/warmup', access: 'super_admin', tags,
    summary: 'Complete the warm-up now, or reset it so it starts again with the next send',
    request: { params: IdParam('ten_01hx…'), body: jsonBody(z.object({ action: z.enum(['reset', 'complete']) }).strict()) },
    responses: { 200: json(TenantDetail), 400: errors[400], 403: errors[403], 404: errors[404] },
  }),
  liftReputation: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/reputation/lift', access: 'super_admin', tags,
    summary: 'Resume a tenant the reputation breaker paused (its bounce and complaint window starts afresh)',
    request: { params: IdParam('ten_01hx…') }, responses: { 200: json(TenantDetail), 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  overview: defineRoute({
    method: 'get', path: '/v1/admin/overview', access: 'super_admin', tags,
    summary: 'Tenants, emails sent today and this month, messages waiting or failed, the kill switch, and where failures concentrate',
    responses: { 200: json(Overview), 403: errors[403] },
  }),
  deadLetters: defineRoute({
    method: 'get', path: '/v1/admin/dead-letters', access: 'super_admin', tags, summary: 'Messages that failed after every retry, across tenants, newest first',
    request: { query: PageQuery.extend({ tenant_id: z.string().max(64).optional(), campaign_id: z.string().max(64).optional() }) },
    responses: { 200: json(pageOf(DeadLetter)), 400: errors[400], 403: errors[403] },
  }),
  replay: defineRoute({
    method: 'post', path: '/v1/admin/dead-letters/replay', access: 'super_admin', tags,
    summary: 'Send failed campaign messages again: back to pending, and their campaigns woken',
    request: { body: jsonBody(Replay) },
    responses: { 200: json(z.object({ replayed: z.number().int(), campaign_ids: z.array(z.string()), not_replayed: z.array(z.string()) })), 400: errors[400], 403: errors[403] },
  }),
  reencrypt: defineRoute({
    method: 'post', path: '/v1/admin/encryption/reencrypt', access: 'super_admin', tags,
    summary: 'After rotating ENCRYPTION_KEY: re-seal every stored secret under the current key',
    responses: { 200: json(z.object({ checked: z.number().int(), reencrypted: z.number().int(), unreadable: z.number().int() })), 403: errors[403] },
  }),
  killStatus: defineRoute({
    method: 'get', path: '/v1/admin/kill-switch', access: 'super_admin', tags, summary: 'State of the global kill switch',
    responses: { 200: json(KillStatus), 403: errors[403] },
  }),
  killEngage: defineRoute({
    method: 'post', path: '/v1/admin/kill-switch/engage', access: 'super_admin', tags, summary: 'Stop all sending on the platform',
    request: { body: jsonBody(Reason) }, responses: { 200: json(KillStatus), 400: errors[400], 403: errors[403] },
  }),
  killRelease: defineRoute({
    method: 'post', path: '/v1/admin/kill-switch/release', access: 'super_admin', tags, summary: 'Resume sending on the platform',
    responses: { 200: json(KillStatus), 403: errors[403] },
  }),
};

export function registerAdmin(app: App) {
  app.openapi(routes.tenants, async (c) => {
    const { status, ...page } = c.req.valid('query');
    return c.json(await listTenants(getDb(c.env), page, status), 200);
  });
  app.openapi(routes.suspend, async (c) => {
    const t = await setTenantStatus(c.env, getDb(c.env), c.req.valid('param').id, 'suspended', userOf(c.get('principal')).userId, c.req.valid('json').reason);
    return c.json(tenantView(t), 200);
  });
  app.openapi(routes.unsuspend, async (c) => {
    const t = await setTenantStatus(c.env, getDb(c.env), c.req.valid('param').id, 'active', userOf(c.get('principal')).userId, undefined);
    return c.json(tenantView(t), 200);
  });
  app.openapi(routes.restore, async (c) => {
    const t = await restoreTenant(c.env, getDb(c.env), c.req.valid('param').id, userOf(c.get('principal')).userId);
    return c.json(tenantView(t), 200);
  });
  const adminId = (c: Context<AppEnv>) => userOf(c.get('principal')).userId;
  app.openapi(routes.tenant, async (c) => c.json(await tenantDetail(c.env, getDb(c.env), c.req.valid('param').id), 200));
  app.openapi(routes.plan, async (c) => c.json(await changePlan(c.env, getDb(c.env), c.req.valid('param').id, c.req.valid('json').plan_id, adminId(c)), 200));
  app.openapi(routes.overrides, async (c) => c.json(await setLimitOverrides(c.env, getDb(c.env), c.req.valid('param').id, c.req.valid('json'), adminId(c)), 200));
  app.openapi(routes.warmup, async (c) => c.json(await setWarmup(c.env, getDb(c.env), c.req.valid('param').id, c.req.valid('json').action, adminId(c)), 200));
  app.openapi(routes.liftReputation, async (c) => c.json(await liftReputationBreaker(c.env, getDb(c.env), c.req.valid('param').id, adminId(c)), 200));
  app.openapi(routes.overview, async (c) => c.json(await platformOverview(c.env, getDb(c.env)), 200));
  app.openapi(routes.deadLetters, async (c) => {
    const { tenant_id: tenantId, campaign_id: campaignId, ...page } = c.req.valid('query');
    return c.json(await listDeadLetters(getDb(c.env), page, { tenantId, campaignId }), 200);
  });
  app.openapi(routes.replay, async (c) => c.json(await replayDeadLetters(c.env, getDb(c.env), c.req.valid('json'), adminId(c)), 200), preciseValidation);
  app.openapi(routes.reencrypt, async (c) => {
    const result = await reencryptSecrets(getDb(c.env), encryptionKeys(c.env));
    const admin = userOf(c.get('principal'));
    await audit(getDb(c.env), { tenantId: admin.tenantId, actor: { type: 'user', id: admin.userId }, action: 'admin.secrets_reencrypted', metadata: result });
    return c.json(result, 200);
  });
  app.openapi(routes.killStatus, async (c) => c.json(await killSwitch(c.env).status(), 200));
  app.openapi(routes.killEngage, async (c) => {
    const admin = userOf(c.get('principal'));
    const status = await killSwitch(c.env).engage({ reason: c.req.valid('json').reason, by: admin.userId });
    await audit(getDb(c.env), { tenantId: admin.tenantId, actor: { type: 'user', id: admin.userId }, action: 'admin.kill_switch_engaged', metadata: { reason: c.req.valid('json').reason } });
    return c.json(status, 200);
  });
  app.openapi(routes.killRelease, async (c) => {
    const admin = userOf(c.get('principal'));
    const status = await killSwitch(c.env).release({});
    await audit(getDb(c.env), { tenantId: admin.tenantId, actor: { type: 'user', id: admin.userId }, action: 'admin.kill_switch_released' });
    return c.json(status, 200);
  });
}
