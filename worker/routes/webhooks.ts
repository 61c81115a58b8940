import { z } from '@hono/zod-openapi';
import { WEBHOOK_EVENT_TYPES } from '../db/schema';
import { actorOf } from '../domain/audit';
import { emitWebhookEvents, replayDelivery } from '../domain/webhook-delivery';
import { createEndpoint, deleteEndpoint, deliveryView, endpointView, getDelivery, getEndpoint, listDeliveries, listEndpoints, rotateSecret, updateEndpoint } from '../domain/webhooks';
import { PageQuery, pageOf } from '../lib/pagination';
import { Problem } from '../lib/problem';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const Url = z.string().trim().min(1).max(2000).openapi({ example: 'https://example.com/hooks/edgepost' });
const EventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)])
  .openapi({ description: 'The event types to receive; empty or absent for all of them.' });

const Endpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()),
    status: z.enum(['active', 'disabled']),
    disabled_reason: z.string().nullable(),
    consecutive_failures: z.number().int(),
    failing_since: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
  })
  .openapi('WebhookEndpoint');
const WithSecret = Endpoint.extend({ secret: z.string().openapi({ description: 'The signing secret (`whsec_…`): shown once. Verify deliveries with any Standard Webhooks library.' }) }).openapi('WebhookEndpointWithSecret');
const Delivery = z
  .object({
    id: z.string().openapi({ description: 'Also the `webhook-id` header: the same on every attempt, for deduplication' }),
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    response_status: z.number().int().nullable(),
    response_excerpt: z.string().nullable(),
    latency_ms: z.number().int().nullable(),
    error: z.string().nullable(),
    next_attempt_at: Timestamp.nullable(),
    created_at: Timestamp,
    delivered_at: Timestamp.nullable(),
    payload: z.unknown(),
  })
  .openapi('WebhookDelivery');

const EndpointParam = IdParam('whe_01hx…');
const tags = ['Webhooks'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/webhooks', access: 'webhooks:write', tags, summary: 'The workspace’s webhook endpoints',
    responses: { 200: json(z.object({ data: z.array(Endpoint) })), 401: errors[401] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/webhooks', access: 'webhooks:write', tags,
    summary: 'Add an endpoint (http or https; private, loopback and link-local addresses are refused); answers its signing secret once',
    request: { body: jsonBody(z.object({ url: Url, description: z.string().trim().max(200).nullable().optional(), event_types: EventTypes.optional() }).strict()) },
    responses: { 201: json(WithSecret), 400: errors[400], 409: errors[409] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/webhooks/{id}', access: 'webhooks:write', tags, summary: 'One endpoint',
    request: { params: EndpointParam }, responses: { 200: json(Endpoint), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/webhooks/{id}', access: 'webhooks:write', tags, summary: 'Change the URL, description or event types; `enabled: true` re-enables a disabled endpoint',
    request: { params: EndpointParam, body: jsonBody(z.object({ url: Url.optional(), description: z.string().trim().max(200).nullable().optional(), event_types: EventTypes.optional(), enabled: z.boolean().optional() }).strict()) },
    responses: { 200: json(Endpoint), 400: errors[400], 404: errors[404] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/webhooks/{id}', access: 'webhooks:write', tags, summary: 'Delete an endpoint and its delivery log',
    request: { params: EndpointParam }, responses: { 204: noContent, 404: errors[404] },
  }),
  rotate: defineRoute({
    method: 'post', path: '/v1/webhooks/{id}/rotate-secret', access: 'webhooks:write', tags,
    summary: 'A new signing secret, shown once; the old one keeps signing (a second signature) for 24 hours',
    request: { params: EndpointParam }, responses: { 200: json(z.object({ secret: z.string() })), 404: errors[404] },
  }),
  test: defineRoute({
    method: 'post', path: '/v1/webhooks/{id}/test', access: 'webhooks:write', tags, summary: 'Send a `webhook.test` event to this endpoint now',
    request: { params: EndpointParam }, responses: { 202: json(z.object({ queued: z.number().int() })), 404: errors[404], 409: errors[409] },
  }),
  deliveries: defineRoute({
    method: 'get', path: '/v1/webhooks/{id}/deliveries', access: 'webhooks:write', tags, summary: 'The delivery log, newest first: status, attempts, latency, the response’s first 500 characters',
    request: { params: EndpointParam, query: PageQuery }, responses: { 200: json(pageOf(Delivery)), 404: errors[404] },
  }),
  replay: defineRoute({
    method: 'post', path: '/v1/webhooks/{id}/deliveries/{delivery_id}/replay', access: 'webhooks:write', tags, summary: 'Send a delivery again from its first attempt (same `webhook-id`)',
    request: { params: EndpointParam.extend({ delivery_id: z.string().min(3).max(64).openapi({ param: { name: 'delivery_id', in: 'path' } }) }) },
    responses: { 202: json(Delivery), 404: errors[404], 409: errors[409] },
  }),
};

export function registerWebhooks(app: App) {
  app.openapi(routes.list, async (c) => {
    const scope = scopeOf(c);
    const rows = await listEndpoints(scope);
    return c.json({ data: rows.map(endpointView) }, 200);
  });
  app.openapi(routes.create, async (c) => {
    const { endpoint, secret } = await createEndpoint(c.env, scopeOf(c), c.req.valid('json'), actorOf(c.get('principal')));
    return c.json({ ...endpointView(endpoint), secret }, 201);
  });
  app.openapi(routes.get, async (c) => c.json(endpointView(await getEndpoint(scopeOf(c), c.req.valid('param').id)), 200));
  app.openapi(routes.update, async (c) => c.json(endpointView(await updateEndpoint(c.env, scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal')))), 200));
  app.openapi(routes.remove, async (c) => {
    await deleteEndpoint(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.rotate, async (c) => c.json({ secret: await rotateSecret(c.env, scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal'))) }, 200));
  app.openapi(routes.test, async (c) => {
    const scope = scopeOf(c);
    const e = await getEndpoint(scope, c.req.valid('param').id);
    if (e.status === 'disabled') throw conflictDisabled();
    const queued = await emitWebhookEvents(c.env, scope.db, scope.tenantId, [{ type: 'webhook.test', data: { message: 'A test event from Edgepost.', endpoint_id: e.id } }], e.id);
    return c.json({ queued }, 202);
  });
  app.openapi(routes.deliveries, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listDeliveries(scopeOf(c), c.req.valid('param').id, { limit, cursor }), 200);
  });
  app.openapi(routes.replay, async (c) => {
    const scope = scopeOf(c);
    const { id, delivery_id } = c.req.valid('param');
    const e = await getEndpoint(scope, id);
    if (e.status === 'disabled') throw conflictDisabled();
    await getDelivery(scope, id, delivery_id);
    await replayDelivery(c.env, scope.db, scope.tenantId, delivery_id);
    return c.json(deliveryView(await getDelivery(scope, id, delivery_id)), 202);
  });
}

const conflictDisabled = () => new Problem('conflict', 'The endpoint is disabled: enable it first (PATCH with `enabled: true`).');
