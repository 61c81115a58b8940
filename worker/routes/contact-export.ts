import { z } from '@hono/zod-openapi';
import { actorOf } from '../domain/audit';
import { SelectionSchema } from '../domain/contact-selection';
import { startContactExport } from '../domain/contact-export';
import { preciseValidation } from '../lib/zod-issues';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { JobView, jobView } from './jobs';
import { errors, json, jsonBody } from './schemas';

const ExportBody = z
  .object({
    selection: SelectionSchema.optional().openapi({ description: 'Default: every live contact' }),
    fields: z
      .array(z.string().max(60))
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'Columns in this order: id, email, first_name, last_name, phone, company, city, country, language, timezone, status, tags, lists, consent_source, consent_at, created_at, custom.<key>. Default: all' }),
  })
  .strict();

const exportContacts = defineRoute({
  method: 'post', path: '/v1/contacts/export', access: 'contacts:read', tags: ['Contacts'],
  summary: 'Export contacts as CSV (a contact_export job; the result has a download link valid 7 days, and the requester is notified)',
  request: { body: jsonBody(ExportBody) },
  responses: { 202: json(JobView, 'Started: poll GET /v1/jobs/{id}; its result is { rows, download_url, expires_at }'), 400: errors[400], 403: errors[403], 404: errors[404] },
});

export function registerContactExport(app: App) {
  app.openapi(
    exportContacts,
    async (c) => {
      const p = c.get('principal');
      const job = await startContactExport(c.env, scopeOf(c), c.req.valid('json'), actorOf(p), p.kind === 'user' ? p.userId : null);
      return c.json(jobView(job), 202);
    },
    preciseValidation,
  );
}
