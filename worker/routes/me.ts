import { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '../db/client';
import { memberships, tenants, users } from '../db/schema';
import { userView } from '../domain/auth';
import { PERMISSIONS } from '../domain/permissions';
import { tenantView } from '../domain/tenants';
import { can } from '../middleware/auth';
import { notFound } from '../lib/problem';
import type { App } from '../types';
import { defineRoute } from './define';
import { Role, TenantView, UserView, errors, json } from './schemas';

const Me = z
  .object({
    user: UserView.nullable().openapi({ description: 'Null when called with an API key' }),
    tenant: TenantView,
    role: Role.nullable(),
    permissions: z.array(z.string()),
    super_admin: z.boolean(),
    api_key_id: z.string().nullable(),
    workspaces: z.array(z.object({ tenant_id: z.string(), tenant_name: z.string(), role: Role })),
  })
  .openapi('Me');

const getMe = defineRoute({
  method: 'get', path: '/v1/me', access: 'tenant:read', tags: ['Account'],
  summary: 'The caller: user (or API key), current workspace, role and effective permissions',
  responses: { 200: json(Me), 401: errors[401] },
});

export function registerMe(app: App) {
  app.openapi(getMe, async (c) => {
    const p = c.get('principal');
    const db = getDb(c.env);
    const tenant = await db.select().from(tenants).where(eq(tenants.id, p.tenantId)).get();
    if (!tenant) throw notFound('Workspace');
    const permissions = PERMISSIONS.filter((perm) => can(p, perm));
    if (p.kind === 'api_key') {
      return c.json({ user: null, tenant: tenantView(tenant), role: null, permissions, super_admin: false, api_key_id: p.keyId, workspaces: [] }, 200);
    }
    const user = await db.select().from(users).where(eq(users.id, p.userId)).get();
    if (!user) throw notFound('User');
    const workspaces = await db
      .select({ tenant_id: tenants.id, tenant_name: tenants.name, role: memberships.role })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(eq(memberships.userId, p.userId))
      .orderBy(asc(memberships.createdAt))
      .all();
    return c.json({ user: userView(user), tenant: tenantView(tenant), role: p.role, permissions, super_admin: p.superAdmin, api_key_id: null, workspaces }, 200);
  });
}
