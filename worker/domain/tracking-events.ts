import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { insertFromJson, rowValue } from '../db/json-rows';
import { contactEvents, contacts, messages } from '../db/schema';
import { ID_PREFIX, newId } from '../lib/ids';
import type { TrackedRecipient } from '../mail/tracking-tokens';
import type { Env } from '../env';
import type { Device, EmailClient } from './email-clients';
import { isTooFast, type MachineReason } from './machine-traffic';
import { emitWebhookEventsSafely } from './webhook-delivery';

/**
 * An open or a click as the edge saw it, on its way to the events consumer. Its id is made at the
 * edge and becomes the timeline row's id, so a queue message delivered twice (a consumer that died
 * after writing and before acknowledging) inserts nothing the second time.
 */
export interface TrackingEvent extends TrackedRecipient {
  /** Tells it from a DeliveryReport on the same queue; events queued before there were two kinds lack it. */
  kind?: 'tracking';
  id: string;
  type: 'open' | 'click';
  at: number;
  machine: MachineReason | null;
  link?: { index: number; url: string };
  /** The mail client and device the user agent names (people's events only). */
  agent?: { client: EmailClient; device: Device };
}

export function trackingEvent(recipient: TrackedRecipient, type: TrackingEvent['type'], machine: MachineReason | null, link?: TrackingEvent['link'], at = Date.now()): TrackingEvent {
  return { ...recipient, kind: 'tracking', id: newId(ID_PREFIX.contactEvent, at), type, at, machine, ...(link ? { link } : {}) };
}

/**
 * Writes a batch of opens and clicks in one transaction: every event becomes a timeline row
 * (`open`/`click` for people, `machine_open`/`machine_click` with the reason for machines), and a
 * message's first human open and click are stamped on its row (unique opens and clicks). Clicks a
 * second after the delivery or the open are a scanner's. Events of a contact or message since
 * purged are dropped; the rest is idempotent, so the batch can be retried whole.
 */
export async function recordTrackingEvents(db: DB, events: TrackingEvent[]) {
  if (!events.length) return { people: [] as TrackingEvent[], machines: 0 };
  const clicked = [...new Set(events.filter((e) => e.type === 'click' && !e.machine).map((e) => e.messageId))];
  const times = new Map(
    clicked.length
      ? (await db.select({ id: messages.id, sentAt: messages.sentAt, openedAt: messages.openedAt }).from(messages).where(inArray(messages.id, jsonValues(clicked))).all()).map((m) => [m.id, m])
      : [],
  );
  const firstOpenInBatch = new Map<string, number>();
  for (const e of events) if (e.type === 'open' && !e.machine) firstOpenInBatch.set(e.messageId, Math.min(firstOpenInBatch.get(e.messageId) ?? Infinity, e.at));

  const rows = events.map((e) => {
    let machine = e.machine;
    if (!machine && e.type === 'click') {
      const m = times.get(e.messageId);
      const openedAt = m?.openedAt?.getTime() ?? firstOpenInBatch.get(e.messageId) ?? null;
      if (isTooFast(e.at, m?.sentAt?.getTime() ?? null, openedAt)) machine = 'too_fast';
    }
    const type = machine ? (`machine_${e.type}` as const) : e.type;
    const data = { message_id: e.messageId, ...(e.link ? { link_index: e.link.index, url: e.link.url } : {}), ...(machine ? { machine } : e.agent ? { client: e.agent.client, device: e.agent.device } : {}) };
    return { e, type, data, human: !machine };
  });

  const eventRows = JSON.stringify(rows.map((r) => [r.e.id, r.e.tenantId, r.e.contactId, r.type, r.e.campaignId ?? null, JSON.stringify(r.data), r.e.at]));
  const stamp = (type: 'open' | 'click') => JSON.stringify(rows.filter((r) => r.human && r.e.type === type).map((r) => [r.e.messageId, r.e.tenantId, r.e.at]));
  const firstOf = (rowsJson: string) => sql`(select min(r.value->>2) from json_each(${rowsJson}) as r where r.value->>0 = ${messages.id} and r.value->>1 = ${messages.tenantId})`;
  const stamped = (rowsJson: string) => sql`${messages.id} in (select r.value->>0 from json_each(${rowsJson}) as r)`;
  const opens = stamp('open');
  const clicks = stamp('click');
  // An open or a click by someone the sunset made inactive brings them back (one timeline row per contact).
  const engaged = new Map<string, (typeof rows)[number]['e']>();
  for (const r of rows) if (r.human && r.e.contactId && !engaged.has(r.e.contactId)) engaged.set(r.e.contactId, r.e);
  const comeback = JSON.stringify([...engaged.values()].map((e) => [newId(ID_PREFIX.contactEvent, e.at), e.tenantId, e.contactId, e.campaignId ?? null, JSON.stringify({ source: e.type, message_id: e.messageId }), e.at]));
  const inactive = sql`exists (select 1 from ${contacts} c where c.id = r.value->>2 and c.tenant_id = r.value->>1 and c.status = 'inactive')`;
  await db.batch([
    insertFromJson(
      db,
      contactEvents,
      comeback,
      { id: rowValue(0), tenantId: rowValue(1), contactId: rowValue(2), type: sql`'reactivated'`, campaignId: rowValue(3), data: rowValue(4), createdAt: rowValue(5) },
      inactive,
    ),
    db
      .update(contacts)
      .set({ status: 'subscribed', updatedAt: new Date() })
      .where(
        and(
          // By primary key (an IN over the ids), then each row's own workspace checked.
          sql`${contacts.id} in (select r.value->>2 from json_each(${comeback}) as r)`,
          sql`${contacts.tenantId} = (select r.value->>1 from json_each(${comeback}) as r where r.value->>2 = ${contacts.id} limit 1)`,
          sql`${contacts.status} = 'inactive'`,
        ),
      ),
    insertFromJson(
      db,
      contactEvents,
      eventRows,
      { id: rowValue(0), tenantId: rowValue(1), contactId: rowValue(2), type: rowValue(3), campaignId: rowValue(4), data: rowValue(5), createdAt: rowValue(6) },
      sql`exists (select 1 from ${contacts} c where c.id = r.value->>2 and c.tenant_id = r.value->>1)`,
    ).onConflictDoNothing(),
    db.update(messages).set({ openedAt: firstOf(opens) }).where(and(stamped(opens), sql`${messages.openedAt} is null`)),
    db.update(messages).set({ clickedAt: firstOf(clicks) }).where(and(stamped(clicks), sql`${messages.clickedAt} is null`)),
  ]);
  const people = rows.filter((r) => r.human).map((r) => r.e);
  return { people, machines: rows.length - people.length };
}

/** `opened` and `clicked` webhooks for people's events (machine traffic is not engagement), with the recipient's address. */
export async function emitEngagementWebhooks(env: Env, db: DB, events: TrackingEvent[]) {
  const byTenant = new Map<string, TrackingEvent[]>();
  for (const e of events) {
    const list = byTenant.get(e.tenantId);
    if (list) list.push(e);
    else byTenant.set(e.tenantId, [e]);
  }
  const typeOf = (e: TrackingEvent) => (e.type === 'open' ? ('opened' as const) : ('clicked' as const));
  for (const [tenantId, list] of byTenant) {
    await emitWebhookEventsSafely(env, db, tenantId, async (wanted) => {
      const chosen = list.filter((e) => wanted(typeOf(e)));
      if (!chosen.length) return [];
      const ids = jsonValues([...new Set(chosen.map((e) => e.messageId))]);
      const emails = new Map((await db.select({ id: messages.id, email: messages.email }).from(messages).where(and(eq(messages.tenantId, tenantId), inArray(messages.id, ids))).all()).map((m) => [m.id, m.email]));
      return chosen.map((e) => ({
        type: typeOf(e),
        at: e.at,
        data: { message_id: e.messageId, contact_id: e.contactId, campaign_id: e.campaignId ?? null, email: emails.get(e.messageId) ?? null, ...(e.link ? { url: e.link.url } : {}) },
      }));
    });
  }
}
