import { and, eq, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { jobs, type Job } from '../db/schema';
import type { Env } from '../env';

/**
 * Long jobs (bulk actions, exports) work through their input in chunks and keep where they stand
 * in `params.resume` — internal state, never shown by GET /v1/jobs — so a crashed or re-delivered
 * run continues there. They also stop after a share of the work and queue their own continuation:
 * one invocation may run 1,000 D1 queries and a few minutes of CPU, a million contacts need more.
 */
export const resumeState = <T>(job: Pick<Job, 'params'>) => (job.params?.resume ?? undefined) as T | undefined;

/** Records progress; put it in the same batch as the work it describes where there is one. */
export const saveResumeStatement = (db: DB, jobId: string, resume: unknown, set: Partial<Pick<Job, 'processed' | 'result'>> = {}) =>
  db
    .update(jobs)
    .set({ ...set, params: sql`json_set(${jobs.params}, '$.resume', json(${JSON.stringify(resume)}))`, updatedAt: new Date() })
    .where(eq(jobs.id, jobId));

/** Records the first state of a job unless another run of it already did; false when it had. */
export async function claimResume(db: DB, jobId: string, resume: unknown) {
  const claimed = await db
    .update(jobs)
    .set({ params: sql`json_set(${jobs.params}, '$.resume', json(${JSON.stringify(resume)}))`, updatedAt: new Date() })
    .where(and(eq(jobs.id, jobId), sql`json_extract(${jobs.params}, '$.resume') is null`))
    .returning({ id: jobs.id })
    .get();
  return Boolean(claimed);
}

export async function continueJob(env: Env, job: Pick<Job, 'id' | 'tenantId'>) {
  await env.JOBS_QUEUE.send({ type: 'job', jobId: job.id, tenantId: job.tenantId });
}
