import { asc, eq, gt, isNotNull, sql, type SQL } from 'drizzle-orm';
import { messages, type Campaign } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { csvLines } from '../lib/csv';
import { decodeCursor, toPage } from '../lib/pagination';

/** What a recipient filter can ask for: an outcome of the message, or a reaction recorded against the campaign. */
export const RECIPIENT_OUTCOMES = ['sent', 'opened', 'clicked', 'bounced', 'failed', 'complained', 'unsubscribed'] as const;
export type RecipientOutcome = (typeof RECIPIENT_OUTCOMES)[number];

export interface RecipientFilter {
  outcome?: RecipientOutcome;
  /** Part of the address, any case. */
  q?: string;
}

// Qualified by hand: in a select list drizzle writes the outer table's columns bare, and inside the
// subquery a bare contact_id would be the event's own.
const outer = (column: string) => sql`${sql.identifier('messages')}.${sql.identifier(column)}`;
/** When the recipient first unsubscribed or complained because of this campaign (contact_events, via its contact index). */
const reactedAt = (type: 'unsubscribed' | 'complaint') =>
  sql<number | null>`(select min(e.created_at) from contact_events e where e.contact_id = ${outer('contact_id')} and e.tenant_id = ${outer('tenant_id')} and e.campaign_id = ${outer('campaign_id')} and e.type = ${sql.raw(`'${type}'`)})`;

const OUTCOME_CONDITION: Record<RecipientOutcome, SQL> = {
  sent: isNotNull(messages.sentAt),
  opened: isNotNull(messages.openedAt),
  clicked: isNotNull(messages.clickedAt),
  bounced: eq(messages.status, 'bounced'),
  failed: eq(messages.status, 'failed'),
  complained: sql`${reactedAt('complaint')} is not null`,
  unsubscribed: sql`${reactedAt('unsubscribed')} is not null`,
};

const columns = {
  // The page key: the unique (campaign, contact) index walks a campaign's recipients in contact order.
  id: sql<string>`${messages.contactId}`,
  messageId: messages.id,
  email: messages.email,
  variant: messages.variant,
  status: messages.status,
  error: messages.error,
  sentAt: messages.sentAt,
  openedAt: messages.openedAt,
  clickedAt: messages.clickedAt,
  unsubscribedAt: reactedAt('unsubscribed'),
  complainedAt: reactedAt('complaint'),
};


type Row = Awaited<ReturnType<typeof recipientRows>>[number];

const iso = (t: Date | number | null) => (t === null ? null : new Date(t).toISOString());

export function recipientView(r: Row) {
  return {
    message_id: r.messageId,
    contact_id: r.id,
    email: r.email,
    variant: r.variant,
    status: r.status,
    error: r.error,
    sent_at: iso(r.sentAt),
    opened_at: iso(r.openedAt),
    clicked_at: iso(r.clickedAt),
    unsubscribed_at: iso(r.unsubscribedAt),
    complained_at: iso(r.complainedAt),
  };
}

/**
 * Recipients in contact order after `after`. Messages whose contact was purged (contact_id set to
 * null) have no key and are left out, as their contact is gone. A rare outcome (complaints) reads
 * the campaign's rows until the page is full; that is bounded by the campaign's size.
 */
function recipientRows(scope: TenantScope, c: Campaign, filter: RecipientFilter, after: string | undefined, limit: number) {
  const q = filter.q?.trim().toLowerCase();
  return scope.db
    .select(columns)
    .from(messages)
    .where(
      scope.own(
        messages,
        eq(messages.campaignId, c.id),
        after ? gt(messages.contactId, after) : isNotNull(messages.contactId),
        filter.outcome ? OUTCOME_CONDITION[filter.outcome] : undefined,
        q ? sql`instr(${messages.email}, ${q}) > 0` : undefined,
      ),
    )
    .orderBy(asc(messages.contactId))
    .limit(limit)
    .all();
}

export async function listRecipients(scope: TenantScope, c: Campaign, filter: RecipientFilter, page: { limit: number; cursor?: string }) {
  const rows = await recipientRows(scope, c, filter, decodeCursor(page.cursor), page.limit + 1);
  return toPage(rows, page.limit, recipientView);
}

const CSV_HEADER = ['email', 'status', 'variant', 'sent_at', 'opened_at', 'clicked_at', 'unsubscribed_at', 'complained_at', 'error'];
/** Rows per query while streaming: 1,000,000 recipients stay within D1's 1,000 queries per invocation. */
const CSV_CHUNK = 5_000;

/**
 * Every matching recipient as CSV (formula-safe cells, lib/csv.ts), streamed chunk by chunk so a
 * campaign of any size never sits in memory whole.
 */
export function recipientsCsv(scope: TenantScope, c: Campaign, filter: RecipientFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: string | undefined;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      const rows = await recipientRows(scope, c, filter, after, CSV_CHUNK);
      const cells = rows.map((r) => {
        const v = recipientView(r);
        return [v.email, v.status, v.variant, v.sent_at, v.opened_at, v.clicked_at, v.unsubscribed_at, v.complained_at, v.error];
      });
      controller.enqueue(encoder.encode(csvLines(started ? cells : [CSV_HEADER, ...cells])));
      started = true;
      after = rows[rows.length - 1]?.id;
      if (rows.length < CSV_CHUNK) controller.close();
    },
  });
}
