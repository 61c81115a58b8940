import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { runBatch, type DB } from '../db/client';
import { insertFromJson, jsonRowParams, rowValue } from '../db/json-rows';
import { webhookDeliveries, webhookEndpoints, type WebhookEndpoint, type WebhookEventType } from '../db/schema';
import type { Env } from '../env';
import { ID_PREFIX, newId } from '../lib/ids';
import { log } from '../lib/log';
import { notify } from './notifications';
import { checkEndpointUrl, signingSecrets } from './webhooks';

/** On the webhooks queue: one delivery (its row holds the payload and the state). */
export interface WebhookJob {
  deliveryId: string;
  tenantId: string;
}

/** Standard Webhooks' schedule: after the first attempt fails, retry after these many seconds, then give up. */
export const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600];
/** Cloudflare Queues delay a message at most 12 hours: longer waits hop through the queue. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;
/** An endpoint failing for this long without one success is disabled, and its managers told. */
export const DISABLE_AFTER_MS = 5 * 24 * 3_600_000;
const REQUEST_TIMEOUT_MS = 15_000;
const EXCERPT_CHARS = 500;

const subscribed = (e: WebhookEndpoint, type: WebhookEventType) => type === 'webhook.test' || e.eventTypes.length === 0 || e.eventTypes.includes(type);

async function enqueue(env: Env, jobs: WebhookJob[], delaySeconds = 0) {
  for (let i = 0; i < jobs.length; i += 100) {
    await env.WEBHOOKS_QUEUE.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body, ...(delaySeconds > 0 ? { delaySeconds: Math.min(Math.ceil(delaySeconds), MAX_QUEUE_DELAY_SECONDS) } : {}) })));
  }
}

export interface WebhookEventInput {
  type: WebhookEventType;
  data: Record<string, unknown>;
  at?: number;
}

/**
 * Records each event for every active endpoint of the workspace that wants it, then queues the
 * deliveries. The rows come first: a delivery whose queue message was lost is found again by the
 * cron (requeueStaleDeliveries). Costs one read when the workspace has no endpoint. Events may be
 * given lazily: the function is called only when an endpoint wants one of the types, with a test of
 * which types are wanted, so a busy path does no lookups for a workspace without endpoints.
 */
export async function emitWebhookEvents(
  env: Env,
  db: DB,
  tenantId: string,
  events: WebhookEventInput[] | ((wanted: (type: WebhookEventType) => boolean) => Promise<WebhookEventInput[]>),
  onlyEndpoint?: string,
) {
  if (Array.isArray(events) && !events.length) return 0;
  const endpoints = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.status, 'active'), onlyEndpoint ? eq(webhookEndpoints.id, onlyEndpoint) : undefined))
    .all();
  if (!endpoints.length) return 0;
  const wanted = (type: WebhookEventType) => endpoints.some((e) => subscribed(e, type));
  const list = Array.isArray(events) ? events : await events(wanted);
  const now = Date.now();
  const rows = list.flatMap((event) => {
    const payload = JSON.stringify({ type: event.type, timestamp: new Date(event.at ?? now).toISOString(), data: event.data });
    return endpoints.filter((e) => subscribed(e, event.type)).map((e): [string, string, string, string] => [newId(ID_PREFIX.webhookDelivery, now), e.id, event.type, payload]);
  });
  await runBatch(
    db,
    jsonRowParams(rows).map((json) =>
      insertFromJson(db, webhookDeliveries, json, {
        id: rowValue(0),
        tenantId: sql`${tenantId}`,
        endpointId: rowValue(1),
        eventType: rowValue(2),
        payload: rowValue(3),
        status: sql`'pending'`,
        attempts: sql`0`,
        createdAt: sql`${now}`,
      }),
    ),
  );
  await enqueue(env, rows.map((r) => ({ deliveryId: r[0], tenantId })));
  return rows.length;
}

/** Emitting must never break what triggered it (a send, an unsubscribe): failures are logged and the cron retries the rows. */
export async function emitWebhookEventsSafely(...args: Parameters<typeof emitWebhookEvents>) {
  try {
    await emitWebhookEvents(...args);
  } catch (err) {
    log('error', 'webhook_emit_failed', { tenant_id: args[2], error: String(err) });
  }
}

const retryAfterSeconds = (res: Response) => {
  const value = res.headers.get('retry-after');
  if (!value) return null;
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 24 * 3600) : null;
};

/** ±10 %, so endpoints that failed together do not all retry in the same second. */
const jitter = (seconds: number) => seconds * (0.9 + Math.random() * 0.2);

/** One attempt of one delivery: sign, POST, record, then retry on the schedule, disable, or finish. */
export async function deliverWebhook(env: Env, db: DB, job: WebhookJob, now = Date.now()) {
  const d = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.id, job.deliveryId), eq(webhookDeliveries.tenantId, job.tenantId))).get();
  if (!d || d.status !== 'pending') return;
  if (d.nextAttemptAt && d.nextAttemptAt.getTime() > now + 1000) return enqueue(env, [job], (d.nextAttemptAt.getTime() - now) / 1000);
  const e = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, d.endpointId)).get();
  const set = (values: Partial<typeof webhookDeliveries.$inferInsert>) => db.update(webhookDeliveries).set(values).where(eq(webhookDeliveries.id, d.id)).run();
  if (!e || e.status === 'disabled') return set({ status: 'failed', error: 'the endpoint is disabled' });

  const attempts = d.attempts + 1;
  let status: number | null = null;
  let excerpt: string | null = null;
  let error: string | null = null;
  let retryAfter: number | null = null;
  const started = Date.now();
  const target = await checkEndpointUrl(env, e.url);
  if (!target.ok) {
    error = `refused: ${target.reason}`;
  } else {
    const timestamp = new Date(now);
    const signature = (await signingSecrets(env, e, now)).map((secret) => new Webhook(secret).sign(d.id, timestamp, d.payload)).join(' ');
    try {
      const res = await fetch(target.url.toString(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Edgepost-Webhooks/1.0',
          'webhook-id': d.id,
          'webhook-timestamp': String(Math.floor(now / 1000)),
          'webhook-signature': signature,
        },
        body: d.payload,
        // A redirect is a failure (the spec; and it could point inside a network the URL check never saw).
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = res.status;
      excerpt = (await res.text().catch(() => '')).slice(0, EXCERPT_CHARS);
      retryAfter = retryAfterSeconds(res);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : `connection failed: ${String(err instanceof Error ? err.message : err).slice(0, 200)}`;
    }
  }
  const latencyMs = Date.now() - started;
  const result = { attempts, responseStatus: status, responseExcerpt: excerpt, latencyMs, error };

  if (!error) {
    await set({ ...result, status: 'succeeded', deliveredAt: new Date(now), nextAttemptAt: null });
    await db.update(webhookEndpoints).set({ failingSince: null, consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, e.id)).run();
    return;
  }
  const failingSince = e.failingSince?.getTime() ?? now;
  const gone = status === 410;
  const disable = gone || now - failingSince >= DISABLE_AFTER_MS;
  await db
    .update(webhookEndpoints)
    .set({
      failingSince: new Date(failingSince),
      consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1`,
      ...(disable ? { status: 'disabled' as const, disabledReason: gone ? 'the endpoint answered 410 Gone' : 'every delivery failed for 5 days' } : {}),
    })
    .where(eq(webhookEndpoints.id, e.id))
    .run();
  const delay = RETRY_SCHEDULE_SECONDS[attempts - 1];
  if (disable || delay === undefined) {
    await set({ ...result, status: 'failed', nextAttemptAt: null });
    if (disable && e.status === 'active') {
      await notify(env, db, { tenantId: e.tenantId, kind: 'webhook_disabled', data: { url: e.url, failures: e.consecutiveFailures + 1, gone } });
    }
    return;
  }
  const wait = retryAfter ?? jitter(delay * Number(env.WEBHOOK_RETRY_SCALE ?? 1));
  await set({ ...result, nextAttemptAt: new Date(now + wait * 1000) });
  await enqueue(env, [job], wait);
}

/** Puts a delivery back in line from its first attempt (manual replay from the delivery log). */
export async function replayDelivery(env: Env, db: DB, tenantId: string, deliveryId: string) {
  await db.update(webhookDeliveries).set({ status: 'pending', attempts: 0, nextAttemptAt: null, error: null }).where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.tenantId, tenantId))).run();
  await enqueue(env, [{ deliveryId, tenantId }]);
}

/**
 * Pending deliveries whose queue message never came (lost between the insert and the send, or a
 * crashed consumer): queued again, 10 minutes after they were due. At most 500 a minute.
 */
export async function requeueStaleDeliveries(env: Env, db: DB, now = Date.now()) {
  const stale = new Date(now - 10 * 60_000);
  const rows = await db
    .select({ deliveryId: webhookDeliveries.id, tenantId: webhookDeliveries.tenantId })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, 'pending'), or(and(isNull(webhookDeliveries.nextAttemptAt), lt(webhookDeliveries.createdAt, stale)), lt(webhookDeliveries.nextAttemptAt, stale))))
    .limit(500)
    .all();
  if (!rows.length) return 0;
  await db.update(webhookDeliveries).set({ nextAttemptAt: new Date(now) }).where(inArray(webhookDeliveries.id, rows.map((r) => r.deliveryId))).run();
  await enqueue(env, rows);
  return rows.length;
}
