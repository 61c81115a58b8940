import { z } from '@hono/zod-openapi';
import type { App } from '../types';
import { checkReadiness } from '../domain/readiness';
import { defineRoute } from './define';

const Liveness = z.object({ status: z.literal('ok') });
const Readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional(), ms: z.number() })),
});

const live = defineRoute({
  method: 'get',
  path: '/health',
  access: 'public',
  tags: ['Health'],
  summary: 'Liveness: the worker answers',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Liveness } } } },
});

const ready = defineRoute({
  method: 'get',
  path: '/health/ready',
  access: 'public',
  tags: ['Health'],
  summary: 'Readiness: D1, a Durable Object round-trip and the queue bindings',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Readiness } } },
    503: { description: 'A dependency failed; the failing check is named', content: { 'application/json': { schema: Readiness } } },
  },
});

export function registerHealth(app: App) {
  app.openapi(live, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(ready, async (c) => {
    const checks = await checkReadiness(c.env);
    const ok = Object.values(checks).every((r) => r.ok);
    c.header('cache-control', 'no-store');
    return c.json({ status: ok ? ('ready' as const) : ('unavailable' as const), checks }, ok ? 200 : 503);
  });
}
