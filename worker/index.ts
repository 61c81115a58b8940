import { createApp } from './app';
import type { Env, JobMessage } from './env';
import { handleJobs } from './queues/jobs';
import { log } from './lib/log';
import { getDb } from './db/client';
import { runHygiene } from './domain/hygiene';
import { recheckDomains } from './domain/sending-domains';

export { CampaignRunner, KillSwitch, TenantGovernor } from '../durable-objects';

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env, ctx) {
    switch (batch.queue) {
      case 'edgepost-jobs':
        return handleJobs(batch as MessageBatch<JobMessage>, env, ctx);
      default:
        // send/events/webhooks consumers arrive with the delivery and tracking issues; until then
        // their messages are retried rather than acknowledged, so nothing is silently lost.
        log('warn', 'queue_without_consumer', { queue: batch.queue, count: batch.messages.length });
        batch.retryAll({ delaySeconds: 60 });
    }
  },

  async scheduled(controller, env, ctx) {
    log('info', 'cron', { cron: controller.cron });
    // Hourly is plenty for expired sessions and tokens; the every-minute trigger serves schedules later.
    if (new Date(controller.scheduledTime).getUTCMinutes() === 0) ctx.waitUntil(runHygiene(env, getDb(env)));
    // A few due domains per minute spreads the daily DNS re-checks over the day.
    ctx.waitUntil(recheckDomains(env, getDb(env), controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, JobMessage>;
