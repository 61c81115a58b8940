import { and, count, desc, eq, lt } from 'drizzle-orm';
import type { DB } from '../db/client';
import { memberships, tenants } from '../db/schema';
import type { Env } from '../env';
import { decodeCursor, toPage } from '../lib/pagination';
import { Problem, notFound } from '../lib/problem';
import { audit } from './audit';
import { killSwitch } from './kill-switch';
import { tenantView } from './tenants';

/** Platform operations; callers are super-admins (checked by the route). */
export async function listTenants(db: DB, page: { limit: number; cursor?: string }, status?: 'active' | 'suspended' | 'closed') {
  const after = decodeCursor(page.cursor);
  const rows = await db
    .select({ tenant: tenants, members: count(memberships.id) })
    .from(tenants)
    .leftJoin(memberships, eq(memberships.tenantId, tenants.id))
    .where(and(after ? lt(tenants.id, after) : undefined, status ? eq(tenants.status, status) : undefined))
    .groupBy(tenants.id)
    .orderBy(desc(tenants.id))
    .limit(page.limit + 1)
    .all();
  return toPage(
    rows.map((r) => ({ ...r.tenant, members: r.members })),
    page.limit,
    (t) => ({ ...tenantView(t), members: t.members }),
  );
}

export async function setTenantStatus(env: Env, db: DB, tenantId: string, status: 'active' | 'suspended', actorUserId: string, reason: string | undefined) {
  const tenant = await db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
  if (!tenant) throw notFound('Tenant');
  if (tenant.status === 'closed') throw new Problem('conflict', 'A closed tenant cannot be suspended or reactivated here.');
  const updated = (await db.update(tenants).set({ status, updatedAt: new Date() }).where(eq(tenants.id, tenantId)).returning().get())!;
  // Suspension also stops this tenant's sending at once through the kill switch.
  const ks = killSwitch(env);
  if (status === 'suspended') await ks.engage({ tenantId, reason: reason ?? 'suspended by a platform admin', by: actorUserId });
  else await ks.release({ tenantId });
  await audit(db, { tenantId, actor: { type: 'user', id: actorUserId }, action: status === 'suspended' ? 'admin.tenant_suspended' : 'admin.tenant_unsuspended', target: { type: 'tenant', id: tenantId }, metadata: reason ? { reason } : {} });
  return updated;
}
