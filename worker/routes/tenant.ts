import { z } from '@hono/zod-openapi';
import { getDb } from '../db/client';
import { actorOf } from '../domain/audit';
import { getTenant, tenantSettingsView, updateTenantSettings } from '../domain/tenant-settings';
import type { App } from '../types';
import { clientInfo, scopeOf } from './context';
import { audit } from '../domain/audit';
import { startJob } from '../domain/jobs';
import { openDownload } from '../domain/downloads';
import { closeTenant } from '../domain/tenant-lifecycle';
import { userOf } from '../middleware/auth';
import { defineRoute } from './define';
import { Email, Password, Problem as ProblemSchema, Timestamp, errors, json, jsonBody } from './schemas';

const CountryCode = z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE or US');
/** Header-safe display name: no line breaks (header injection), no angle brackets or quotes. */
const DisplayName = z.string().trim().min(1).max(100).regex(/^[^\r\n<>"]+$/, 'must not contain line breaks, quotes or angle brackets');
const TimeZone = z.string().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'pl', 'sv', 'da', 'nb', 'fi', 'cs', 'ja'] as const;

const PostalAddress = z
  .object({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).nullish(),
    city: z.string().trim().min(1).max(100),
    region: z.string().trim().max(100).nullish(),
    postal_code: z.string().trim().min(1).max(20),
    country: CountryCode,
  })
  .openapi('PostalAddress');

const Brand = z
  .object({
    logo_url: z.url({ protocol: /^https$/, message: 'must be an https URL' }).max(2048).nullish(),
    primary_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex color such as #4338ca').nullish(),
    footer_text: z.string().trim().max(500).nullish(),
  })
  .openapi('Brand');

const TenantSettings = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    plan: z.string(),
    status: z.string(),
    country: z.string().nullable(),
    postal_address: PostalAddress.nullable(),
    default_from_name: z.string().nullable(),
    default_reply_to: z.string().nullable(),
    timezone: z.string(),
    language: z.string(),
    brand: z.object({ logo_url: z.string().nullable(), primary_color: z.string().nullable(), footer_text: z.string().nullable() }),
    require_2fa: z.boolean(),
    event_retention_months: z.number().int(),
    sunset_after_months: z.number().int(),
    sending_ready: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
  })
  .openapi('TenantSettings');

const tags = ['Workspace'];
const routes = {
  get: defineRoute({
    method: 'get', path: '/v1/tenant', access: 'tenant:read', tags, summary: 'Workspace settings: organisation, postal address, defaults, brand',
    responses: { 200: json(TenantSettings), 401: errors[401] },
  }),
  patch: defineRoute({
    method: 'patch', path: '/v1/tenant', access: 'tenant:write', tags, summary: 'Change workspace settings (owners); send only the fields to change',
    request: {
      body: jsonBody(
        z
          .object({
            name: z.string().trim().min(2).max(100),
            country: CountryCode.nullable(),
            postal_address: PostalAddress.nullable(),
            default_from_name: DisplayName.nullable(),
            default_reply_to: Email.nullable(),
            timezone: TimeZone,
            language: z.enum(LANGUAGES),
            brand: Brand.nullable(),
            require_2fa: z.boolean(),
            event_retention_months: z.number().int().min(3).max(120).openapi({ description: 'Months per-event rows (sends, opens, clicks) are kept; campaign reports keep daily totals for good. Default 13.' }),
            sunset_after_months: z
              .number()
              .int()
              .refine((m) => m === 0 || (m >= 3 && m <= 60), '0 (off) or 3 to 60')
              .openapi({ description: 'Subscribed contacts who received mail but engaged with none of it for this many months become inactive; 0 turns it off. Default 12.' }),
          })
          .partial()
          .strict(),
      ),
    },
    responses: { 200: json(TenantSettings), 400: errors[400], 403: errors[403], 409: errors[409] },
  }),
};

const lifecycle = {
  export: defineRoute({
    method: 'post', path: '/v1/tenant/export', access: { user: 'tenant:write' }, tags,
    summary: "Export all of the workspace's data as a ZIP (a job; the download link is emailed and expires after 7 days)",
    responses: { 202: json(z.object({ job_id: z.string() }), 'Export started'), 403: errors[403] },
  }),
  close: defineRoute({
    method: 'post', path: '/v1/tenant/close', access: { user: 'tenant:write' }, tags,
    summary: 'Close the account: disabled at once, deleted after 30 days (support can restore it until then)',
    request: { body: jsonBody(z.object({ confirm: z.string().max(100).openapi({ description: "The workspace's slug, typed out" }), password: Password })) },
    responses: { 200: json(z.object({ status: z.literal('closed'), purge_after: Timestamp })), 400: errors[400], 401: errors[401], 403: errors[403] },
  }),
  download: defineRoute({
    method: 'get', path: '/v1/downloads/{token}', access: 'public', tags,
    summary: 'Download a file through a signed, expiring link (exports)',
    request: { params: z.object({ token: z.string().min(10).max(2000) }) },
    responses: {
      200: { description: 'The file', content: { 'application/zip': { schema: z.string().openapi({ format: 'binary' }) } } },
      404: errors[404],
      410: { description: 'The link has expired', content: { 'application/problem+json': { schema: ProblemSchema } } },
    },
  }),
};

export function registerTenant(app: App) {
  app.openapi(lifecycle.export, async (c) => {
    const p = userOf(c.get('principal'));
    const job = await startJob(c.env, scopeOf(c), 'tenant_export', {}, p.userId);
    await audit(getDb(c.env), { tenantId: p.tenantId, actor: actorOf(p), action: 'tenant.export_requested', target: { type: 'job', id: job.id }, ip: clientInfo(c).ip });
    return c.json({ job_id: job.id }, 202);
  });
  app.openapi(lifecycle.close, async (c) => {
    const purgeAfter = await closeTenant(c.env, getDb(c.env), userOf(c.get('principal')), c.req.valid('json'), clientInfo(c).ip);
    return c.json({ status: 'closed' as const, purge_after: purgeAfter.toISOString() }, 200);
  });
  app.openapi(lifecycle.download, async (c) => {
    const { object, filename } = await openDownload(c.env, c.req.valid('param').token);
    return c.body(object.body, 200, {
      'content-type': object.httpMetadata?.contentType ?? 'application/octet-stream',
      'content-disposition': `attachment; filename="${filename}"`,
      'content-length': String(object.size),
      'cache-control': 'private, no-store',
    });
  });
  app.openapi(routes.get, async (c) => c.json(tenantSettingsView(await getTenant(getDb(c.env), c.get('principal').tenantId)), 200));
  app.openapi(routes.patch, async (c) => {
    const p = c.get('principal');
    const t = await updateTenantSettings(getDb(c.env), p.tenantId, c.req.valid('json'), actorOf(p), clientInfo(c).ip);
    return c.json(tenantSettingsView(t), 200);
  });
}
