import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, contacts, messages } from '../../worker/db/schema';
import { tenantScope } from '../../worker/db/tenant-scope';
import { changeOf, dailyStatsQueries, ratesOf, statsRange } from '../../worker/domain/tenant-stats';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { call, expectProblem, signupTenant, type Session } from './helpers';

const db = () => getDb(env);
const at = (day: string, hour = 12) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

/** A contact made on a given day, with the time-ordered id it would have got then. */
async function contactOn(s: Session, day: string, extra: Partial<typeof contacts.$inferInsert> = {}) {
  const t = at(day);
  const row = { id: newId(ID_PREFIX.contact, t), tenantId: s.tenantId, email: `${newId('x')}@example.com`, createdAt: new Date(t), ...extra };
  await db().insert(contacts).values(row).run();
  return row;
}

async function sentOn(s: Session, contactId: string, day: string, extra: Partial<typeof messages.$inferInsert> = {}) {
  const t = new Date(at(day));
  await db().insert(messages).values({ id: newId(ID_PREFIX.message), tenantId: s.tenantId, contactId, email: 'r@example.com', status: 'sent', sendAfter: t, sentAt: t, ...extra }).run();
}

async function eventOn(s: Session, contactId: string, day: string, type: 'bounce' | 'complaint' | 'unsubscribed') {
  await db().insert(contactEvents).values({ id: newId(ID_PREFIX.contactEvent), tenantId: s.tenantId, contactId, type, createdAt: new Date(at(day)) }).run();
}

/** A workspace with a known week (Jan 8–14, 2026) and the week before. */
async function workspaceWithHistory() {
  const s = await signupTenant('Stats Co');
  const [a, b] = [await contactOn(s, '2026-01-09'), await contactOn(s, '2026-01-09')];
  await contactOn(s, '2026-01-09', { deletedAt: new Date(at('2026-01-10')) });
  const early = await contactOn(s, '2026-01-02');
  // This week: four delivered on the 10th (two opened, one of them clicked), one bounced after delivery on the 12th.
  await sentOn(s, a.id, '2026-01-10', { openedAt: new Date(at('2026-01-11')), clickedAt: new Date(at('2026-01-11')) });
  await sentOn(s, a.id, '2026-01-10', { openedAt: new Date(at('2026-01-10', 13)) });
  await sentOn(s, b.id, '2026-01-10');
  await sentOn(s, b.id, '2026-01-10');
  await sentOn(s, b.id, '2026-01-12', { status: 'bounced' });
  await eventOn(s, b.id, '2026-01-12', 'bounce');
  await eventOn(s, a.id, '2026-01-10', 'complaint');
  await eventOn(s, b.id, '2026-01-14', 'unsubscribed');
  // The week before: two delivered, one opened, one unsubscribe.
  await sentOn(s, early.id, '2026-01-03', { openedAt: new Date(at('2026-01-03', 14)) });
  await sentOn(s, early.id, '2026-01-03');
  await eventOn(s, early.id, '2026-01-02', 'unsubscribed');
  // Outside both weeks.
  await sentOn(s, early.id, '2026-01-15');
  await sentOn(s, early.id, '2025-12-31');
  await eventOn(s, early.id, '2026-01-15', 'complaint');
  return s;
}

describe('GET /v1/stats', () => {
  it('counts a period per day, and compares it with the period before', async () => {
    const s = await workspaceWithHistory();
    const res = await call('/v1/stats?from=2026-01-08&to=2026-01-14', { token: s.token });
    expect(res.status).toBe(200);
    expect(res.json.period).toEqual({ from: '2026-01-08', to: '2026-01-14', days: 7 });
    expect(res.json.previous_period).toEqual({ from: '2026-01-01', to: '2026-01-07' });
    expect(res.json.totals).toEqual({ sent: 5, delivered: 4, unique_opens: 2, unique_clicks: 1, bounces: 1, complaints: 1, unsubscribes: 1, new_contacts: 2 });
    expect(res.json.rates).toEqual({ open: 0.5, click: 0.25, click_to_open: 0.5, bounce: 0.2, complaint: 0.25, unsubscribe: 0.25 });
    expect(res.json.previous.totals).toEqual({ sent: 2, delivered: 2, unique_opens: 1, unique_clicks: 0, bounces: 0, complaints: 0, unsubscribes: 1, new_contacts: 1 });
    expect(res.json.change.totals).toEqual({ sent: 1.5, delivered: 1, unique_opens: 1, unique_clicks: null, bounces: null, complaints: null, unsubscribes: 0, new_contacts: 1 });
    expect(res.json.change.rates).toEqual({ open: 0, click: 0.25, click_to_open: 0.5, bounce: 0.2, complaint: 0.25, unsubscribe: -0.25 });
    expect(res.json.contacts_total).toBe(3);
    expect(res.json.series.map((d: any) => d.date)).toEqual(['2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14']);
    expect(res.json.series[1]).toMatchObject({ new_contacts: 2, sent: 0 });
    expect(res.json.series[2]).toMatchObject({ sent: 4, delivered: 4, unique_opens: 2, unique_clicks: 1, complaints: 1 });
    expect(res.json.series[4]).toMatchObject({ sent: 1, delivered: 0, bounces: 1 });
    expect(res.json.series[6]).toMatchObject({ unsubscribes: 1 });

    // Another workspace sees none of it.
    const other = await signupTenant('Other Co');
    const theirs = await call('/v1/stats?from=2026-01-08&to=2026-01-14', { token: other.token });
    expect(theirs.json.totals).toEqual({ sent: 0, delivered: 0, unique_opens: 0, unique_clicks: 0, bounces: 0, complaints: 0, unsubscribes: 0, new_contacts: 0 });
  });

  it('takes the last 7, 30 or 90 days including today, 30 by default', async () => {
    const s = await signupTenant('Period Co');
    const today = new Date().toISOString().slice(0, 10);
    for (const [query, days] of [['period=7d', 7], ['period=90d', 90], ['', 30]] as const) {
      const res = await call(`/v1/stats?${query}`, { token: s.token });
      expect(res.status).toBe(200);
      expect(res.json.period.days).toBe(days);
      expect(res.json.series).toHaveLength(days);
      expect(res.json.period.to).toBe(today);
      expect(res.json.series.at(-1).date).toBe(today);
    }
  });

  it('refuses periods it cannot answer', async () => {
    const s = await signupTenant('Bad Period Co');
    for (const query of ['period=1y', 'from=2026-01-08', 'to=2026-01-08', 'from=2026-01-08&to=2026-01-01', 'from=2025-01-01&to=2026-01-08', 'period=7d&from=2026-01-01&to=2026-01-02', 'from=2026-13-01&to=2026-13-02', 'from=yesterday&to=today']) {
      expectProblem(await call(`/v1/stats?${query}`, { token: s.token }), 400, 'validation-error');
    }
  });

  it('reads every count from an index', async () => {
    const scope = tenantScope(db(), 'ten_plan');
    const queries = dailyStatsQueries(scope, at('2026-01-01'), at('2026-04-01'));
    const plan = async (q: { toSQL(): { sql: string; params: unknown[] } }) => {
      const { sql, params } = q.toSQL();
      const rows = await env.DB.prepare(`explain query plan ${sql}`).bind(...params).all<{ detail: string }>();
      return rows.results.map((r) => r.detail).join('\n');
    };
    expect(await plan(queries.sends)).toMatch(/SEARCH messages USING COVERING INDEX messages_tenant_sent \(tenant_id=\? AND sent_at>\? AND sent_at<\?\)/);
    expect(await plan(queries.outcomes)).toMatch(/SEARCH contact_events USING COVERING INDEX contact_events_outcome_time/);
    expect(await plan(queries.joined)).toMatch(/SEARCH contacts USING INDEX contacts_tenant_deleted_id \(tenant_id=\? AND deleted_at=\? AND id>\? AND id<\?\)/);
  });
});

describe('period comparison', () => {
  const totals = (t: Partial<Record<string, number>>) => ({ sent: 0, delivered: 0, unique_opens: 0, unique_clicks: 0, bounces: 0, complaints: 0, unsubscribes: 0, new_contacts: 0, ...t });
  it('gives counts as a relative change and rates as a difference in points', () => {
    const now = totals({ sent: 150, delivered: 120, unique_opens: 30, bounces: 5 });
    const before = totals({ sent: 100, delivered: 100, unique_opens: 40, bounces: 0 });
    const change = changeOf({ totals: now, rates: ratesOf(now) }, { totals: before, rates: ratesOf(before) });
    expect(change.totals).toMatchObject({ sent: 0.5, delivered: 0.2, unique_opens: -0.25, bounces: null, unique_clicks: null });
    // 30/120 = 25 % against 40/100 = 40 %: 15 points down; bounce 5/125 = 4 % against 0.
    expect(change.rates).toMatchObject({ open: -0.15, bounce: 0.04, click: 0 });
  });

  it('aligns periods to whole UTC days', () => {
    const now = at('2026-03-10', 15);
    expect(statsRange({ period: '7d' }, now)).toEqual({ from: at('2026-03-04', 0), to: at('2026-03-11', 0), days: 7 });
    expect(statsRange({ from: '2026-02-27', to: '2026-03-01' }, now)).toEqual({ from: at('2026-02-27', 0), to: at('2026-03-02', 0), days: 3 });
  });
});
