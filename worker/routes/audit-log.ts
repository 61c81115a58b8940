import { z } from '@hono/zod-openapi';
import { listAudit } from '../domain/audit';
import { PageQuery, pageOf } from '../lib/pagination';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { Timestamp, errors, json } from './schemas';

const AuditEntry = z
  .object({
    id: z.string(),
    actor_type: z.enum(['user', 'api_key', 'system', 'anonymous']),
    actor_id: z.string().nullable(),
    action: z.string().openapi({ example: 'member.role_changed' }),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    ip: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
  })
  .openapi('AuditEntry');

const list = defineRoute({
  method: 'get', path: '/v1/audit-log', access: 'audit:read', tags: ['Audit log'],
  summary: 'Who did what, newest first',
  request: {
    query: PageQuery.extend({
      action: z.string().max(80).regex(/^[a-z_.*]+$/, 'letters, dots, underscores; end with .* for a family').optional(),
      actor_id: z.string().max(64).optional(),
      target_type: z.string().max(40).optional(),
      target_id: z.string().max(64).optional(),
      since: z.iso.datetime({ offset: true }).optional(),
      until: z.iso.datetime({ offset: true }).optional(),
    }),
  },
  responses: { 200: json(pageOf(AuditEntry)), 400: errors[400], 401: errors[401], 403: errors[403] },
});

export function registerAuditLog(app: App) {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = await listAudit(
      scopeOf(c),
      {
        action: q.action,
        actorId: q.actor_id,
        targetType: q.target_type,
        targetId: q.target_id,
        since: q.since ? new Date(q.since) : undefined,
        until: q.until ? new Date(q.until) : undefined,
      },
      q,
    );
    return c.json(page, 200);
  });
}
