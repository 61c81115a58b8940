import { and, eq, lt } from 'drizzle-orm';
import type { DB } from '../db/client';
import { memberships, tenants, users, type Job } from '../db/schema';
import type { Env } from '../env';
import { verifyPassword } from '../lib/crypto';
import { Problem, notFound } from '../lib/problem';
import { audit } from './audit';
import { publishDownload } from './downloads';
import { updateJob } from './jobs';
import { killSwitch } from './kill-switch';
import { notify } from './notifications';
import { sendSystemEmail } from './system-mail';
import { buildTenantExportZip } from './tenant-export';

/** R2 key prefixes under which files are kept per tenant (`<prefix>/<tenant id>/…`). */
const TENANT_FILE_PREFIXES = ['exports', 'imports'];

export const PURGE_AFTER_MS = 30 * 24 * 3600_000;

const exportKey = (tenantId: string, jobId: string) => `exports/${tenantId}/${jobId}.zip`;

/** Runs a tenant_export job: ZIP to R2, a signed 7-day link, and a notification to whoever asked. */
export async function runTenantExport(env: Env, db: DB, job: Job) {
  const zip = await buildTenantExportZip(db, job.tenantId);
  const key = exportKey(job.tenantId, job.id);
  await env.FILES.put(key, zip, { httpMetadata: { contentType: 'application/zip' } });
  const { url: downloadUrl, expiresAt } = await publishDownload(env, key, `edgepost-export-${job.tenantId}.zip`);
  await updateJob(db, job.id, { status: 'succeeded', processed: 1, total: 1, finishedAt: new Date(), result: { download_url: downloadUrl, expires_at: expiresAt.toISOString(), bytes: zip.byteLength } });
  if (job.createdBy) {
    await notify(env, db, {
      tenantId: job.tenantId,
      kind: 'export_finished',
      data: { job_id: job.id, expires_on: expiresAt.toDateString(), download_url: downloadUrl },
      userIds: [job.createdBy],
    });
  }
}

/** Closing: owner's password and the workspace slug typed out; disabled at once, purged after 30 days. */
export async function closeTenant(env: Env, db: DB, caller: { userId: string; tenantId: string }, input: { confirm: string; password: string }, ip: string | null) {
  const tenant = await db.select().from(tenants).where(eq(tenants.id, caller.tenantId)).get();
  if (!tenant) throw notFound('Workspace');
  if (input.confirm !== tenant.slug) {
    throw new Problem('validation-error', `Type the workspace's identifier "${tenant.slug}" to confirm.`, { extensions: { errors: [{ field: 'confirm', message: `must be ${tenant.slug}` }] } });
  }
  const user = await db.select().from(users).where(eq(users.id, caller.userId)).get();
  if (!user || !(await verifyPassword(input.password, user.passwordHash))) throw new Problem('invalid-credentials', 'The password is not correct.');
  const now = Date.now();
  const purgeAfter = new Date(now + PURGE_AFTER_MS);
  await db.update(tenants).set({ status: 'closed', closedAt: new Date(now), purgeAfter, updatedAt: new Date(now) }).where(eq(tenants.id, tenant.id)).run();
  await killSwitch(env).engage({ tenantId: tenant.id, reason: 'account closed', by: caller.userId });
  await audit(db, { tenantId: tenant.id, actor: { type: 'user', id: caller.userId }, action: 'tenant.closed', target: { type: 'tenant', id: tenant.id }, ip, metadata: { purge_after: purgeAfter.toISOString() } });
  const owners = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.role, 'owner')))
    .all();
  for (const o of owners) {
    await sendSystemEmail(env, {
      to: o.email,
      subject: `Your Edgepost workspace ${tenant.name} is closed`,
      paragraphs: [
        `The workspace ${tenant.name} was closed and can no longer be used. Its data will be deleted for good on ${purgeAfter.toDateString()}.`,
        'Changed your mind? Until then, Edgepost support can restore it.',
      ],
    });
  }
  return purgeAfter;
}

export async function restoreTenant(env: Env, db: DB, tenantId: string, adminUserId: string) {
  const tenant = await db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
  if (!tenant) throw notFound('Tenant');
  if (tenant.status !== 'closed') throw new Problem('conflict', 'Only a closed workspace can be restored.');
  const restored = (await db.update(tenants).set({ status: 'active', closedAt: null, purgeAfter: null, updatedAt: new Date() }).where(eq(tenants.id, tenantId)).returning().get())!;
  await killSwitch(env).release({ tenantId });
  await audit(db, { tenantId, actor: { type: 'user', id: adminUserId }, action: 'admin.tenant_restored', target: { type: 'tenant', id: tenantId } });
  return restored;
}

/** Cron: closed workspaces past their purge date are deleted with everything they own (cascades) and their files. */
export async function purgeClosedTenants(env: Env, db: DB, now = Date.now()) {
  const due = await db.select({ id: tenants.id }).from(tenants).where(and(eq(tenants.status, 'closed'), lt(tenants.purgeAfter, new Date(now)))).all();
  for (const { id } of due) {
    // Every file a workspace leaves in R2: exports, import uploads, staged rows and error reports.
    for (const prefix of TENANT_FILE_PREFIXES) {
      let cursor: string | undefined;
      do {
        const page = await env.FILES.list({ prefix: `${prefix}/${id}/`, cursor });
        if (page.objects.length) await env.FILES.delete(page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    }
    await db.delete(tenants).where(eq(tenants.id, id)).run();
    await killSwitch(env).release({ tenantId: id });
  }
  return due.length;
}
