import { and, count, eq, gte, isNull, lt, sql, type SQLWrapper } from 'drizzle-orm';
import { contactEvents, contacts, messages } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { validationProblem } from '../lib/problem';
import { DAY_MS, nextUtcDay, utcDayKey } from '../lib/utc-periods';
import { rate } from './campaign-stats';
import { countContacts } from './plan-limits';

export const STATS_PERIODS = { '7d': 7, '30d': 30, '90d': 90 } as const;
export type StatsPeriod = keyof typeof STATS_PERIODS;
export const MAX_STATS_DAYS = 366;

/** Whole UTC days: `from` inclusive, `to` exclusive, in milliseconds. */
export interface StatsRange {
  from: number;
  to: number;
  days: number;
}

/**
 * The period asked for: the last 7, 30 or 90 UTC days including today (30 by default), or the
 * days `from`–`to` (YYYY-MM-DD, both included).
 */
export function statsRange(q: { period?: StatsPeriod; from?: string; to?: string }, now: number): StatsRange {
  if (q.from === undefined && q.to === undefined) {
    const days = STATS_PERIODS[q.period ?? '30d'];
    const to = nextUtcDay(now);
    return { from: to - days * DAY_MS, to, days };
  }
  if (q.period) throw validationProblem([{ field: 'period', message: 'give either period or from and to' }]);
  if (q.from === undefined || q.to === undefined) throw validationProblem([{ field: q.from === undefined ? 'from' : 'to', message: 'from and to go together' }]);
  const from = Date.parse(`${q.from}T00:00:00Z`);
  const to = Date.parse(`${q.to}T00:00:00Z`) + DAY_MS;
  const days = (to - from) / DAY_MS;
  if (days < 1) throw validationProblem([{ field: 'to', message: 'must not be before from' }]);
  if (days > MAX_STATS_DAYS) throw validationProblem([{ field: 'to', message: `at most ${MAX_STATS_DAYS} days from from` }]);
  return { from, to, days };
}

const COUNTS = ['sent', 'delivered', 'unique_opens', 'unique_clicks', 'bounces', 'complaints', 'unsubscribes', 'new_contacts'] as const;
type Counts = Record<(typeof COUNTS)[number], number>;
const zero = (): Counts => Object.fromEntries(COUNTS.map((k) => [k, 0])) as Counts;

/**
 * Rates as the campaign report has them: over the messages delivered (sent and not bounced since),
 * the bounce rate over delivered plus bounced.
 */
export function ratesOf(t: Counts) {
  return {
    open: rate(t.unique_opens, t.delivered),
    click: rate(t.unique_clicks, t.delivered),
    click_to_open: rate(t.unique_clicks, t.unique_opens),
    bounce: rate(t.bounces, t.delivered + t.bounces),
    complaint: rate(t.complaints, t.delivered),
    unsubscribe: rate(t.unsubscribes, t.delivered),
  };
}
type Rates = ReturnType<typeof ratesOf>;

/**
 * Against the previous period: counts as a relative change (0.25 = 25 % more; null when there was
 * nothing to compare with), rates as the difference in points (0.02 = two percentage points up).
 */
export function changeOf(current: { totals: Counts; rates: Rates }, previous: { totals: Counts; rates: Rates }) {
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  const totals = Object.fromEntries(COUNTS.map((k) => [k, previous.totals[k] === 0 ? null : round((current.totals[k] - previous.totals[k]) / previous.totals[k])])) as Record<keyof Counts, number | null>;
  const rates = Object.fromEntries(Object.keys(current.rates).map((k) => [k, round(current.rates[k as keyof Rates] - previous.rates[k as keyof Rates])])) as Rates;
  return { totals, rates };
}

/** The UTC day a millisecond timestamp falls on. The constant is written out: bound, D1 would pass it as a float and divide exactly. */
const dayOf = (column: SQLWrapper) => sql<number>`(${column} / ${sql.raw(String(DAY_MS))}) * ${sql.raw(String(DAY_MS))}`;
/** The smallest contact id made at `t` (its 10 time digits without the random part): ids sort by creation time (lib/ids.ts). */
const firstContactIdAt = (t: number) => newId(ID_PREFIX.contact, t).slice(0, ID_PREFIX.contact.length + 11);

/**
 * The three counts per UTC day from `start` to `end`, each read from an index (schema.ts): messages
 * by send time (messages_tenant_sent carries status and first open and click), bounce, complaint
 * and unsubscribe events by time (contact_events_outcome_time), new contacts by their time-ordered
 * ids (contacts_tenant_deleted_id). Opens and clicks count on the day their message was sent.
 */
export function dailyStatsQueries(scope: TenantScope, start: number, end: number) {
  const messageDay = dayOf(messages.sentAt);
  const eventDay = dayOf(contactEvents.createdAt);
  const contactDay = dayOf(contacts.createdAt);
  return {
    sends: scope.db
      .select({ day: messageDay, sent: count(), delivered: sql<number>`coalesce(sum(${messages.status} = 'sent'), 0)`, opens: sql<number>`count(${messages.openedAt})`, clicks: sql<number>`count(${messages.clickedAt})` })
      .from(messages)
      .where(scope.own(messages, gte(messages.sentAt, new Date(start)), lt(messages.sentAt, new Date(end))))
      .groupBy(messageDay),
    outcomes: scope.db
      .select({ day: eventDay, type: contactEvents.type, n: count() })
      .from(contactEvents)
      // The literal IN list is the partial index's own condition: SQLite uses the index only then.
      .where(and(eq(contactEvents.tenantId, scope.tenantId), sql`type in ('bounce', 'complaint', 'unsubscribed')`, gte(contactEvents.createdAt, new Date(start)), lt(contactEvents.createdAt, new Date(end))))
      .groupBy(eventDay, contactEvents.type),
    joined: scope.db
      .select({ day: contactDay, n: count() })
      .from(contacts)
      // The id range is what the index answers; created_at then places each contact on its day.
      .where(scope.own(contacts, isNull(contacts.deletedAt), gte(contacts.id, firstContactIdAt(start)), lt(contacts.id, firstContactIdAt(end)), gte(contacts.createdAt, new Date(start)), lt(contacts.createdAt, new Date(end))))
      .groupBy(contactDay),
  };
}

/** The workspace's sending and audience over a period and the one before it, per UTC day; opens and clicks unique and human. */
export async function tenantStats(scope: TenantScope, range: StatsRange) {
  const start = range.from - range.days * DAY_MS;
  const q = dailyStatsQueries(scope, start, range.to);
  const [sends, outcomes, joined, total] = await Promise.all([q.sends.all(), q.outcomes.all(), q.joined.all(), countContacts(scope)]);

  const byDay = new Map<number, Counts>();
  const at = (day: number) => byDay.get(day) ?? byDay.set(day, zero()).get(day)!;
  for (const r of sends) Object.assign(at(r.day), { sent: r.sent, delivered: r.delivered, unique_opens: r.opens, unique_clicks: r.clicks });
  const outcomeKey = { bounce: 'bounces', complaint: 'complaints', unsubscribed: 'unsubscribes' } as const;
  for (const r of outcomes) at(r.day)[outcomeKey[r.type as keyof typeof outcomeKey]] = r.n;
  for (const r of joined) at(r.day).new_contacts = r.n;

  const sum = (from: number, to: number) => {
    const t = zero();
    for (let day = from; day < to; day += DAY_MS) for (const k of COUNTS) t[k] += byDay.get(day)?.[k] ?? 0;
    return { totals: t, rates: ratesOf(t) };
  };
  const current = sum(range.from, range.to);
  const previous = sum(start, range.from);
  const series = Array.from({ length: range.days }, (_, i) => range.from + i * DAY_MS).map((day) => ({ date: utcDayKey(day), ...(byDay.get(day) ?? zero()) }));
  const days = (from: number, to: number) => ({ from: utcDayKey(from), to: utcDayKey(to - DAY_MS) });
  return {
    period: { ...days(range.from, range.to), days: range.days },
    previous_period: days(start, range.from),
    ...current,
    previous,
    change: changeOf(current, previous),
    contacts_total: total,
    series,
  };
}

export type TenantStats = Awaited<ReturnType<typeof tenantStats>>;
