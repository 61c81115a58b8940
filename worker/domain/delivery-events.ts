import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { runBatch, type DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { insertFromJson, rowValue } from '../db/json-rows';
import {
  CONTACT_STATUSES,
  contactEvents,
  contacts,
  deliveryEvents,
  messages,
  type ContactEventType,
  type DeliveryEvent,
  type DeliveryEventSource,
  type DeliveryEventType,
} from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { ID_PREFIX, newId } from '../lib/ids';
import { log } from '../lib/log';
import { recordDeliveryOutcomes } from './send-permits';
import { suppressContactsStatements } from './suppressions';
import { emitWebhookEventsSafely, type WebhookEventInput } from './webhook-delivery';

/** Soft bounces of this many different messages… */
export const SOFT_BOUNCES_TO_CLEAN = 3;
/** …within this window make a contact `cleaned`. */
export const SOFT_BOUNCE_WINDOW_MS = 30 * 24 * 3_600_000;

const MAX_TEXT = 300;

/**
 * What an ESP webhook or a mailed DSN/ARF report said about one sent message, on its way through the
 * events queue. Verified before it was queued; matched to a message only here, in the consumer.
 */
export interface DeliveryReport {
  kind: 'delivery';
  source: DeliveryEventSource;
  /** The workspace whose transport the webhook belongs to; null for a mailed report, whose message id names it. */
  tenantId: string | null;
  /** Edgepost's `msg_…` id when the report carries it (custom args, tags, metadata, our Message-ID). */
  messageId: string | null;
  /** The provider's ids for the message, in the forms `messages.provider_message_id` may hold. */
  providerMessageIds: string[];
  /** The address the report is about, when it names one: a Cc of a transactional message is not its recipient. */
  recipient: string | null;
  type: DeliveryEventType;
  at: number;
  code: string | null;
  reason: string | null;
  providerEventId: string | null;
}

type Optional = 'code' | 'reason' | 'providerEventId' | 'providerMessageIds' | 'messageId' | 'recipient';

export function deliveryReport(input: Omit<DeliveryReport, 'kind' | Optional> & Partial<Pick<DeliveryReport, Optional>>): DeliveryReport {
  const clip = (v: string | null | undefined) => (v ? v.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT) || null : null);
  return {
    kind: 'delivery',
    source: input.source,
    tenantId: input.tenantId,
    messageId: input.messageId ?? null,
    providerMessageIds: [...new Set((input.providerMessageIds ?? []).filter(Boolean))],
    recipient: input.recipient?.trim().toLowerCase() || null,
    type: input.type,
    at: Number.isFinite(input.at) ? input.at : Date.now(),
    code: clip(input.code),
    reason: clip(input.reason),
    providerEventId: clip(input.providerEventId),
  };
}

interface MatchedMessage {
  id: string;
  tenantId: string;
  contactId: string | null;
  campaignId: string | null;
  email: string;
  status: string;
}

/**
 * The message each report is about: by Edgepost's id first, else by the provider's id, always within
 * the reporting transport's workspace. Reports that match nothing (mail sent before Edgepost, another
 * system's mail on a shared ESP account) are dropped, and so are reports about another address than
 * the message's recipient (a Cc of a transactional message).
 */
async function matchMessages(db: DB, reports: DeliveryReport[]) {
  const ours = [...new Set(reports.map((r) => r.messageId).filter((id): id is string => Boolean(id)))];
  const theirs = [...new Set(reports.flatMap((r) => r.providerMessageIds))];
  const columns = { id: messages.id, tenantId: messages.tenantId, contactId: messages.contactId, campaignId: messages.campaignId, email: messages.email, status: messages.status, providerMessageId: messages.providerMessageId };
  const [byOurs, byTheirs] = await Promise.all([
    ours.length ? db.select(columns).from(messages).where(inArray(messages.id, jsonValues(ours))).all() : [],
    theirs.length ? db.select(columns).from(messages).where(inArray(messages.providerMessageId, jsonValues(theirs))).all() : [],
  ]);
  const ourIndex = new Map(byOurs.map((m) => [m.id, m]));
  const theirIndex = new Map(byTheirs.map((m) => [`${m.tenantId} ${m.providerMessageId}`, m]));
  return reports.flatMap((report) => {
    const own = report.messageId ? ourIndex.get(report.messageId) : undefined;
    const message =
      own && (report.tenantId === null || own.tenantId === report.tenantId)
        ? own
        : report.tenantId === null
          ? undefined
          : report.providerMessageIds.map((id) => theirIndex.get(`${report.tenantId} ${id}`)).find(Boolean);
    if (!message || (report.recipient && report.recipient !== message.email.toLowerCase())) return [];
    return [{ report, message: message as MatchedMessage }];
  });
}

type Matched = Awaited<ReturnType<typeof matchMessages>>[number];

const TIMELINE_TYPE: Record<DeliveryEventType, ContactEventType> = {
  delivered: 'delivered',
  hard_bounce: 'bounce',
  soft_bounce: 'bounce',
  complaint: 'complaint',
  deferred: 'deferred',
};

const bounceKind = (type: DeliveryEventType) => (type === 'hard_bounce' ? 'hard' : type === 'soft_bounce' ? 'soft' : null);

/**
 * Records delivery reports from every source (ESP webhooks, DSN and ARF mail) and applies their
 * rules, one transaction per workspace:
 * - delivered: `messages.delivered_at`;
 * - hard bounce: the message `bounced`, the contact `bounced` and its address suppressed;
 * - soft bounce: recorded; soft bounces of SOFT_BOUNCES_TO_CLEAN messages within SOFT_BOUNCE_WINDOW_MS
 *   make a mailable contact `cleaned` (not suppressed: the mailbox exists, and a fresh double opt-in
 *   may bring it back — see subscribe.ts);
 * - complaint: the contact `complained` from any status, its address suppressed;
 * - deferred: only the timeline.
 * Every new event goes on the contact's timeline. Then the outbound webhooks and the reputation
 * counters, for the rows not reported yet. Idempotent: (message, type) is unique, and a hard bounce the
 * send path already recorded (a synchronous SMTP rejection, message already `bounced`) is not
 * recorded — nor counted — again.
 */
export async function processDeliveryReports(env: Env, db: DB, reports: DeliveryReport[]) {
  if (!reports.length) return { recorded: 0, unmatched: 0 };
  const matched = await matchMessages(db, reports);
  const fresh = await withoutKnown(db, matched);
  const byTenant = new Map<string, Matched[]>();
  for (const m of fresh) byTenant.set(m.message.tenantId, [...(byTenant.get(m.message.tenantId) ?? []), m]);
  for (const [tenantId, list] of byTenant) await recordForTenant(db, tenantId, list);
  // Reported per workspace for every matched message, so rows a crashed attempt wrote are caught up too.
  const messagesByTenant = new Map<string, Map<string, MatchedMessage>>();
  for (const { message } of matched) messagesByTenant.set(message.tenantId, (messagesByTenant.get(message.tenantId) ?? new Map()).set(message.id, message));
  for (const [tenantId, list] of messagesByTenant) await reportNewEvents(env, db, tenantId, list);
  const unmatched = reports.length - matched.length;
  if (unmatched) log('info', 'delivery_reports_unmatched', { count: unmatched });
  return { recorded: fresh.length, unmatched };
}

/** Drops reports already recorded, repeats within the batch, and hard bounces the send path recorded itself. */
async function withoutKnown(db: DB, matched: Matched[]) {
  if (!matched.length) return [];
  const ids = [...new Set(matched.map((m) => m.message.id))];
  const known = new Set(
    (await db.select({ messageId: deliveryEvents.messageId, type: deliveryEvents.type }).from(deliveryEvents).where(inArray(deliveryEvents.messageId, jsonValues(ids))).all()).map((e) => `${e.messageId} ${e.type}`),
  );
  const first = new Map<string, Matched>();
  for (const m of matched) {
    const key = `${m.message.id} ${m.report.type}`;
    if (known.has(key) || (m.report.type === 'hard_bounce' && m.message.status === 'bounced')) continue;
    const seen = first.get(key);
    if (!seen || m.report.at < seen.report.at) first.set(key, m);
  }
  return [...first.values()];
}

async function recordForTenant(db: DB, tenantId: string, list: Matched[]) {
  const scope = tenantScope(db, tenantId);
  const rows = list.map(({ report: r, message: m }) => {
    const detail = { code: r.code, reason: r.reason, provider_event_id: r.providerEventId };
    const timeline = { message_id: m.id, source: r.source, ...(bounceKind(r.type) ? { kind: bounceKind(r.type) } : {}), ...(r.code ? { code: r.code } : {}), ...(r.reason ? { reason: r.reason } : {}) };
    return [newId(ID_PREFIX.deliveryEvent, r.at), m.id, m.contactId, m.campaignId, r.type, r.source, JSON.stringify(detail), r.at, newId(ID_PREFIX.contactEvent, r.at), TIMELINE_TYPE[r.type], JSON.stringify(timeline)];
  });
  const json = JSON.stringify(rows);
  const isNew = sql`exists (select 1 from ${deliveryEvents} d where d.id = r.value->>0)`;
  // Transactional mail to an address that is no contact still suppresses the address (contactId null).
  const targets = (type: DeliveryEventType) => list.filter((m) => m.report.type === type).map((m) => ({ contactId: m.message.contactId, email: m.message.email }));
  const softContacts = [...new Set(targets('soft_bounce').flatMap((t) => (t.contactId ? [t.contactId] : [])))];
  const now = Date.now();
  const cleanable = sql`c.tenant_id = ${tenantId} and c.status in ('subscribed', 'pending') and (select count(*) from ${deliveryEvents} d where d.contact_id = c.id and d.type = 'soft_bounce' and d.occurred_at >= ${now - SOFT_BOUNCE_WINDOW_MS}) >= ${SOFT_BOUNCES_TO_CLEAN}`;
  const cleanRows = JSON.stringify(softContacts.map((id) => [newId(ID_PREFIX.contactEvent, now), id]));

  await runBatch(db, [
    // A sender's own rejection at send time already bounced the message: the insert skips it (no second count).
    insertFromJson(
      db,
      deliveryEvents,
      json,
      {
        id: rowValue(0),
        tenantId: sql`${tenantId}`,
        messageId: rowValue(1),
        contactId: rowValue(2),
        campaignId: rowValue(3),
        type: rowValue(4),
        source: rowValue(5),
        detail: rowValue(6),
        occurredAt: rowValue(7),
        createdAt: sql`${now}`,
      },
      sql`(r.value->>4 <> 'hard_bounce' or not exists (select 1 from ${messages} m where m.id = r.value->>1 and m.status = 'bounced'))`,
    ).onConflictDoNothing(),
    // Timeline rows for the events inserted just now only: a concurrent duplicate lost the insert above.
    insertFromJson(
      db,
      contactEvents,
      json,
      { id: rowValue(8), tenantId: sql`${tenantId}`, contactId: rowValue(2), type: rowValue(9), campaignId: rowValue(3), data: rowValue(10), createdAt: rowValue(7) },
      sql`${isNew} and exists (select 1 from ${contacts} c where c.id = r.value->>2 and c.tenant_id = ${tenantId})`,
    ).onConflictDoNothing(),
    db
      .update(messages)
      .set({ deliveredAt: sql`(select min(r.value->>7) from json_each(${json}) as r where r.value->>1 = ${messages.id} and r.value->>4 = 'delivered')` })
      .where(and(eq(messages.tenantId, tenantId), sql`${messages.id} in (select r.value->>1 from json_each(${json}) as r where r.value->>4 = 'delivered')`, isNull(messages.deliveredAt))),
    db
      .update(messages)
      .set({ status: 'bounced', error: sql`coalesce((select json_extract(r.value->>6, '$.reason') from json_each(${json}) as r where r.value->>1 = ${messages.id} and r.value->>4 = 'hard_bounce'), 'Bounced after delivery.')` })
      .where(and(eq(messages.tenantId, tenantId), sql`${messages.id} in (select r.value->>1 from json_each(${json}) as r where r.value->>4 = 'hard_bounce')`, eq(messages.status, 'sent'))),
    ...suppressContactsStatements(scope, targets('hard_bounce'), { status: 'bounced', reason: 'bounce' }),
    ...suppressContactsStatements(scope, targets('complaint'), { status: 'complained', reason: 'complaint', from: CONTACT_STATUSES.filter((s) => s !== 'complained') }),
    // The timeline's `cleaned` row first, under the same condition the status change then makes false.
    ...(softContacts.length
      ? [
          insertFromJson(
            db,
            contactEvents,
            cleanRows,
            { id: rowValue(0), tenantId: sql`${tenantId}`, contactId: rowValue(1), type: sql`'cleaned'`, data: sql`json_object('soft_bounces', ${SOFT_BOUNCES_TO_CLEAN}, 'days', ${SOFT_BOUNCE_WINDOW_MS / 86_400_000})`, createdAt: sql`${now}` },
            sql`exists (select 1 from ${contacts} c where c.id = r.value->>1 and ${cleanable})`,
          ),
          db
            .update(contacts)
            .set({ status: 'cleaned', updatedAt: new Date(now) })
            .where(sql`${contacts.id} in (select value from json_each(${JSON.stringify(softContacts)})) and exists (select 1 from ${contacts} c where c.id = ${contacts.id} and ${cleanable})`),
        ]
      : []),
  ]);
}

const WEBHOOK_TYPE = { delivered: 'delivered', hard_bounce: 'bounced', soft_bounce: 'bounced', complaint: 'complained', deferred: null } as const;

/**
 * Outbound webhooks and the governor's reputation counters for the workspace's events not reported
 * yet, then the rows are marked reported. A crash before the mark repeats the webhooks (at least
 * once, as the engagement events are) rather than losing them.
 */
async function reportNewEvents(env: Env, db: DB, tenantId: string, byId: Map<string, MatchedMessage>) {
  const pending = await db
    .select()
    .from(deliveryEvents)
    .where(and(eq(deliveryEvents.tenantId, tenantId), inArray(deliveryEvents.messageId, jsonValues([...byId.keys()])), isNull(deliveryEvents.reportedAt)))
    .all();
  if (!pending.length) return;
  const webhookEvents = pending.flatMap((e): WebhookEventInput[] => {
    const type = WEBHOOK_TYPE[e.type];
    return type ? [{ type, at: e.occurredAt.getTime(), data: webhookData(e, byId.get(e.messageId)?.email ?? null) }] : [];
  });
  await emitWebhookEventsSafely(env, db, tenantId, webhookEvents);
  const count = (type: DeliveryEventType) => pending.filter((e) => e.type === type).length;
  await recordDeliveryOutcomes(env, db, tenantId, { bounced: count('hard_bounce'), complained: count('complaint') });
  await db.update(deliveryEvents).set({ reportedAt: new Date() }).where(inArray(deliveryEvents.id, jsonValues(pending.map((e) => e.id)))).run();
}

function webhookData(e: DeliveryEvent, email: string | null) {
  const kind = bounceKind(e.type);
  return {
    message_id: e.messageId,
    contact_id: e.contactId,
    campaign_id: e.campaignId,
    email,
    source: e.source,
    ...(kind ? { kind, code: e.detail.code, reason: e.detail.reason } : {}),
    ...(e.type === 'complaint' ? { feedback_type: e.detail.code } : {}),
  };
}

/** Onto the events queue, within its limit of 100 messages per send. */
export async function enqueueDeliveryReports(env: Env, reports: DeliveryReport[]) {
  for (let i = 0; i < reports.length; i += 100) await env.EVENTS_QUEUE.sendBatch(reports.slice(i, i + 100).map((body) => ({ body })));
}
