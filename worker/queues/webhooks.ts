import { getDb } from '../db/client';
import { deliverWebhook, type WebhookJob } from '../domain/webhook-delivery';
import type { Env } from '../env';
import { log } from '../lib/log';

/**
 * The webhooks consumer: each message is one attempt of one delivery. Retries are scheduled by the
 * delivery itself (a new queue message with the spec's delay), so a message is acknowledged once
 * its attempt is recorded; only an unexpected error leaves it to the queue's own retries.
 */
export async function handleWebhooks(batch: MessageBatch<WebhookJob>, env: Env) {
  const db = getDb(env);
  await Promise.all(
    batch.messages.map(async (m) => {
      try {
        await deliverWebhook(env, db, m.body);
        m.ack();
      } catch (err) {
        log('error', 'webhook_delivery_error', { delivery_id: m.body.deliveryId, error: String(err) });
        m.retry({ delaySeconds: 30 });
      }
    }),
  );
}
