import { z } from '@hono/zod-openapi';
import { MAX_STATS_DAYS, STATS_PERIODS, statsRange, tenantStats, type StatsPeriod } from '../domain/tenant-stats';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { errors, json } from './schemas';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-11-30').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a date');
const Query = z.object({
  period: z.enum(Object.keys(STATS_PERIODS) as [StatsPeriod, ...StatsPeriod[]]).optional().openapi({ description: 'The last 7, 30 or 90 UTC days including today; 30d when neither this nor from/to is given' }),
  from: Day.optional().openapi({ description: `First UTC day (with \`to\`; at most ${MAX_STATS_DAYS} days)`, example: '2026-11-01' }),
  to: Day.optional().openapi({ description: 'Last UTC day, included', example: '2026-11-30' }),
});
const Counts = z
  .object({
    sent: z.number().int().openapi({ description: 'Messages handed to a mail server in the period (campaigns and transactional)' }),
    delivered: z.number().int().openapi({ description: 'Of those, not bounced since' }),
    unique_opens: z.number().int().openapi({ description: 'Of those, opened by a person (machine opens never count)' }),
    unique_clicks: z.number().int(),
    bounces: z.number().int(),
    complaints: z.number().int(),
    unsubscribes: z.number().int(),
    new_contacts: z.number().int().openapi({ description: 'Contacts added in the period and not deleted' }),
  })
  .openapi('StatsCounts');
const Rates = z
  .object({ open: z.number(), click: z.number(), click_to_open: z.number(), bounce: z.number(), complaint: z.number(), unsubscribe: z.number() })
  .openapi('StatsRates', { description: 'Fractions of the messages delivered; bounce of delivered plus bounced; click-to-open of the unique opens' });
const Days = z.object({ from: z.string(), to: z.string() });
const TenantStats = z
  .object({
    period: Days.extend({ days: z.number().int() }),
    previous_period: Days.openapi({ description: 'The same number of days just before' }),
    totals: Counts,
    rates: Rates,
    previous: z.object({ totals: Counts, rates: Rates }),
    change: z
      .object({ totals: z.record(z.string(), z.number().nullable()), rates: z.record(z.string(), z.number()) })
      .openapi({ description: 'Counts: relative change against the previous period (0.25 = +25 %; null when it had none). Rates: difference in points (0.02 = +2 points)' }),
    contacts_total: z.number().int().openapi({ description: 'Contacts now (not deleted)' }),
    series: z.array(Counts.extend({ date: z.string() })).openapi({ description: 'One entry per UTC day of the period, days without activity included' }),
  })
  .openapi('WorkspaceStats');

const routes = {
  get: defineRoute({
    method: 'get', path: '/v1/stats', access: 'stats:read', tags: ['Statistics'],
    summary: 'The workspace over a period: sent, delivered, unique human opens and clicks, bounces, complaints, unsubscribes, new contacts, rates, per day, and the change against the period before',
    request: { query: Query }, responses: { 200: json(TenantStats), 400: errors[400] },
  }),
};

export function registerStats(app: App) {
  app.openapi(routes.get, async (c) => c.json(await tenantStats(scopeOf(c), statsRange(c.req.valid('query'), Date.now())), 200));
}
