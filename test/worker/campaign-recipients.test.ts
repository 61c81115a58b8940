import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, messages } from '../../worker/db/schema';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { addContacts, createCampaign, sendingTenant } from './campaign-helpers';
import { addMember, call, createApiKey } from './helpers';

const db = () => getDb(env);
const HOUR = 3_600_000;

type MessageRow = typeof messages.$inferInsert;
type EventRow = typeof contactEvents.$inferInsert;

/** Message rows and events written as the send and events consumers leave them (D1 allows 100 parameters a statement). */
async function write(rows: MessageRow[], events: EventRow[] = []) {
  for (let i = 0; i < rows.length; i += 5) await db().insert(messages).values(rows.slice(i, i + 5)).run();
  for (let i = 0; i < events.length; i += 10) await db().insert(contactEvents).values(events.slice(i, i + 10)).run();
}

/** A sent campaign whose recipients did one thing each, named by their address. */
async function campaignWithOutcomes() {
  const s = await sendingTenant('Report Co');
  const campaignId = await createCampaign(s);
  const people = await addContacts(s.tenantId, 7, 'r');
  const sent = new Date(Date.now() - 2 * HOUR);
  const later = new Date(Date.now() - HOUR);
  const [plain, opener, clicker, bouncer, complainer, leaver, formula] = people;
  const message = (c: (typeof people)[number], extra: Partial<MessageRow> = {}): MessageRow => ({
    id: newId(ID_PREFIX.message), tenantId: s.tenantId, campaignId, contactId: c.id, email: c.email, status: 'sent', sendAfter: sent, sentAt: sent, ...extra,
  });
  const event = (c: (typeof people)[number], type: EventRow['type']): EventRow => ({ id: newId(ID_PREFIX.contactEvent), tenantId: s.tenantId, contactId: c.id, type, campaignId, createdAt: later });
  await write(
    [
      message(plain!),
      message(opener!, { openedAt: later }),
      message(clicker!, { openedAt: later, clickedAt: later }),
      message(bouncer!, { status: 'bounced', sentAt: null, error: '550 5.1.1 no such user' }),
      message(complainer!, { openedAt: later }),
      message(leaver!),
      // Text a spreadsheet would run: an address and a provider's error message are not ours to trust.
      message(formula!, { email: '=1+2@example.com', status: 'failed', sentAt: null, error: '=HYPERLINK("https://evil.example","x")' }),
    ],
    [event(complainer!, 'complaint'), event(leaver!, 'unsubscribed'), event(opener!, 'open')],
  );
  return { s, campaignId, people: { plain, opener, clicker, bouncer, complainer, leaver, formula } };
}

const emails = (res: { json: any }) => res.json.data.map((r: any) => r.email).sort();

describe('GET /v1/campaigns/:id/recipients', () => {
  it('lists every recipient with what they did, filtered by outcome and searched by address', async () => {
    const { s, campaignId, people } = await campaignWithOutcomes();
    const all = await call(`/v1/campaigns/${campaignId}/recipients`, { token: s.token });
    expect(all.status).toBe(200);
    expect(all.json.data).toHaveLength(7);
    expect(all.json.next_cursor).toBeNull();
    const clicker = all.json.data.find((r: any) => r.email === people.clicker!.email);
    expect(clicker).toMatchObject({ status: 'sent', contact_id: people.clicker!.id, opened_at: expect.any(String), clicked_at: expect.any(String), unsubscribed_at: null, complained_at: null });

    const by = (query: string) => call(`/v1/campaigns/${campaignId}/recipients?${query}`, { token: s.token });
    expect(emails(await by('outcome=opened'))).toEqual([people.opener, people.clicker, people.complainer].map((c) => c!.email).sort());
    expect(emails(await by('outcome=clicked'))).toEqual([people.clicker!.email]);
    expect(emails(await by('outcome=bounced'))).toEqual([people.bouncer!.email]);
    expect(emails(await by('outcome=failed'))).toEqual(['=1+2@example.com']);
    expect(emails(await by('outcome=complained'))).toEqual([people.complainer!.email]);
    expect(emails(await by('outcome=unsubscribed'))).toEqual([people.leaver!.email]);
    expect((await by('outcome=sent')).json.data).toHaveLength(5);
    expect((await by('outcome=unsubscribed')).json.data[0].unsubscribed_at).toEqual(expect.any(String));
    expect((await by('outcome=bounced')).json.data[0].error).toBe('550 5.1.1 no such user');
    expect(emails(await by(`q=${encodeURIComponent(people.leaver!.email.slice(0, 12).toUpperCase())}`))).toEqual([people.leaver!.email]);
    expect(emails(await by(`outcome=opened&q=${encodeURIComponent(people.leaver!.email.slice(0, 12))}`))).toEqual([]);
    expect((await by('outcome=delivered')).status).toBe(400);
  });

  it('pages through the recipients with a cursor, each once', async () => {
    const { s, campaignId } = await campaignWithOutcomes();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; json: any } = await call(`/v1/campaigns/${campaignId}/recipients?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: s.token });
      expect(page.status).toBe(200);
      expect(page.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.json.data.map((r: any) => r.contact_id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual(seen);
  });

  it("is 404 for another workspace's campaign, and needs the contacts permission", async () => {
    const { s, campaignId } = await campaignWithOutcomes();
    const other = await sendingTenant('Nosy Co');
    for (const path of ['recipients', 'recipients/export']) {
      expect((await call(`/v1/campaigns/${campaignId}/${path}`, { token: other.token })).status).toBe(404);
    }
    const viewer = await addMember(s.tenantId, 'viewer');
    expect((await call(`/v1/campaigns/${campaignId}/recipients`, { token: viewer.token })).status).toBe(200);
    const campaignsOnly = await createApiKey(s, ['campaigns:read']);
    expect((await call(`/v1/campaigns/${campaignId}/recipients`, { token: campaignsOnly.secret })).status).toBe(403);
  });
});

describe('GET /v1/campaigns/:id/recipients/export', () => {
  it('downloads the filtered recipients as CSV with formula-like cells neutralized', async () => {
    const { s, campaignId, people } = await campaignWithOutcomes();
    const res = await call(`/v1/campaigns/${campaignId}/recipients/export`, { token: s.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="recipients-${campaignId}.csv"`);
    const lines = (res.json as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,status,variant,sent_at,opened_at,clicked_at,unsubscribed_at,complained_at,error');
    expect(lines).toHaveLength(8);
    expect(lines).toContain(`'=1+2@example.com,failed,,,,,,,"'=HYPERLINK(""https://evil.example"",""x"")"`);
    expect(lines.some((l) => l.startsWith('=') || l.includes(',=') || l.includes(',"='))).toBe(false);

    const leavers = await call(`/v1/campaigns/${campaignId}/recipients/export?outcome=unsubscribed`, { token: s.token });
    const leaverLines = (leavers.json as string).trimEnd().split('\r\n');
    expect(leaverLines).toHaveLength(2);
    expect(leaverLines[1]).toMatch(new RegExp(`^${people.leaver!.email.replace(/[.+]/g, '\\$&')},sent,,\\d{4}-`));
  });
});

describe('A/B results in the campaign stats', () => {
  it("reports each variant's rates and whether the gap to the leader is significant", async () => {
    const s = await sendingTenant('Split Co');
    const campaignId = await createCampaign(s, { ab_test: { variants: [{ key: 'A', subject: 'One' }, { key: 'B', subject: 'Two' }], test_percent: 20, metric: 'opens' } });
    const people = await addContacts(s.tenantId, 200, 'ab');
    const sent = new Date(Date.now() - HOUR);
    const rows: MessageRow[] = people.map((c, i) => ({ id: newId(ID_PREFIX.message), tenantId: s.tenantId, campaignId, contactId: c.id, email: c.email, variant: i < 100 ? 'A' : 'B', status: 'sent', sendAfter: sent, sentAt: sent }));
    // A: 40 of 100 open and 10 click; B: 20 open and 6 click.
    const openers = [...people.slice(0, 40), ...people.slice(100, 120)];
    const clickers = [...people.slice(0, 10), ...people.slice(100, 106)];
    const event = (type: 'open' | 'click') => (c: (typeof people)[number]): EventRow => ({ id: newId(ID_PREFIX.contactEvent), tenantId: s.tenantId, contactId: c.id, type, campaignId });
    await write(rows, [...openers.map(event('open')), ...clickers.map(event('click'))]);

    const stats = await call(`/v1/campaigns/${campaignId}/stats`, { token: s.token });
    expect(stats.status).toBe(200);
    const [a, b] = stats.json.ab_test.variants;
    expect(stats.json.ab_test).toMatchObject({ metric: 'opens', winner: null });
    expect(a).toMatchObject({ key: 'A', sent: 100, opens: 40, clicks: 10, open_rate: 0.4, click_rate: 0.1, open_significance: null, click_significance: null });
    expect(b).toMatchObject({ key: 'B', sent: 100, opens: 20, clicks: 6, open_rate: 0.2, click_rate: 0.06 });
    // Computed in Python as erfc(|z| / √2) of the pooled two-proportion z.
    expect(b.open_significance).toMatchObject({ against: 'A', verdict: 'significant' });
    expect(b.open_significance.difference).toBeCloseTo(0.2, 10);
    expect(b.open_significance.z).toBeCloseTo(3.086067, 5);
    expect(b.open_significance.p_value).toBeCloseTo(0.0020282, 6);
    expect(b.click_significance).toMatchObject({ against: 'A', verdict: 'not_significant' });
    expect(b.click_significance.p_value).toBeCloseTo(0.2971465, 6);
  });

  it('says there is not enough data for a small test, and is null for a campaign without one', async () => {
    const s = await sendingTenant('Small Split Co');
    const campaignId = await createCampaign(s, { ab_test: { variants: [{ key: 'A', subject: 'One' }, { key: 'B', subject: 'Two' }, { key: 'C', subject: 'Three' }], test_percent: 20, metric: 'clicks' } });
    const people = await addContacts(s.tenantId, 9, 'tiny');
    const sent = new Date(Date.now() - HOUR);
    await write(people.map((c, i) => ({ id: newId(ID_PREFIX.message), tenantId: s.tenantId, campaignId, contactId: c.id, email: c.email, variant: 'ABC'[i % 3]!, status: 'sent', sendAfter: sent, sentAt: sent })));
    const stats = await call(`/v1/campaigns/${campaignId}/stats`, { token: s.token });
    expect(stats.json.ab_test.metric).toBe('clicks');
    expect(stats.json.ab_test.variants.map((v: any) => v.key)).toEqual(['A', 'B', 'C']);
    expect(stats.json.ab_test.variants.slice(1).map((v: any) => v.open_significance)).toEqual([
      { against: 'A', difference: 0, verdict: 'not_enough_data', z: null, p_value: null },
      { against: 'A', difference: 0, verdict: 'not_enough_data', z: null, p_value: null },
    ]);
    const plain = await createCampaign(s);
    expect((await call(`/v1/campaigns/${plain}/stats`, { token: s.token })).json.ab_test).toBeNull();
  });
});
