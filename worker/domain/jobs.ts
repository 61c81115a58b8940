import { eq } from 'drizzle-orm';
import type { DB } from '../db/client';
import { jobs, type Job } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { ID_PREFIX, newId } from '../lib/ids';

/** A background job: a row that reports progress, and a message on the jobs queue that runs it. */
export async function startJob(env: Env, scope: TenantScope, type: string, params: Record<string, unknown>, createdBy: string | null): Promise<Job> {
  const job = await scope.insert(jobs, { id: newId(ID_PREFIX.job), type, params, createdBy });
  await env.JOBS_QUEUE.send({ type: 'job', jobId: job.id, tenantId: scope.tenantId });
  return job;
}

export async function updateJob(db: DB, jobId: string, set: Partial<typeof jobs.$inferInsert>) {
  await db.update(jobs).set({ ...set, updatedAt: new Date() }).where(eq(jobs.id, jobId)).run();
}
