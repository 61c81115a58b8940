import type { Env, JobMessage } from '../env';
import { config } from '../env';
import { errorFields, log } from '../lib/log';
import { sendSimpleSmtp } from '../transports/smtp';

/** Exponential backoff with jitter: 30 s, 60 s, 120 s … capped at 1 h. */
export function backoffSeconds(attempt: number): number {
  const base = Math.min(3600, 30 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

async function runJob(msg: JobMessage, env: Env): Promise<void> {
  switch (msg.type) {
    case 'system_email': {
      const cfg = config(env);
      await sendSimpleSmtp(
        { host: cfg.SMTP_HOST, port: cfg.SMTP_PORT, username: env.SMTP_USER, password: env.SMTP_PASS, startTls: cfg.SMTP_PORT === 587 },
        { from: cfg.MAIL_FROM, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html },
      );
      return;
    }
    case 'job':
      // Import/export jobs arrive with the contacts issue; an unknown job type must not be acked.
      throw new Error(`no runner for job ${msg.jobId}`);
  }
}

/** Each message is acked or retried on its own, so one failure never resends the others. */
export async function handleJobs(batch: MessageBatch<JobMessage>, env: Env, _ctx: ExecutionContext) {
  for (const message of batch.messages) {
    try {
      await runJob(message.body, env);
      message.ack();
    } catch (err) {
      log('warn', 'job_failed', { queue: batch.queue, type: message.body.type, attempt: message.attempts, ...errorFields(err) });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}
