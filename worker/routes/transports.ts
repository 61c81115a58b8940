import { z } from '@hono/zod-openapi';
import { MAIL_STREAMS, TRANSPORT_KINDS } from '../db/schema';
import { actorOf } from '../domain/audit';
import { addTransport, deleteTransport, getTransport, listRoutes, listTransports, replaceRoutes, testTransport, updateTransport } from '../domain/transports';
import { preciseValidation } from '../lib/zod-issues';
import { transportConfigWith } from '../transports/registry';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const Name = z.string().trim().min(1).max(100);
const TransportId = z.string().min(3).max(64);

const Transport = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(TRANSPORT_KINDS),
    settings: z.record(z.string(), z.unknown()),
    credentials: z
      .record(z.string(), z.string())
      .nullable()
      .openapi({ description: 'Hints only (`••••1234`): secrets are never returned. Null when the stored secret can no longer be opened: re-enter it.' }),
    webhook_url: z
      .string()
      .nullable()
      .openapi({ description: 'Paste this into the provider’s webhook settings (SES: the SNS subscription endpoint); delivery, bounce and complaint reports come back here. Null for SMTP and the Email Service.' }),
    health: z
      .object({
        consecutive_failures: z.number().int(),
        failing: z.boolean().openapi({ description: 'The router sends through the fallback while this is true (5 failures in a row, the last under 10 minutes ago).' }),
        last_error: z.string().nullable(),
        last_failure_at: Timestamp.nullable(),
        last_success_at: Timestamp.nullable(),
      })
      .openapi('TransportHealth'),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
  })
  .openapi('Transport');

const TransportInput = transportConfigWith({ name: Name }).openapi('TransportInput', {
  description: 'SMTP, Amazon SES, SendGrid, Mailgun, Postmark, Resend or the Cloudflare Email Service (transactional only), with its settings and credentials.',
});
const TransportPatch = z
  .object({
    name: Name.optional(),
    settings: z.record(z.string(), z.unknown()).optional().openapi({ description: 'The complete settings of the transport’s kind; they replace the stored ones.' }),
    credentials: z.record(z.string(), z.string()).optional().openapi({ description: 'Only the fields sent change; the others keep their stored value.' }),
  })
  .strict();
const TestResult = z.object({ ok: z.literal(true), detail: z.string() }).openapi('TransportTestResult');

const Route = z
  .object({
    stream: z.enum(MAIL_STREAMS),
    domain: z.string().trim().min(1).max(253).openapi({ description: '`*` for every sending domain, or one of the workspace’s sending domains (it wins over `*`).' }),
    transport_id: TransportId,
    fallback_transport_id: TransportId.nullable().optional().openapi({ description: 'Carries the mail while the primary is failing.' }),
  })
  .strict()
  .openapi('TransportRoute');
const RouteTable = z.object({ data: z.array(Route) }).openapi('TransportRouteTable');
const TransportParam = IdParam('trn_01hx…');

const tags = ['Transports'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/transports', access: 'tenant:read', tags, summary: 'The workspace’s transports, with their health; secrets only as hints',
    responses: { 200: json(z.object({ data: z.array(Transport) })), 401: errors[401] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/transports', access: 'transports:write', tags, summary: 'Add a transport; its credentials are stored encrypted and never shown again',
    request: { body: jsonBody(TransportInput) }, responses: { 201: json(Transport), 400: errors[400], 409: errors[409] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/transports/{id}', access: 'tenant:read', tags, summary: 'One transport',
    request: { params: TransportParam }, responses: { 200: json(Transport), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/transports/{id}', access: 'transports:write', tags,
    summary: 'Rename a transport or change its settings or credentials (credentials left out are kept)',
    request: { params: TransportParam, body: jsonBody(TransportPatch) }, responses: { 200: json(Transport), 400: errors[400], 404: errors[404], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/transports/{id}', access: 'transports:write', tags, summary: 'Delete a transport that no route uses as its primary',
    request: { params: TransportParam }, responses: { 204: noContent, 404: errors[404], 409: errors[409] },
  }),
  test: defineRoute({
    method: 'post', path: '/v1/transports/{id}/test', access: 'transports:write', tags,
    summary: 'Check credentials and reachability without sending (30 per hour); the provider’s refusal comes back as a problem',
    request: { params: TransportParam },
    responses: { 200: json(TestResult), 404: errors[404], 422: errors[422], 429: errors[429], 503: errors[503] },
  }),
  listRoutes: defineRoute({
    method: 'get', path: '/v1/transport-routes', access: 'tenant:read', tags, summary: 'The routing table: which transport carries which stream, per sending domain',
    responses: { 200: json(RouteTable), 401: errors[401] },
  }),
  replaceRoutes: defineRoute({
    method: 'put', path: '/v1/transport-routes', access: 'transports:write', tags,
    summary: 'Replace the whole routing table; mail no route covers goes through the platform relay',
    request: { body: jsonBody(z.object({ routes: z.array(Route).max(100) }).strict()) }, responses: { 200: json(RouteTable), 400: errors[400] },
  }),
};

export function registerTransports(app: App) {
  app.openapi(routes.list, async (c) => c.json(await listTransports(c.env, scopeOf(c)), 200));
  app.openapi(routes.create, async (c) => c.json(await addTransport(c.env, scopeOf(c), c.req.valid('json'), actorOf(c.get('principal'))), 201), preciseValidation);
  app.openapi(routes.get, async (c) => c.json(await getTransport(c.env, scopeOf(c), c.req.valid('param').id), 200));
  app.openapi(routes.update, async (c) => c.json(await updateTransport(c.env, scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal'))), 200), preciseValidation);
  app.openapi(routes.remove, async (c) => {
    await deleteTransport(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.test, async (c) => c.json(await testTransport(c.env, scopeOf(c), c.req.valid('param').id), 200));
  app.openapi(routes.listRoutes, async (c) => c.json(await listRoutes(scopeOf(c)), 200));
  app.openapi(routes.replaceRoutes, async (c) => c.json(await replaceRoutes(scopeOf(c), c.req.valid('json').routes, actorOf(c.get('principal'))), 200), preciseValidation);
}
