import { env } from 'cloudflare:test';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, contacts, messages, notifications } from '../../worker/db/schema';
import { monthsBefore } from '../../worker/domain/event-retention';
import { runSunset, sunsetCandidates, sunsetWorkspace } from '../../worker/domain/sunset';
import { recordTrackingEvents, trackingEvent } from '../../worker/domain/tracking-events';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { addContacts, createCampaign, sendingTenant } from './campaign-helpers';
import { call } from './helpers';

const db = () => getDb(env);
const MONTH = 30 * 86_400_000;

/** A workspace whose contacts joined two years ago, with a campaign sent to some of them `sentMonthsAgo` months ago. */
async function workspace() {
  const s = await sendingTenant('Sunset Co');
  const old = { createdAt: new Date(Date.now() - 24 * MONTH) };
  const [silent, reader, clicker, unmailed, unsubscribed] = await Promise.all([
    addContacts(s.tenantId, 1, 'silent', old),
    addContacts(s.tenantId, 1, 'reader', old),
    addContacts(s.tenantId, 1, 'clicker', old),
    addContacts(s.tenantId, 1, 'unmailed', old),
    addContacts(s.tenantId, 1, 'gone', { ...old, status: 'unsubscribed' }),
  ]).then((lists) => lists.map((l) => l[0]!));
  const [newcomer] = await addContacts(s.tenantId, 1, 'newcomer');
  const campaignId = await createCampaign(s);
  const sentAt = new Date(Date.now() - 6 * MONTH);
  const mail = async (c: { id: string; email: string }, extra: Partial<typeof messages.$inferInsert> = {}) => {
    const id = newId(ID_PREFIX.message);
    await db().insert(messages).values({ id, tenantId: s.tenantId, campaignId, contactId: c.id, email: c.email, status: 'sent', sendAfter: sentAt, sentAt, ...extra }).run();
    return id;
  };
  const silentMessage = await mail(silent!);
  await mail(reader!, { openedAt: new Date(sentAt.getTime() + 3_600_000) });
  await mail(clicker!, { clickedAt: new Date(sentAt.getTime() + 3_600_000) });
  await mail(unsubscribed!);
  await mail(newcomer!);
  return { s, campaignId, silent: silent!, reader: reader!, clicker: clicker!, unmailed: unmailed!, unsubscribed: unsubscribed!, newcomer: newcomer!, silentMessage };
}

const statusOf = async (id: string) => (await db().select({ status: contacts.status }).from(contacts).where(eq(contacts.id, id)).get())!.status;

describe('sunset', () => {
  it('makes subscribed contacts who were mailed but never engaged in the period inactive, reports it, and leaves everyone else', async () => {
    const w = await workspace();
    await runSunset(env, db());
    expect(await statusOf(w.silent.id)).toBe('inactive');
    for (const c of [w.reader, w.clicker, w.unmailed, w.newcomer]) expect(await statusOf(c.id)).toBe('subscribed');
    expect(await statusOf(w.unsubscribed.id)).toBe('unsubscribed');
    const events = await db().select().from(contactEvents).where(inArray(contactEvents.contactId, [w.silent.id, w.reader.id])).all();
    expect(events.filter((e) => e.type === 'sunset').map((e) => [e.contactId, e.data])).toEqual([[w.silent.id, { months: 12 }]]);
    const report = await db().select().from(notifications).where(eq(notifications.tenantId, w.s.tenantId)).all();
    expect(report.find((n) => n.kind === 'sunset_report')?.title).toBe('1 contact had no engagement in 12 months');
    // Run again: nothing more to do.
    expect(await sunsetWorkspace(db(), w.s.tenantId, 12)).toBe(0);
  });

  it('keeps inactive contacts out of campaigns unless the audience asks for them, and a re-engagement campaign reaches them alone', async () => {
    const w = await workspace();
    await sunsetWorkspace(db(), w.s.tenantId, 12);
    const count = async (audience: Record<string, unknown>) => (await call('/v1/campaigns/audience/count', { token: w.s.token, body: { audience } })).json.count;
    expect(await count({ all: true })).toBe(4);
    expect(await count({ all: true, inactive: 'include' })).toBe(5);
    expect(await count({ all: true, inactive: 'only' })).toBe(1);
  });

  it('brings a contact back on a human open, not on a machine one, and by the reactivate bulk action', async () => {
    const w = await workspace();
    await sunsetWorkspace(db(), w.s.tenantId, 12);
    const recipient = { tenantId: w.s.tenantId, messageId: w.silentMessage, contactId: w.silent.id, campaignId: w.campaignId };
    await recordTrackingEvents(db(), [trackingEvent(recipient, 'open', 'apple_mpp')]);
    expect(await statusOf(w.silent.id)).toBe('inactive');
    const open = trackingEvent(recipient, 'open', null);
    await recordTrackingEvents(db(), [open]);
    await recordTrackingEvents(db(), [open]);
    expect(await statusOf(w.silent.id)).toBe('subscribed');
    const back = await db().select().from(contactEvents).where(eq(contactEvents.contactId, w.silent.id)).all();
    expect(back.filter((e) => e.type === 'reactivated').map((e) => e.data)).toEqual([{ source: 'open', message_id: w.silentMessage }]);

    await db().update(contacts).set({ status: 'inactive' }).where(inArray(contacts.id, [w.silent.id, w.reader.id])).run();
    const res = await call('/v1/contacts/bulk', { token: w.s.token, body: { action: 'reactivate', selection: { ids: [w.silent.id, w.reader.id, w.unsubscribed.id] } } });
    expect(res.json).toEqual({ affected: 2 });
    expect(await statusOf(w.unsubscribed.id)).toBe('unsubscribed');
  });

  it('can be switched off or shortened per workspace', async () => {
    const w = await workspace();
    expect((await call('/v1/tenant', { method: 'PATCH', token: w.s.token, body: { sunset_after_months: 0 } })).json.sunset_after_months).toBe(0);
    await runSunset(env, db());
    expect(await statusOf(w.silent.id)).toBe('subscribed');
    expect((await call('/v1/tenant', { method: 'PATCH', token: w.s.token, body: { sunset_after_months: 2 } })).status).toBe(400);
    // Three months: the campaign six months ago is outside the period, so nobody was mailed in it.
    expect(await sunsetWorkspace(db(), w.s.tenantId, 3)).toBe(0);
  });

  it('walks a workspace’s subscribed contacts on the status index', async () => {
    const { sql, params } = sunsetCandidates(db(), 'ten_plan', new Date(monthsBefore(Date.now(), 12)), '').toSQL();
    const plan = await env.DB.prepare(`explain query plan ${sql}`).bind(...params).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join('\n')).toMatch(/SEARCH contacts USING INDEX contacts_tenant_status_deleted_id \(tenant_id=\? AND status=\? AND deleted_at=\? AND id>\?\)/);
  });
});
