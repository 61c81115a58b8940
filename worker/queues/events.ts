import { getDb } from '../db/client';
import { recordTrackingEvents, type TrackingEvent } from '../domain/tracking-events';
import type { Env } from '../env';
import { log } from '../lib/log';

/**
 * The events consumer: one transaction per batch. A failure retries the whole batch (every write is
 * idempotent), and after the last retry the messages wait in the dead-letter queue.
 */
export async function handleEvents(batch: MessageBatch<TrackingEvent>, env: Env) {
  const counts = await recordTrackingEvents(getDb(env), batch.messages.map((m) => m.body));
  batch.ackAll();
  log('info', 'events_recorded', { ...counts });
}
