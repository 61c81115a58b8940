import { z } from '@hono/zod-openapi';
import { DOMAIN_STATUSES } from '../db/schema';
import { actorOf } from '../domain/audit';
import { RECORD_STATES } from '../domain/domain-records';
import { addDomain, deleteDomain, getDomainView, listDomains, publishLocally, rotateDkim, verifyDomain } from '../domain/sending-domains';
import { preciseValidation } from '../lib/zod-issues';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const DnsRecord = z
  .object({
    kind: z.enum(['dkim', 'spf', 'dmarc', 'return_path']),
    name: z.string().openapi({ description: 'Fully qualified name to publish the record at.' }),
    type: z.enum(['TXT', 'CNAME', 'MX']),
    expected: z.string().openapi({
      description:
        'The value to publish. A DKIM value is longer than 255 characters: DNS providers store it as several quoted strings, which the check joins.',
    }),
    found: z.array(z.string()).openapi({ description: 'What DNS answered at the last check (TXT strings joined); empty before the first check.' }),
    ok: z.boolean(),
    required: z.boolean().openapi({ description: 'DMARC, and the new key of a rotation in progress, are not required for verification.' }),
    state: z.enum(RECORD_STATES).openapi({ description: '`error`: the lookup failed, so nothing was concluded from it.' }),
    detail: z.string().nullable().openapi({ description: 'What is wrong and how to fix it.' }),
  })
  .openapi('DnsRecordCheck');

const DkimKey = z
  .object({ selector: z.string(), status: z.enum(['pending', 'active', 'retired']), created_at: Timestamp, activated_at: Timestamp.nullable(), retired_at: Timestamp.nullable() })
  .openapi('DkimKey');

const Domain = z
  .object({
    id: z.string(),
    domain: z.string(),
    status: z.enum(DOMAIN_STATUSES),
    records: z.array(DnsRecord),
    dkim_keys: z.array(DkimKey),
    verified_at: Timestamp.nullable(),
    last_checked_at: Timestamp.nullable(),
    failing_since: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi('SendingDomain');

const DomainList = z
  .object({
    data: z.array(Domain),
    platform: z
      .object({
        domain: z.string(),
        from_email: z.string().openapi({ description: 'The address this workspace sends from without a verified domain of its own.' }),
        dkim_selector: z.string(),
        dkim_record_name: z.string(),
        dkim_record_value: z.string().openapi({ description: 'The platform DKIM record the operator publishes once.' }),
      })
      .openapi('PlatformSender'),
    custom_domains_allowed: z.boolean(),
    max_domains: z.number().int(),
  })
  .openapi('SendingDomainList');

const DomainBody = z.object({ domain: z.string().min(1).max(300).openapi({ example: 'acme.com' }) }).strict();
const DomainId = IdParam('dom_01hx…');

const tags = ['Domains'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/domains', access: 'tenant:read', tags, summary: 'Sending domains with their DNS records, and the platform address free plans send from',
    responses: { 200: json(DomainList), 401: errors[401] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/domains', access: 'domains:write', tags, summary: 'Add a sending domain: generates its DKIM key and lists the records to publish',
    request: { body: jsonBody(DomainBody) }, responses: { 201: json(Domain), 400: errors[400], 409: errors[409] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/domains/{id}', access: 'tenant:read', tags, summary: 'One sending domain',
    request: { params: DomainId }, responses: { 200: json(Domain), 404: errors[404] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/domains/{id}', access: 'domains:write', tags, summary: 'Remove a sending domain and its keys',
    request: { params: DomainId }, responses: { 204: noContent, 404: errors[404] },
  }),
  verify: defineRoute({
    method: 'post', path: '/v1/domains/{id}/verify', access: 'domains:write', tags, summary: 'Look the DNS records up now and report each one (30 per hour)',
    request: { params: DomainId }, responses: { 200: json(Domain), 404: errors[404], 429: errors[429] },
  }),
  rotate: defineRoute({
    method: 'post', path: '/v1/domains/{id}/rotate-dkim', access: 'domains:write', tags,
    summary: 'Start a DKIM key rotation: a new key under a new selector takes over once its record is published',
    request: { params: DomainId }, responses: { 200: json(Domain), 404: errors[404], 409: errors[409] },
  }),
  publishLocal: defineRoute({
    method: 'post', path: '/v1/domains/{id}/publish-local', access: 'domains:write', tags,
    summary: 'Development only: publish the expected records in the local DNS zone (404 in production)',
    request: { params: DomainId }, responses: { 200: json(Domain), 404: errors[404] },
  }),
};

export function registerDomains(app: App) {
  app.openapi(routes.list, async (c) => c.json(await listDomains(c.env, scopeOf(c)), 200));
  app.openapi(routes.create, async (c) => c.json(await addDomain(c.env, scopeOf(c), c.req.valid('json').domain, actorOf(c.get('principal'))), 201), preciseValidation);
  app.openapi(routes.get, async (c) => c.json(await getDomainView(c.env, scopeOf(c), c.req.valid('param').id), 200));
  app.openapi(routes.remove, async (c) => {
    await deleteDomain(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.verify, async (c) => c.json(await verifyDomain(c.env, scopeOf(c), c.req.valid('param').id), 200));
  app.openapi(routes.rotate, async (c) => c.json(await rotateDkim(c.env, scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal'))), 200));
  app.openapi(routes.publishLocal, async (c) => c.json(await publishLocally(c.env, scopeOf(c), c.req.valid('param').id), 200));
}
