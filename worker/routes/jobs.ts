import { z } from '@hono/zod-openapi';
import { jobs, type Job } from '../db/schema';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json } from './schemas';

export const JobView = z
  .object({
    id: z.string(),
    type: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
    total: z.number().int().nullable(),
    processed: z.number().int(),
    progress: z.number().min(0).max(100).nullable().openapi({ description: 'Percent done, when the total is known' }),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
  })
  .openapi('Job');

export function jobView(j: Job): z.infer<typeof JobView> {
  return {
    id: j.id,
    type: j.type,
    status: j.status,
    total: j.total,
    processed: j.processed,
    progress: j.total ? Math.min(100, Math.round((j.processed / j.total) * 1000) / 10) : j.status === 'succeeded' ? 100 : null,
    result: j.result ?? null,
    error: j.error,
    created_at: j.createdAt.toISOString(),
    updated_at: j.updatedAt?.toISOString() ?? null,
    finished_at: j.finishedAt?.toISOString() ?? null,
  };
}

const get = defineRoute({
  method: 'get', path: '/v1/jobs/{id}', access: 'jobs:read', tags: ['Jobs'],
  summary: 'Status and progress of a background job (import, export, bulk action)',
  request: { params: IdParam('job_01hx…') },
  responses: { 200: json(JobView), 401: errors[401], 404: errors[404] },
});

export function registerJobs(app: App) {
  app.openapi(get, async (c) => c.json(jobView(await scopeOf(c).get(jobs, c.req.valid('param').id, 'Job')), 200));
}
