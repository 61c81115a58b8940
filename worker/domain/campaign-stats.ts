import { and, count, eq, sql } from 'drizzle-orm';
import { campaignEventRollups, contactEvents, deliveryEvents, messages, type Campaign } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { abTestReport } from './ab-test-report';
import { messageCounts } from './campaigns';

/** Mailbox providers by the domains of their consumer addresses; everything else is "other". */
export const MAILBOX_PROVIDERS = ['Gmail', 'Outlook', 'Yahoo', 'Apple', 'Other'] as const;
type MailboxProvider = (typeof MAILBOX_PROVIDERS)[number];
const PROVIDER_DOMAINS: [MailboxProvider, RegExp][] = [
  ['Gmail', /^(gmail|googlemail)\.com$/],
  ['Outlook', /^(outlook|hotmail|live|msn)\.[a-z.]+$/],
  ['Yahoo', /^(yahoo|ymail|rocketmail|aol)\.[a-z.]+$/],
  ['Apple', /^(icloud|me|mac)\.com$/],
];
export const providerOf = (domain: string): MailboxProvider => PROVIDER_DOMAINS.find(([, re]) => re.test(domain))?.[0] ?? 'Other';

export const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** Engagement buckets: hours for the first three days of a campaign, days after. */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A campaign's report. Opens and clicks are human unless called machine (bots, scanners, privacy
 * proxies; see machine-traffic.ts): unique counts come from each message's first human open and
 * click, totals and the per-link table from the timeline rows. Deliveries, soft bounces and complaints
 * come from the providers' reports (delivery-events.ts); hard bounces are the messages `bounced`,
 * at send time or reported later. Rates are over messages sent.
 */
export async function campaignStats(scope: TenantScope, c: Campaign) {
  const db = scope.db;
  const own = (...conds: Parameters<typeof and>) => and(eq(contactEvents.tenantId, scope.tenantId), eq(contactEvents.campaignId, c.id), ...conds);
  const [statusCounts, unique, rawEvents, reports, rawLinks, domains, rawTimeline, abTest, rollups, agents] = await Promise.all([
    messageCounts(scope, [c.id]),
    db
      .select({ opened: sql<number>`count(${messages.openedAt})`, clicked: sql<number>`count(${messages.clickedAt})`, delivered: sql<number>`count(${messages.deliveredAt})` })
      .from(messages)
      .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.campaignId, c.id)))
      .get(),
    db.select({ type: contactEvents.type, n: count() }).from(contactEvents).where(own()).groupBy(contactEvents.type).all(),
    // Soft bounces and complaints as the delivery reports recorded them (one per message, from any source).
    db
      .select({ type: deliveryEvents.type, n: count() })
      .from(deliveryEvents)
      .where(and(eq(deliveryEvents.campaignId, c.id), eq(deliveryEvents.tenantId, scope.tenantId)))
      .groupBy(deliveryEvents.type)
      .all(),
    db
      .select({ url: sql<string>`${contactEvents.data}->>'url'`, clicks: count(), unique: sql<number>`count(distinct ${contactEvents.contactId})` })
      .from(contactEvents)
      .where(own(sql`${contactEvents.type} = 'click'`))
      .groupBy(sql`${contactEvents.data}->>'url'`)
      .orderBy(sql`count(*) desc`)
      .limit(100)
      .all(),
    db
      .select({ domain: sql<string>`lower(substr(${messages.email}, instr(${messages.email}, '@') + 1))`, sent: count(), opened: sql<number>`count(${messages.openedAt})`, clicked: sql<number>`count(${messages.clickedAt})` })
      .from(messages)
      .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.campaignId, c.id), eq(messages.status, 'sent')))
      .groupBy(sql`1`)
      .all(),
    engagementOverTime(scope, c),
    abTestReport(db, c),
    // Days whose per-event rows the retention cron has pruned (event-retention.ts).
    db.select().from(campaignEventRollups).where(and(eq(campaignEventRollups.tenantId, scope.tenantId), eq(campaignEventRollups.campaignId, c.id))).all(),
    // People who opened, by the client and device of their opens (one person reading on two devices counts on both).
    db
      .select({ client: sql<string | null>`${contactEvents.data}->>'client'`, device: sql<string | null>`${contactEvents.data}->>'device'`, people: sql<number>`count(distinct ${contactEvents.contactId})` })
      .from(contactEvents)
      .where(own(sql`${contactEvents.type} = 'open'`))
      .groupBy(sql`1`, sql`2`)
      .all(),
  ]);
  const { events, links, timeline } = withRollups(rawEvents, rawLinks, rawTimeline, rollups);
  const status = statusCounts.get(c.id) ?? {};
  const sent = status.sent ?? 0;
  const bounced = status.bounced ?? 0;
  const n = (type: string) => events.find((e) => e.type === type)?.n ?? 0;
  const reported = (type: string) => reports.find((e) => e.type === type)?.n ?? 0;
  const delivered = unique?.delivered ?? 0;
  const complaints = reported('complaint');
  const providers = new Map<MailboxProvider, { provider: MailboxProvider; sent: number; opened: number; clicked: number }>();
  for (const d of domains) {
    const name = providerOf(d.domain);
    const p = providers.get(name) ?? { provider: name, sent: 0, opened: 0, clicked: 0 };
    p.sent += d.sent;
    p.opened += d.opened;
    p.clicked += d.clicked;
    providers.set(name, p);
  }
  const opens = unique?.opened ?? 0;
  const clicks = unique?.clicked ?? 0;
  return {
    sent,
    delivered,
    bounced,
    bounces: { hard: bounced, soft: reported('soft_bounce') },
    failed: status.failed ?? 0,
    opens: { unique: opens, total: n('open'), machine: n('machine_open') },
    clicks: { unique: clicks, total: n('click'), machine: n('machine_click') },
    unsubscribes: n('unsubscribed'),
    complaints,
    rates: {
      delivery: rate(delivered, sent + bounced),
      open: rate(opens, sent),
      click: rate(clicks, sent),
      click_to_open: rate(clicks, opens),
      bounce: rate(bounced, sent + bounced),
      // By kind: hard bounces end the address; soft ones were given up on by the provider after retrying.
      hard_bounce: rate(bounced, sent + bounced),
      soft_bounce: rate(reported('soft_bounce'), sent + bounced),
      unsubscribe: rate(n('unsubscribed'), sent),
      complaint: rate(complaints, sent),
    },
    links: links.map((l) => ({ url: l.url, clicks: l.clicks, unique_clicks: l.unique })),
    providers: [...providers.values()].sort((a, b) => b.sent - a.sent).map((p) => ({ ...p, open_rate: rate(p.opened, p.sent) })),
    clients: tally(agents, (a) => a.client ?? 'Other').map(([client, openers]) => ({ client, openers })),
    devices: tally(agents, (a) => a.device ?? 'unknown').map(([device, openers]) => ({ device, openers })),
    timeline,
    ab_test: abTest,
  };
}

export type CampaignStats = Awaited<ReturnType<typeof campaignStats>>;

/** Openers per key, most first. */
function tally<T extends { people: number }>(rows: T[], key: (row: T) => string): [string, number][] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(key(r), (sums.get(key(r)) ?? 0) + r.people);
  return [...sums].sort((a, b) => b[1] - a[1]);
}

/**
 * Adds the rolled-up days to what is still raw: totals per type, clicks per link (unique clicks count
 * only the raw rows: a rollup keeps no people), and the daily points of the series.
 */
function withRollups(
  events: { type: string; n: number }[],
  links: { url: string; clicks: number; unique: number }[],
  timeline: { at: string; opens: number; clicks: number }[],
  rollups: (typeof campaignEventRollups.$inferSelect)[],
) {
  if (!rollups.length) return { events, links, timeline };
  const totals = new Map(events.map((e) => [e.type, e.n]));
  const byUrl = new Map(links.map((l) => [l.url, { ...l }]));
  const points = new Map(timeline.map((p) => [p.at, { ...p }]));
  for (const r of rollups) {
    totals.set(r.type, (totals.get(r.type) ?? 0) + r.events);
    if (r.type === 'click') {
      const link = byUrl.get(r.url) ?? { url: r.url, clicks: 0, unique: 0 };
      link.clicks += r.events;
      byUrl.set(r.url, link);
    }
    if (r.type === 'open' || r.type === 'click') {
      const at = new Date(r.bucketAt).toISOString();
      const p = points.get(at) ?? { at, opens: 0, clicks: 0 };
      if (r.type === 'open') p.opens += r.events;
      else p.clicks += r.events;
      points.set(at, p);
    }
  }
  return {
    events: [...totals].map(([type, n]) => ({ type, n })),
    links: [...byUrl.values()].sort((a, b) => b.clicks - a.clicks).slice(0, 100),
    timeline: [...points.values()].sort((a, b) => a.at.localeCompare(b.at)),
  };
}

/** Human opens and clicks per hour for the first three days after the start, then per day. */
async function engagementOverTime(scope: TenantScope, c: Campaign) {
  const start = (c.startedAt ?? c.createdAt).getTime();
  const bucket = sql<number>`case when ${contactEvents.createdAt} < ${start + 3 * DAY} then ${start} + ((${contactEvents.createdAt} - ${start}) / ${HOUR}) * ${HOUR} else ${start} + ((${contactEvents.createdAt} - ${start}) / ${DAY}) * ${DAY} end`;
  const rows = await scope.db
    .select({ at: bucket, type: contactEvents.type, n: count() })
    .from(contactEvents)
    .where(and(eq(contactEvents.tenantId, scope.tenantId), eq(contactEvents.campaignId, c.id), sql`(${contactEvents.type} = 'open' or ${contactEvents.type} = 'click')`))
    .groupBy(sql`1`, contactEvents.type)
    .orderBy(sql`1`)
    .all();
  const points = new Map<number, { at: string; opens: number; clicks: number }>();
  for (const r of rows) {
    const p = points.get(r.at) ?? { at: new Date(r.at).toISOString(), opens: 0, clicks: 0 };
    if (r.type === 'open') p.opens += r.n;
    else p.clicks += r.n;
    points.set(r.at, p);
  }
  return [...points.values()];
}
