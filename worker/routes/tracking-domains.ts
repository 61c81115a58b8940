import { z } from '@hono/zod-openapi';
import { actorOf } from '../domain/audit';
import { getTrackingDomain, publishTrackingLocally, removeTrackingDomain, setTrackingDomain, verifyTrackingDomain } from '../domain/tracking-domains';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { Timestamp, errors, json, jsonBody, noContent } from './schemas';

const TrackingDomain = z
  .object({
    id: z.string(),
    hostname: z.string(),
    status: z.enum(['pending', 'active', 'failing']).openapi({ description: '`active`: links in new mail use this hostname' }),
    detail: z.string().nullable(),
    record: z.object({ type: z.literal('CNAME'), name: z.string(), value: z.string() }).openapi({ description: 'The DNS record to publish' }),
    tls: z.enum(['cloudflare', 'operator']).openapi({ description: '`cloudflare`: a certificate is issued by Cloudflare for SaaS once the CNAME is live' }),
    last_checked_at: Timestamp.nullable(),
    verified_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi('TrackingDomain');

const tags = ['Sending domains'];
const path = '/v1/tracking-domain';
const routes = {
  get: defineRoute({ method: 'get', path, access: 'tenant:read', tags, summary: 'The workspace’s own hostname for tracking, unsubscribe and preference links', responses: { 200: json(TrackingDomain), 404: errors[404] } }),
  set: defineRoute({
    method: 'put', path, access: 'domains:write', tags, summary: 'Use a subdomain of yours (e.g. links.acme.com) for links: publish the CNAME it answers, then verify',
    request: { body: jsonBody(z.object({ hostname: z.string().trim().min(1).max(253) }).strict()) },
    responses: { 201: json(TrackingDomain), 400: errors[400], 403: errors[403], 409: errors[409] },
  }),
  remove: defineRoute({ method: 'delete', path, access: 'domains:write', tags, summary: 'Stop using the hostname: new mail links to the platform again', responses: { 204: noContent, 404: errors[404] } }),
  verify: defineRoute({ method: 'post', path: `${path}/verify`, access: 'domains:write', tags, summary: 'Look the CNAME up now (shares the 30 per hour of domain checks)', responses: { 200: json(TrackingDomain), 404: errors[404], 429: errors[429] } }),
  publishLocal: defineRoute({
    method: 'post', path: `${path}/publish-local`, access: 'domains:write', tags, summary: 'Development only: write the CNAME into the local DNS zone',
    responses: { 200: json(TrackingDomain), 404: errors[404] },
  }),
};

export function registerTrackingDomains(app: App) {
  app.openapi(routes.get, async (c) => c.json(await getTrackingDomain(c.env, scopeOf(c)), 200));
  app.openapi(routes.set, async (c) => c.json(await setTrackingDomain(c.env, scopeOf(c), c.req.valid('json').hostname, actorOf(c.get('principal'))), 201));
  app.openapi(routes.remove, async (c) => {
    await removeTrackingDomain(c.env, scopeOf(c), actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.verify, async (c) => c.json(await verifyTrackingDomain(c.env, scopeOf(c)), 200));
  app.openapi(routes.publishLocal, async (c) => c.json(await publishTrackingLocally(c.env, scopeOf(c)), 200));
}
