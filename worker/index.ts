import { createApp } from './app';
import type { Env, JobMessage, SendJob } from './env';
import { requeueStaleDeliveries, type WebhookJob } from './domain/webhook-delivery';
import { handleEvents, type EventMessage } from './queues/events';
import { handleJobs } from './queues/jobs';
import { handleWebhooks } from './queues/webhooks';
import { handleSend, handleSendDeadLetters } from './queues/send';
import { log } from './lib/log';
import { receiveReportMail } from './inbound/report-mail';
import { getDb } from './db/client';
import { runHygiene } from './domain/hygiene';
import { recheckDomains } from './domain/sending-domains';
import { recheckTrackingDomains } from './domain/tracking-domains';
import { runCampaignCron } from './domain/campaign-cron';
import { queueDueTransactional } from './domain/transactional';
import { isSummaryMinute, sendMonthlySummaries } from './domain/usage-summary';
import { isSunsetMinute, runSunset } from './domain/sunset';

export { CampaignRunner, KillSwitch, TenantGovernor } from '../durable-objects';

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env, ctx) {
    switch (batch.queue) {
      case 'edgepost-jobs':
        return handleJobs(batch as MessageBatch<JobMessage>, env, ctx);
      case 'edgepost-send':
        return handleSend(batch as MessageBatch<SendJob>, env, ctx);
      case 'edgepost-send-dlq':
        return handleSendDeadLetters(batch as MessageBatch<SendJob>, env);
      case 'edgepost-events':
        return handleEvents(batch as MessageBatch<EventMessage>, env);
      case 'edgepost-webhooks':
        return handleWebhooks(batch as MessageBatch<WebhookJob>, env);
      default:
        // A queue without a consumer here (a dead-letter queue read by operators): retried rather
        // than acknowledged, so nothing is silently lost.
        log('warn', 'queue_without_consumer', { queue: batch.queue, count: batch.messages.length });
        batch.retryAll({ delaySeconds: 60 });
    }
  },

  /** Delivery status (DSN) and feedback (ARF) reports mailed to a bounce address; see inbound/report-mail.ts. */
  async email(message, env) {
    await receiveReportMail(env, message);
  },

  async scheduled(controller, env, ctx) {
    log('info', 'cron', { cron: controller.cron });
    // Hourly is plenty for expired sessions and tokens; the every-minute trigger serves schedules later.
    if (new Date(controller.scheduledTime).getUTCMinutes() === 0) ctx.waitUntil(runHygiene(env, getDb(env)));
    // A few due domains per minute spreads the daily DNS re-checks over the day.
    ctx.waitUntil(recheckDomains(env, getDb(env), controller.scheduledTime));
    ctx.waitUntil(recheckTrackingDomains(env, getDb(env), controller.scheduledTime));
    ctx.waitUntil(runCampaignCron(env, getDb(env), controller.scheduledTime));
    ctx.waitUntil(requeueStaleDeliveries(env, getDb(env), controller.scheduledTime));
    ctx.waitUntil(queueDueTransactional(env, getDb(env), controller.scheduledTime));
    if (isSummaryMinute(controller.scheduledTime)) ctx.waitUntil(sendMonthlySummaries(env, getDb(env), controller.scheduledTime));
    if (isSunsetMinute(controller.scheduledTime)) ctx.waitUntil(runSunset(env, getDb(env), controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, JobMessage | SendJob | EventMessage | WebhookJob>;
