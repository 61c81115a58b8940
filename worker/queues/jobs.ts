import { and, eq, isNull } from 'drizzle-orm';
import { getDb, type DB } from '../db/client';
import { jobs, type Job } from '../db/schema';
import { runContactBulk } from '../domain/contact-bulk';
import { runContactExport } from '../domain/contact-export';
import { CONTACT_IMPORT_JOB, runContactImport } from '../domain/contact-import';
import { updateJob } from '../domain/jobs';
import { platformSmtp } from '../domain/system-mail';
import { runTenantExport } from '../domain/tenant-lifecycle';
import type { Env, JobMessage } from '../env';
import { config } from '../env';
import { errorFields, log } from '../lib/log';
import { sendSimpleSmtp } from '../transports/smtp';

/** Matches max_retries of the jobs consumer in wrangler.toml. */
const MAX_JOB_ATTEMPTS = 5;

/** Exponential backoff with jitter: 30 s, 60 s, 120 s … capped at 1 h. */
export function backoffSeconds(attempt: number, firstDelaySeconds = 30): number {
  const base = Math.min(3600, firstDelaySeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

async function runJob(msg: JobMessage, env: Env): Promise<void> {
  switch (msg.type) {
    case 'system_email': {
      await sendSimpleSmtp(platformSmtp(env), { from: config(env).MAIL_FROM, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html });
      return;
    }
    case 'job':
      return runTrackedJob(env, msg.jobId);
  }
}

/** Runners by job type; later resources (imports, exports, bulk actions) register theirs here. */
const RUNNERS: Record<string, (env: Env, db: DB, job: Job) => Promise<void>> = {
  tenant_export: runTenantExport,
  [CONTACT_IMPORT_JOB]: runContactImport,
  contact_bulk: runContactBulk,
  contact_export: runContactExport,
};

/** At-least-once delivery: a job that already finished is not run again. */
async function runTrackedJob(env: Env, jobId: string) {
  const db = getDb(env);
  const job = await db.select().from(jobs).where(eq(jobs.id, jobId)).get();
  if (!job || job.status === 'succeeded' || job.status === 'cancelled') return;
  const runner = RUNNERS[job.type];
  if (!runner) throw new Error(`no runner for job type ${job.type}`);
  // Conditional: a duplicate delivery must not flip a job another delivery just finished back to running.
  await db.update(jobs).set({ status: 'running', updatedAt: new Date() }).where(and(eq(jobs.id, job.id), isNull(jobs.finishedAt))).run();
  await runner(env, db, job);
}

/** Each message is acked or retried on its own, so one failure never resends the others. */
export async function handleJobs(batch: MessageBatch<JobMessage>, env: Env, _ctx: ExecutionContext) {
  for (const message of batch.messages) {
    try {
      await runJob(message.body, env);
      message.ack();
    } catch (err) {
      log('warn', 'job_failed', { queue: batch.queue, type: message.body.type, attempt: message.attempts, ...errorFields(err) });
      const body = message.body;
      if (body.type === 'job' && message.attempts >= MAX_JOB_ATTEMPTS) {
        // The job row carries the failure to the user; retrying further would not help.
        await updateJob(getDb(env), body.jobId, { status: 'failed', error: err instanceof Error ? err.message : String(err), finishedAt: new Date() });
        message.ack();
      } else {
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }
  }
}
