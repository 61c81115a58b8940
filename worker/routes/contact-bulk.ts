import { z } from '@hono/zod-openapi';
import { actorOf } from '../domain/audit';
import { BULK_ACTIONS, INLINE_LIMIT, bulkAction } from '../domain/contact-bulk';
import { SelectionSchema } from '../domain/contact-selection';
import { preciseValidation } from '../lib/zod-issues';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { JobView, jobView } from './jobs';
import { errors, json, jsonBody } from './schemas';

const BulkBody = z
  .object({
    action: z.enum(BULK_ACTIONS),
    tag: z.string().trim().min(1).max(50).optional().openapi({ description: 'For tag and untag (created on demand when tagging)' }),
    list_id: z.string().min(3).max(64).optional().openapi({ description: 'For list_add and list_remove' }),
    selection: SelectionSchema,
  })
  .strict();

const bulk = defineRoute({
  method: 'post', path: '/v1/contacts/bulk', access: 'contacts:write', tags: ['Contacts'],
  summary: `Tag, untag, add to or remove from a list, unsubscribe, reactivate (inactive contacts) or delete many contacts: up to ${INLINE_LIMIT} changes at once, more as a job`,
  request: { body: jsonBody(BulkBody) },
  responses: {
    200: json(z.object({ affected: z.number().int().openapi({ description: 'Contacts changed (already tagged, already removed… do not count)' }) }), 'Done'),
    202: json(JobView, 'Started as a contact_bulk job: poll GET /v1/jobs/{id}; its result is { affected }'),
    400: errors[400], 403: errors[403], 404: errors[404],
  },
});

export function registerContactBulk(app: App) {
  app.openapi(
    bulk,
    async (c) => {
      const p = c.get('principal');
      const outcome = await bulkAction(c.env, scopeOf(c), c.req.valid('json'), actorOf(p), p.kind === 'user' ? p.userId : null);
      return 'job' in outcome ? c.json(jobView(outcome.job), 202) : c.json(outcome, 200);
    },
    preciseValidation,
  );
}
