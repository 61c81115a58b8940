import { desc, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import { contactEvents, messages, transactionalContents, type Message, type MessageStatus } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { decodeCursor, toPage } from '../lib/pagination';
import { notFound, Problem } from '../lib/problem';
import { attachmentKey } from './transactional';
import type { Env } from '../env';

type Content = typeof transactionalContents.$inferSelect;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** How a transactional message looks to the API: where it is, and what it said (not the bodies: they can be large). */
export function messageView(m: Message, c: Content) {
  return {
    id: m.id,
    status: m.status === 'pending' ? ('scheduled' as const) : m.status,
    from: c.fromEmail ? { email: c.fromEmail, name: c.fromName } : null,
    to: c.to,
    cc: c.cc,
    bcc: c.bcc,
    subject: c.subject,
    tags: c.tags,
    metadata: c.metadata,
    template_id: c.templateId,
    attachments: c.attachments.map((a) => ({ filename: a.filename, content_type: a.contentType, size: a.size })),
    track_opens: c.trackOpens,
    track_clicks: c.trackClicks,
    contact_id: m.contactId,
    attempts: m.attempts,
    error: m.error,
    scheduled_at: m.status === 'pending' ? iso(m.sendAfter) : null,
    created_at: m.createdAt.toISOString(),
    sent_at: iso(m.sentAt),
    opened_at: iso(m.openedAt),
    clicked_at: iso(m.clickedAt),
  };
}

export interface MessageFilters {
  status?: MessageStatus | 'scheduled';
  to?: string;
  tag?: string;
  since?: string;
  until?: string;
}

/** A workspace's transactional messages, newest first, filtered by status, recipient, tag and creation time. */
export async function listMessages(scope: TenantScope, filters: MessageFilters, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const status = filters.status === 'scheduled' ? 'pending' : filters.status;
  const rows = await scope.db
    .select({ m: messages, c: transactionalContents })
    .from(messages)
    .innerJoin(transactionalContents, eq(transactionalContents.messageId, messages.id))
    .where(
      scope.own(
        messages,
        isNull(messages.campaignId),
        after ? lt(messages.id, after) : undefined,
        status ? eq(messages.status, status) : undefined,
        filters.to ? sql`exists (select 1 from json_each(${transactionalContents.to}) where value = ${filters.to.trim().toLowerCase()})` : undefined,
        filters.tag ? sql`exists (select 1 from json_each(${transactionalContents.tags}) where value = ${filters.tag})` : undefined,
        filters.since ? gte(messages.createdAt, new Date(filters.since)) : undefined,
        filters.until ? lt(messages.createdAt, new Date(filters.until)) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(page.limit + 1)
    .all();
  return toPage(
    rows.map((r) => ({ id: r.m.id, ...r })),
    page.limit,
    (r) => messageView(r.m, r.c),
  );
}

async function loadMessage(scope: TenantScope, id: string) {
  const row = await scope.db
    .select({ m: messages, c: transactionalContents })
    .from(messages)
    .innerJoin(transactionalContents, eq(transactionalContents.messageId, messages.id))
    .where(scope.own(messages, eq(messages.id, id)))
    .get();
  if (!row) throw notFound('Message');
  return row;
}

/**
 * One message with its history: what its row records (accepted, sent, first open and click, the
 * failure) and, when the recipient is a contact, every timeline event about this message (opens and
 * clicks one by one, bounces, complaints, unsubscribes).
 */
export async function getMessage(scope: TenantScope, id: string) {
  const { m, c } = await loadMessage(scope, id);
  const events: { type: string; at: string; data: Record<string, unknown> | null }[] = [{ type: 'accepted', at: m.createdAt.toISOString(), data: null }];
  if (m.sentAt) events.push({ type: 'sent', at: m.sentAt.toISOString(), data: null });
  if (m.contactId) {
    const rows = await scope.db
      .select()
      .from(contactEvents)
      .where(scope.own(contactEvents, eq(contactEvents.contactId, m.contactId), sql`${contactEvents.data}->>'message_id' = ${m.id}`, sql`${contactEvents.type} <> 'sent'`))
      .orderBy(contactEvents.id)
      .limit(200)
      .all();
    for (const e of rows) events.push({ type: e.type, at: e.createdAt.toISOString(), data: e.data ?? null });
  } else {
    if (m.openedAt) events.push({ type: 'open', at: m.openedAt.toISOString(), data: null });
    if (m.clickedAt) events.push({ type: 'click', at: m.clickedAt.toISOString(), data: null });
  }
  if (m.status === 'bounced' || m.status === 'failed') events.push({ type: m.status, at: (m.sentAt ?? m.queuedAt ?? m.createdAt).toISOString(), data: { error: m.error } });
  events.sort((a, b) => a.at.localeCompare(b.at));
  return { ...messageView(m, c), html: c.html, text: c.text, events };
}

/** A scheduled message can be called off until the cron queues it. */
export async function cancelScheduledMessage(env: Env, scope: TenantScope, id: string) {
  const { c } = await loadMessage(scope, id);
  const row = await scope.db.update(messages).set({ status: 'cancelled' }).where(scope.own(messages, eq(messages.id, id), eq(messages.status, 'pending'))).returning().get();
  if (!row) throw new Problem('conflict', 'Only a scheduled message that has not been queued yet can be cancelled.');
  await Promise.all(c.attachments.map((_, i) => env.FILES.delete(attachmentKey(scope.tenantId, id, i))));
  return messageView(row, c);
}
