import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { campaigns, contactEvents, messages } from '../../worker/db/schema';
import { expiredEvents, monthsBefore, pruneExpiredEvents } from '../../worker/domain/event-retention';
import { ID_PREFIX, idsBefore, newId } from '../../worker/lib/ids';
import { addContacts, createCampaign, sendingTenant } from './campaign-helpers';
import { call } from './helpers';

const db = () => getDb(env);
const DAY = 86_400_000;

/** A campaign that ran `monthsAgo` months ago with opens, clicks, machine traffic and sends then, and some activity last week. */
async function oldCampaign(monthsAgo: number) {
  const s = await sendingTenant('Archive Co');
  const people = await addContacts(s.tenantId, 3, 'old');
  const id = await createCampaign(s);
  const started = monthsBefore(Date.now(), monthsAgo);
  await db().update(campaigns).set({ status: 'sent', startedAt: new Date(started), finishedAt: new Date(started + DAY) }).where(eq(campaigns.id, id)).run();
  const rows: (typeof contactEvents.$inferInsert)[] = [];
  const event = (contactId: string, type: (typeof contactEvents.$inferInsert)['type'], at: number, data: Record<string, unknown> = {}) =>
    rows.push({ id: newId(ID_PREFIX.contactEvent, at), tenantId: s.tenantId, contactId, campaignId: id, type, data, createdAt: new Date(at) });
  for (const [i, p] of people.entries()) {
    const messageId = newId(ID_PREFIX.message, started);
    await db().insert(messages).values({ id: messageId, tenantId: s.tenantId, campaignId: id, contactId: p.id, email: p.email, status: 'sent', sendAfter: new Date(started), sentAt: new Date(started), openedAt: new Date(started + 3 * DAY) }).run();
    event(p.id, 'sent', started + 1000, { message_id: messageId });
    event(p.id, 'open', started + 3 * DAY + i, { message_id: messageId });
    event(p.id, 'open', started + 4 * DAY + i, { message_id: messageId });
    event(p.id, 'click', started + 4 * DAY + 60_000 + i, { message_id: messageId, url: 'https://shop.example/a', link_index: 0 });
    event(p.id, 'machine_open', started + 2000, { message_id: messageId, machine: 'apple_mpp' });
    event(p.id, 'subscribed', started - DAY, { source: 'form' });
  }
  event(people[0]!.id, 'click', started + 5 * DAY, { url: 'https://shop.example/b', link_index: 1 });
  // Last week: a late open, kept whatever the retention.
  event(people[1]!.id, 'open', Date.now() - 7 * DAY);
  for (let i = 0; i < rows.length; i += 8) await db().insert(contactEvents).values(rows.slice(i, i + 8)).run();
  return { s, id, people };
}

const statsOf = async (token: string, id: string) => (await call(`/v1/campaigns/${id}/stats`, { token })).json;
const typesOf = async (tenantId: string) => (await db().select({ type: contactEvents.type }).from(contactEvents).where(eq(contactEvents.tenantId, tenantId)).all()).map((r) => r.type).sort();

describe('event retention', () => {
  it('prunes per-event rows past the retention period and the campaign report stays the same', async () => {
    const { s, id } = await oldCampaign(15);
    const before = await statsOf(s.token, id);
    expect(before.opens.total).toBe(7);
    expect(before.clicks.total).toBe(4);

    expect(await pruneExpiredEvents(db())).toBeGreaterThanOrEqual(16);
    // Consent and subscription history stays; so does last week's open.
    expect(await typesOf(s.tenantId)).toEqual(['open', 'subscribed', 'subscribed', 'subscribed']);

    const after = await statsOf(s.token, id);
    expect(after.opens).toEqual(before.opens);
    expect(after.clicks).toEqual(before.clicks);
    expect(after.rates).toEqual(before.rates);
    expect(after.links.map((l: any) => [l.url, l.clicks])).toEqual(before.links.map((l: any) => [l.url, l.clicks]));
    const sum = (points: any[], key: 'opens' | 'clicks') => points.reduce((n, p) => n + p[key], 0);
    expect(sum(after.timeline, 'opens')).toBe(sum(before.timeline, 'opens'));
    expect(sum(after.timeline, 'clicks')).toBe(sum(before.timeline, 'clicks'));

    // A second run finds nothing and counts nothing twice.
    await pruneExpiredEvents(db());
    expect((await statsOf(s.token, id)).opens).toEqual(before.opens);
  });

  it('keeps the rows of a workspace that chose a longer period', async () => {
    const { s } = await oldCampaign(15);
    expect((await call('/v1/tenant', { method: 'PATCH', token: s.token, body: { event_retention_months: 24 } })).json.event_retention_months).toBe(24);
    const kept = await typesOf(s.tenantId);
    await pruneExpiredEvents(db());
    expect(await typesOf(s.tenantId)).toEqual(kept);
    expect((await call('/v1/tenant', { method: 'PATCH', token: s.token, body: { event_retention_months: 1 } })).status).toBe(400);
  });

  it('walks the prunable rows on their partial index', async () => {
    const { sql, params } = expiredEvents(db(), 'ten_plan', idsBefore(ID_PREFIX.contactEvent, Date.now())).toSQL();
    const plan = await env.DB.prepare(`explain query plan ${sql}`).bind(...params).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join('\n')).toMatch(/SEARCH contact_events USING (COVERING )?INDEX contact_events_prunable \(tenant_id=\? AND id<\?\)/);
  });
});
