import { z } from '@hono/zod-openapi';
import { getDb } from '../db/client';
import { effectiveLimits, listPlans } from '../domain/plan-limits';
import { sendingStatus } from '../domain/send-permits';
import type { App } from '../types';
import { defineRoute } from './define';
import { Timestamp, errors, json } from './schemas';

const Level = z.enum(['ok', 'warning', 'critical']);
export const SendingStatus = z
  .object({
    plan: z.object({ id: z.string(), name: z.string() }),
    rate_per_hour: z.number().int().openapi({ description: 'The rate now, warm-up applied.' }),
    plan_rate_per_hour: z.number().int(),
    warmup: z.object({
      stage: z.enum(['not_started', 'days_1_3', 'days_4_7', 'complete']),
      day: z.number().int().nullable(),
      days_left: z.number().int(),
      started_at: Timestamp.nullable(),
      next_step_at: Timestamp.nullable(),
      next_rate_per_hour: z.number().int().nullable(),
    }),
    schedule: z
      .array(z.object({ starts_in_hours: z.number(), rate_per_hour: z.number().int() }))
      .openapi({ description: 'The rate from now on, one entry per change: with `today`, what a delivery-time estimate needs.' }),
    hour: z.object({ sent: z.number().int(), limit: z.number().int() }),
    today: z.object({ sent: z.number().int(), limit: z.number().int(), resets_at: Timestamp }),
    month: z.object({ sent: z.number().int(), limit: z.number().int(), percent: z.number().int(), resets_at: Timestamp }),
    available_now: z.number().int(),
    retry_after_seconds: z.number().int(),
    blocked: z.enum(['rate', 'daily_cap', 'monthly_quota', 'reputation']).nullable(),
    reputation: z.object({
      window_days: z.number().int(),
      sent: z.number().int(),
      bounced: z.number().int(),
      complained: z.number().int(),
      bounce_rate: z.number(),
      complaint_rate: z.number(),
      bounce_level: Level,
      complaint_level: Level,
      state: z.enum(['ok', 'warning', 'paused']),
      paused_at: Timestamp.nullable(),
      min_sample: z.number().int(),
    }),
    stopped: z.object({ engaged: z.boolean(), scope: z.enum(['platform', 'tenant']).nullable(), reason: z.string().nullable() }),
  })
  .openapi('SendingStatus');

/** What a plan limits; a tenant's limits (admin API) are these with its overrides applied. */
export const LimitFields = z.object({
  max_contacts: z.number().int(),
  monthly_emails: z.number().int(),
  daily_emails: z.number().int(),
  max_users: z.number().int(),
  max_domains: z.number().int(),
  custom_domains: z.boolean(),
  api_rate_per_minute: z.number().int(),
  send_rate_per_hour: z.number().int(),
});
const Plan = z.object({ id: z.string(), name: z.string() }).extend(LimitFields.shape).openapi('Plan');

const tags = ['Sending'];
const routes = {
  status: defineRoute({
    method: 'get', path: '/v1/sending/status', access: 'tenant:read', tags,
    summary: 'Sending rate, warm-up, daily and monthly usage, bounce and complaint rates, and whether sending is stopped',
    responses: { 200: json(SendingStatus), 401: errors[401], 403: errors[403] },
  }),
  plans: defineRoute({
    method: 'get', path: '/v1/plans', access: 'user', tags, summary: 'Every plan with its limits, for comparison',
    responses: { 200: json(z.object({ data: z.array(Plan), current_plan_id: z.string() })), 401: errors[401] },
  }),
};

export function registerSending(app: App) {
  app.openapi(routes.status, async (c) => c.json(await sendingStatus(c.env, getDb(c.env), c.get('principal').tenantId), 200));
  app.openapi(routes.plans, async (c) => {
    const db = getDb(c.env);
    const [data, current] = await Promise.all([listPlans(db), effectiveLimits(db, c.get('principal').tenantId)]);
    return c.json({ data, current_plan_id: current.planId }, 200);
  });
}
