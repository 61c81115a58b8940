import { getDb } from '../db/client';
import { processDeliveryReports, type DeliveryReport } from '../domain/delivery-events';
import { emitEngagementWebhooks, recordTrackingEvents, type TrackingEvent } from '../domain/tracking-events';
import type { Env } from '../env';
import { log } from '../lib/log';

/** The events queue carries what recipients did (opens, clicks) and what their servers reported (deliveries, bounces, complaints). */
export type EventMessage = TrackingEvent | DeliveryReport;

const isDeliveryReport = (e: EventMessage): e is DeliveryReport => e.kind === 'delivery';

/**
 * The events consumer: tracking events in one transaction, delivery reports in one per workspace. A
 * failure retries the whole batch (every write is idempotent), and after the last retry the messages
 * wait in the dead-letter queue. Webhooks go out before the acknowledgement: at least once, never lost.
 */
export async function handleEvents(batch: MessageBatch<EventMessage>, env: Env) {
  const db = getDb(env);
  const bodies = batch.messages.map((m) => m.body);
  const reports = bodies.filter(isDeliveryReport);
  const tracked = bodies.filter((e): e is TrackingEvent => !isDeliveryReport(e));
  const { people, machines } = await recordTrackingEvents(db, tracked);
  await emitEngagementWebhooks(env, db, people);
  const delivery = await processDeliveryReports(env, db, reports);
  batch.ackAll();
  log('info', 'events_recorded', { people: people.length, machines, delivery_reports: reports.length, delivery_recorded: delivery.recorded });
}
