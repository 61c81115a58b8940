import { z } from '@hono/zod-openapi';
import { getDb } from '../db/client';
import { listTenants, setTenantStatus } from '../domain/admin';
import { audit } from '../domain/audit';
import { killSwitch } from '../domain/kill-switch';
import { restoreTenant } from '../domain/tenant-lifecycle';
import { reencryptSecrets } from '../domain/key-rotation';
import { encryptionKeys } from '../env';
import { tenantView } from '../domain/tenants';
import { PageQuery, pageOf } from '../lib/pagination';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { defineRoute } from './define';
import { IdParam, TenantView, errors, json, jsonBody } from './schemas';

const tags = ['Admin'];
const KillState = z.object({ engaged: z.boolean(), reason: z.string().nullable(), by: z.string().nullable(), at: z.string().nullable() });
const KillStatus = z.object({ global: KillState, tenants: z.record(z.string(), KillState) }).openapi('KillSwitchStatus');
const Reason = z.object({ reason: z.string().trim().min(3).max(500) });

const routes = {
  tenants: defineRoute({
    method: 'get', path: '/v1/admin/tenants', access: 'super_admin', tags, summary: 'All tenants with member counts',
    request: { query: PageQuery.extend({ status: z.enum(['active', 'suspended', 'closed']).optional() }) },
    responses: { 200: json(pageOf(TenantView.extend({ members: z.number().int() }))), 401: errors[401], 403: errors[403] },
  }),
  suspend: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/suspend', access: 'super_admin', tags, summary: "Suspend a tenant: its sending stops at once",
    request: { params: IdParam('ten_01hx…'), body: jsonBody(Reason) },
    responses: { 200: json(TenantView), 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  unsuspend: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/unsuspend', access: 'super_admin', tags, summary: 'Lift a suspension',
    request: { params: IdParam('ten_01hx…') },
    responses: { 200: json(TenantView), 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  restore: defineRoute({
    method: 'post', path: '/v1/admin/tenants/{id}/restore', access: 'super_admin', tags, summary: 'Restore a closed tenant before it is purged',
    request: { params: IdParam('ten_01hx…') },
    responses: { 200: json(TenantView), 403: errors[403], 404: errors[404], 409: errors[409] },
  }),
  reencrypt: defineRoute({
    method: 'post', path: '/v1/admin/encryption/reencrypt', access: 'super_admin', tags,
    summary: 'After rotating ENCRYPTION_KEY: re-seal every stored secret under the current key',
    responses: { 200: json(z.object({ checked: z.number().int(), reencrypted: z.number().int(), unreadable: z.number().int() })), 403: errors[403] },
  }),
  killStatus: defineRoute({
    method: 'get', path: '/v1/admin/kill-switch', access: 'super_admin', tags, summary: 'State of the global kill switch',
    responses: { 200: json(KillStatus), 403: errors[403] },
  }),
  killEngage: defineRoute({
    method: 'post', path: '/v1/admin/kill-switch/engage', access: 'super_admin', tags, summary: 'Stop all sending on the platform',
    request: { body: jsonBody(Reason) }, responses: { 200: json(KillStatus), 400: errors[400], 403: errors[403] },
  }),
  killRelease: defineRoute({
    method: 'post', path: '/v1/admin/kill-switch/release', access: 'super_admin', tags, summary: 'Resume sending on the platform',
    responses: { 200: json(KillStatus), 403: errors[403] },
  }),
};

export function registerAdmin(app: App) {
  app.openapi(routes.tenants, async (c) => {
    const { status, ...page } = c.req.valid('query');
    return c.json(await listTenants(getDb(c.env), page, status), 200);
  });
  app.openapi(routes.suspend, async (c) => {
    const t = await setTenantStatus(c.env, getDb(c.env), c.req.valid('param').id, 'suspended', userOf(c.get('principal')).userId, c.req.valid('json').reason);
    return c.json(tenantView(t), 200);
  });
  app.openapi(routes.unsuspend, async (c) => {
    const t = await setTenantStatus(c.env, getDb(c.env), c.req.valid('param').id, 'active', userOf(c.get('principal')).userId, undefined);
    return c.json(tenantView(t), 200);
  });
  app.openapi(routes.restore, async (c) => {
    const t = await restoreTenant(c.env, getDb(c.env), c.req.valid('param').id, userOf(c.get('principal')).userId);
    return c.json(tenantView(t), 200);
  });
  app.openapi(routes.reencrypt, async (c) => {
    const result = await reencryptSecrets(getDb(c.env), encryptionKeys(c.env));
    const admin = userOf(c.get('principal'));
    await audit(getDb(c.env), { tenantId: admin.tenantId, actor: { type: 'user', id: admin.userId }, action: 'admin.secrets_reencrypted', metadata: result });
    return c.json(result, 200);
  });
  app.openapi(routes.killStatus, async (c) => c.json(await killSwitch(c.env).status(), 200));
  app.openapi(routes.killEngage, async (c) => {
    const admin = userOf(c.get('principal'));
    const status = await killSwitch(c.env).engage({ reason: c.req.valid('json').reason, by: admin.userId });
    await audit(getDb(c.env), { tenantId: admin.tenantId, actor: { type: 'user', id: admin.userId }, action: 'admin.kill_switch_engaged', metadata: { reason: c.req.valid('json').reason } });
    return c.json(status, 200);
  });
  app.openapi(routes.killRelease, async (c) => {
    const admin = userOf(c.get('principal'));
    const status = await killSwitch(c.env).release({});
    await audit(getDb(c.env), { tenantId: admin.tenantId, actor: { type: 'user', id: admin.userId }, action: 'admin.kill_switch_released' });
    return c.json(status, 200);
  });
}
