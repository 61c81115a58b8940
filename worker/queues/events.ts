import { getDb } from '../db/client';
import { emitEngagementWebhooks, recordTrackingEvents, type TrackingEvent } from '../domain/tracking-events';
import type { Env } from '../env';
import { log } from '../lib/log';

/**
 * The events consumer: one transaction per batch. A failure retries the whole batch (every write is
 * idempotent), and after the last retry the messages wait in the dead-letter queue. Then the
 * `opened` and `clicked` webhooks.
 */
export async function handleEvents(batch: MessageBatch<TrackingEvent>, env: Env) {
  const db = getDb(env);
  const { people, machines } = await recordTrackingEvents(db, batch.messages.map((m) => m.body));
  // Webhooks before the acknowledgement: at least once (a batch retried after this point sends its webhooks again), never lost.
  await emitEngagementWebhooks(env, db, people);
  batch.ackAll();
  log('info', 'events_recorded', { people: people.length, machines });
}
