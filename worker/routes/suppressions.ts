import { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { SUPPRESSION_REASONS, suppressions } from '../db/schema';
import { actorOf, audit } from '../domain/audit';
import { addSuppression, suppressionView } from '../domain/suppressions';
import { toCsv } from '../lib/csv';
import { PageQuery, pageOf } from '../lib/pagination';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const Suppression = z
  .object({ id: z.string(), kind: z.enum(['email', 'domain']), value: z.string(), reason: z.enum(SUPPRESSION_REASONS), note: z.string().nullable(), created_at: Timestamp })
  .openapi('Suppression');

const tags = ['Suppressions'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/suppressions', access: 'contacts:read', tags, summary: 'Suppressed addresses and domains, newest first',
    request: { query: PageQuery.extend({ reason: z.enum(SUPPRESSION_REASONS).optional() }) },
    responses: { 200: json(pageOf(Suppression)), 401: errors[401] },
  }),
  add: defineRoute({
    method: 'post', path: '/v1/suppressions', access: 'contacts:write', tags, summary: 'Suppress an address or a whole domain: it is never (re)subscribed or mailed',
    request: {
      body: jsonBody(
        z
          .object({ email: z.string().max(320).optional(), domain: z.string().max(253).optional(), reason: z.enum(SUPPRESSION_REASONS).default('manual'), note: z.string().trim().max(500).nullable().optional() })
          .refine((b) => Boolean(b.email) !== Boolean(b.domain), { message: 'give either email or domain', path: ['email'] }),
      ),
    },
    responses: { 201: json(Suppression), 400: errors[400], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/suppressions/{id}', access: 'contacts:write', tags, summary: 'Lift a suppression',
    request: { params: IdParam('sup_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
  export: defineRoute({
    method: 'get', path: '/v1/suppressions/export', access: 'contacts:read', tags, summary: 'All suppressions as CSV (cells neutralized against formula injection)',
    responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, 401: errors[401] },
  }),
};

export function registerSuppressions(app: App) {
  app.openapi(routes.export, async (c) => {
    const scope = scopeOf(c);
    const rows = await scope.db.select().from(suppressions).where(scope.own(suppressions)).orderBy(asc(suppressions.id)).all();
    const csv = toCsv(['kind', 'value', 'reason', 'note', 'created_at'], rows.map((s) => [s.kind, s.value, s.reason, s.note, s.createdAt]));
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="suppressions.csv"' });
  });
  app.openapi(routes.list, async (c) => {
    const { reason, ...page } = c.req.valid('query');
    return c.json(await scopeOf(c).list(suppressions, page, suppressionView, reason ? eq(suppressions.reason, reason) : undefined), 200);
  });
  app.openapi(routes.add, async (c) => c.json(suppressionView(await addSuppression(scopeOf(c), c.req.valid('json'), actorOf(c.get('principal')))), 201));
  app.openapi(routes.remove, async (c) => {
    const scope = scopeOf(c);
    await scope.remove(suppressions, c.req.valid('param').id, 'Suppression');
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'suppression.removed', target: { type: 'suppression', id: c.req.valid('param').id } });
    return c.body(null, 204);
  });
}
