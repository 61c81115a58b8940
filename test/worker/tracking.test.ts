import { SELF, env } from 'cloudflare:test';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, contacts, listMembers, lists, messages, suppressions } from '../../worker/db/schema';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { signTrackingToken, type TrackingPayload } from '../../worker/mail/tracking-tokens';
import { addContacts, createCampaign, sendingTenant } from './campaign-helpers';
import { BASE, call } from './helpers';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const IPHONE_MAIL = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const db = () => getDb(env);

/** A sent message to a fresh contact of a fresh workspace, as the send consumer leaves it. */
async function sentMessage(opts: { sentAgoMs?: number; language?: string } = {}) {
  const s = await sendingTenant('Tracking Co');
  const [contact] = await addContacts(s.tenantId, 1, 'reader', opts.language ? { language: opts.language } : {});
  const campaignId = await createCampaign(s);
  const messageId = newId(ID_PREFIX.message);
  await db()
    .insert(messages)
    .values({ id: messageId, tenantId: s.tenantId, campaignId, contactId: contact!.id, email: contact!.email, status: 'sent', sendAfter: new Date(), sentAt: new Date(Date.now() - (opts.sentAgoMs ?? 60_000)) })
    .run();
  const recipient = { tenantId: s.tenantId, messageId, contactId: contact!.id, campaignId };
  const token = (payload: Partial<TrackingPayload> & Pick<TrackingPayload, 'kind'>) => signTrackingToken(env.TOKEN_SIGNING_KEYS, { ...recipient, ...payload } as TrackingPayload);
  return { s, contact: contact!, campaignId, messageId, token };
}

const hit = (path: string, init: RequestInit & { ua?: string } = {}) =>
  SELF.fetch(BASE + path, { redirect: 'manual', ...init, headers: { 'user-agent': init.ua ?? CHROME, ...(init.headers as Record<string, string>) } });

async function eventsOf(contactId: string, count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db().select().from(contactEvents).where(eq(contactEvents.contactId, contactId)).all();
    const tracked = rows.filter((e) => ['open', 'click', 'machine_open', 'machine_click'].includes(e.type));
    if (tracked.length >= count || Date.now() > deadline) return tracked;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('open pixel and click redirect', () => {
  it('answers a no-cache GIF at once and records one human open; the message row gets its first open', async () => {
    const m = await sentMessage();
    const res = await hit(`/t/o/${await m.token({ kind: 'o' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(new TextDecoder().decode((await res.arrayBuffer()).slice(0, 6))).toBe('GIF89a');
    const [open] = await eventsOf(m.contact.id, 1);
    expect(open).toMatchObject({ type: 'open', campaignId: m.campaignId, data: { message_id: m.messageId } });
    const row = await db().select().from(messages).where(eq(messages.id, m.messageId)).get();
    expect(row?.openedAt).toBeInstanceOf(Date);
  });

  it('redirects a click to its signed target and records it with the link', async () => {
    const m = await sentMessage();
    const res = await hit(`/t/c/${await m.token({ kind: 'c', url: 'https://shop.example/sale?utm_source=news', linkIndex: 2 })}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/sale?utm_source=news');
    const [click] = await eventsOf(m.contact.id, 1);
    expect(click).toMatchObject({ type: 'click', data: { message_id: m.messageId, link_index: 2, url: 'https://shop.example/sale?utm_source=news' } });
  });

  it('never redirects a tampered, foreign-kind or garbage token, and never errors', async () => {
    const m = await sentMessage();
    const good = await m.token({ kind: 'c', url: 'https://shop.example/', linkIndex: 0 });
    const tampered = good.slice(0, -3) + (good.endsWith('AAA') ? 'BBB' : 'AAA');
    const openToken = await m.token({ kind: 'o' });
    for (const token of [tampered, openToken, 'x'.repeat(40), '%00%00%00%00%00%00%00%00%00%00']) {
      const res = await hit(`/t/c/${token}`);
      expect(res.status, token).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
    }
    // A bad pixel token still gets its GIF (a broken image in someone's inbox helps nobody) and records nothing.
    const pixel = await hit(`/t/o/${tampered}`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
  });

  it('flags machine traffic — Apple Mail Privacy Protection, scanners, HEAD, clicks within a second of delivery — and counts none of it as engagement', async () => {
    const m = await sentMessage({ sentAgoMs: 100 });
    const click = await m.token({ kind: 'c', url: 'https://shop.example/', linkIndex: 0 });
    await hit(`/t/c/${click}`); // 100 ms after delivery: a scanner
    await hit(`/t/o/${await m.token({ kind: 'o' })}`, { ua: 'Mozilla/5.0' });
    await hit(`/t/c/${click}`, { ua: 'Barracuda Sentinel (EE)' });
    await hit(`/t/c/${click}`, { method: 'HEAD' });
    const events = await eventsOf(m.contact.id, 4);
    expect(events.map((e) => [e.type, (e.data as any).machine]).sort()).toEqual([
      ['machine_click', 'bot'],
      ['machine_click', 'head'],
      ['machine_click', 'too_fast'],
      ['machine_open', 'apple_mpp'],
    ]);
    const row = await db().select().from(messages).where(eq(messages.id, m.messageId)).get();
    expect(row).toMatchObject({ openedAt: null, clickedAt: null });
  });

  it('counts a queue message delivered twice once', async () => {
    const m = await sentMessage();
    const event = { id: newId(ID_PREFIX.contactEvent), type: 'open' as const, tenantId: m.s.tenantId, messageId: m.messageId, contactId: m.contact.id, campaignId: m.campaignId, at: Date.now(), machine: null };
    await env.EVENTS_QUEUE.send(event);
    await env.EVENTS_QUEUE.send(event);
    await eventsOf(m.contact.id, 2, 3_000);
    expect(await eventsOf(m.contact.id, 1)).toHaveLength(1);
  });
});

describe('unsubscribe and preferences', () => {
  const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const contactOf = (id: string) => db().select().from(contacts).where(eq(contacts.id, id)).get();
  const suppressionOf = (tenantId: string, email: string) => db().select().from(suppressions).where(and(eq(suppressions.tenantId, tenantId), eq(suppressions.value, email))).get();

  it('one-click POST (RFC 8058) unsubscribes and suppresses at once, answers 200, and a second POST changes nothing', async () => {
    const m = await sentMessage();
    const token = await m.token({ kind: 'u' });
    const res = await hit(`/t/u/${token}`, form({ 'List-Unsubscribe': 'One-Click' }));
    expect(res.status).toBe(200);
    expect((await contactOf(m.contact.id))?.status).toBe('unsubscribed');
    expect(await suppressionOf(m.s.tenantId, m.contact.email)).toMatchObject({ kind: 'email', reason: 'unsubscribe' });
    expect((await hit(`/t/u/${token}`, form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
    const events = await db().select().from(contactEvents).where(and(eq(contactEvents.contactId, m.contact.id), eq(contactEvents.type, 'unsubscribed'))).all();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ campaignId: m.campaignId, data: { source: 'one_click', message_id: m.messageId } });
  });

  it('GET changes nothing (scanners prefetch links): it offers the button, then a way back', async () => {
    const m = await sentMessage();
    const token = await m.token({ kind: 'u' });
    const page = await hit(`/t/u/${token}`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('Tracking Co');
    expect(text).toContain(`action="/t/u/${token}"`);
    expect(text).toMatch(/href="\/t\/p\//);
    expect((await contactOf(m.contact.id))?.status).toBe('subscribed');

    await hit(`/t/u/${token}`, form({ action: 'unsubscribe' }));
    expect((await contactOf(m.contact.id))?.status).toBe('unsubscribed');
    const back = await hit(`/t/u/${token}`, form({ action: 'resubscribe' }));
    expect(back.status).toBe(200);
    expect((await contactOf(m.contact.id))?.status).toBe('subscribed');
    expect(await suppressionOf(m.s.tenantId, m.contact.email)).toBeUndefined();
  });

  it('does not let a recipient lift a suppression that was not theirs (a complaint)', async () => {
    const m = await sentMessage();
    await db().update(contacts).set({ status: 'complained' }).where(eq(contacts.id, m.contact.id)).run();
    await db().insert(suppressions).values({ id: newId(ID_PREFIX.suppression), tenantId: m.s.tenantId, kind: 'email', value: m.contact.email, reason: 'complaint' }).run();
    const res = await hit(`/t/u/${await m.token({ kind: 'u' })}`, form({ action: 'resubscribe' }));
    expect(res.status).toBe(409);
    expect((await contactOf(m.contact.id))?.status).toBe('complained');
    expect((await suppressionOf(m.s.tenantId, m.contact.email))?.reason).toBe('complaint');
  });

  it('refuses an open-pixel token as an unsubscribe token', async () => {
    const m = await sentMessage();
    const res = await hit(`/t/u/${await m.token({ kind: 'o' })}`, form({ 'List-Unsubscribe': 'One-Click' }));
    expect(res.status).toBe(404);
    expect((await contactOf(m.contact.id))?.status).toBe('subscribed');
  });

  it('preference center: shows the topics, joins and leaves lists, changes the language, and speaks it', async () => {
    const m = await sentMessage();
    const [news, offers] = [newId(ID_PREFIX.list), newId(ID_PREFIX.list)];
    await db().insert(lists).values([{ id: news, tenantId: m.s.tenantId, name: 'Newsletter' }, { id: offers, tenantId: m.s.tenantId, name: 'Offers <b>& deals</b>' }]).run();
    await db().insert(listMembers).values({ tenantId: m.s.tenantId, listId: news, contactId: m.contact.id }).run();
    const token = await m.token({ kind: 'p' });
    const page = await (await hit(`/t/p/${token}`)).text();
    expect(page).toContain(`value="${news}" checked`);
    expect(page).toContain('Offers &lt;b&gt;&amp; deals&lt;/b&gt;');

    const saved = await hit(`/t/p/${token}`, form({ action: 'save', lists: offers, language: 'de' }));
    expect(saved.status).toBe(200);
    const text = await saved.text();
    expect(text).toContain('lang="de"');
    expect(text).toContain('Einstellungen gespeichert');
    const memberships = await db().select().from(listMembers).where(and(eq(listMembers.contactId, m.contact.id), inArray(listMembers.listId, [news, offers]))).all();
    expect(Object.fromEntries(memberships.map((r) => [r.listId, r.status]))).toEqual({ [news]: 'unsubscribed', [offers]: 'subscribed' });
    expect((await contactOf(m.contact.id))?.language).toBe('de');

    await hit(`/t/p/${token}`, form({ action: 'unsubscribe_all' }));
    expect((await contactOf(m.contact.id))?.status).toBe('unsubscribed');
  });
});

describe('campaign report', () => {
  it('counts human opens and clicks once per message, machines apart, with rates, links and providers', async () => {
    const m = await sentMessage();
    const open = await m.token({ kind: 'o' });
    const link = await m.token({ kind: 'c', url: 'https://shop.example/sale', linkIndex: 0 });
    await hit(`/t/o/${open}`);
    await eventsOf(m.contact.id, 1);
    await hit(`/t/o/${open}`, { ua: IPHONE_MAIL });
    await hit(`/t/o/${open}`, { ua: 'Mozilla/5.0' });
    await new Promise((r) => setTimeout(r, 1_100)); // a person reads before clicking
    await hit(`/t/c/${link}`);
    await eventsOf(m.contact.id, 4);
    const stats = await call(`/v1/campaigns/${m.campaignId}/stats`, { token: m.s.token });
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({
      sent: 1,
      opens: { unique: 1, total: 2, machine: 1 },
      clicks: { unique: 1, total: 1, machine: 0 },
      rates: { open: 1, click: 1, click_to_open: 1, bounce: 0 },
      links: [{ url: 'https://shop.example/sale', clicks: 1, unique_clicks: 1 }],
      providers: [{ provider: 'Other', sent: 1, opened: 1, clicked: 1, open_rate: 1 }],
    });
    expect(stats.json.timeline.reduce((n: number, p: any) => n + p.opens, 0)).toBe(2);
    // The one reader opened in a desktop browser and in Apple Mail on an iPhone; the machine open counts for neither.
    expect(stats.json.clients).toEqual(expect.arrayContaining([{ client: 'Browser', openers: 1 }, { client: 'Apple Mail', openers: 1 }]));
    expect(stats.json.clients).toHaveLength(2);
    expect(stats.json.devices).toEqual(expect.arrayContaining([{ device: 'desktop', openers: 1 }, { device: 'mobile', openers: 1 }]));
    const other = await sendingTenant('Nosy Co');
    expect((await call(`/v1/campaigns/${m.campaignId}/stats`, { token: other.token })).status).toBe(404);
  });
});
