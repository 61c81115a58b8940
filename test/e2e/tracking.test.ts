import PostalMime from 'postal-mime';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreetingTemplate, importRecipients, newRecipients, request, sendCampaign, signIn, until, waitUntilSent, type Session } from './delivery-helpers';
import { linksIn, login, mailbox, stack, startWebhookReceiver, type MailMessage } from './helpers';

/**
 * The recipient's side of a real campaign on the e2e stack: the message found in the sink is opened
 * (its pixel), a link in it is followed, and its List-Unsubscribe URL is posted the way a mailbox
 * provider's one-click button does (RFC 8058). The events queue and consumer then show it all in
 * the campaign's report, the contact ends unsubscribed and suppressed, and a receiver in this process
 * gets the sent, opened, clicked and unsubscribed webhooks, each verified with the standardwebhooks package.
 */
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const [reader] = newRecipients(1, 'loop');
const tag = `loop-${reader!.email.split('-')[1]}`;
let demo: Session;
let message: MailMessage;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let endpoint: { id: string; secret: string };

beforeAll(async () => {
  demo = await signIn(stack().urls.api, login('demo@edgepost.test'));
  await importRecipients(demo, [reader!], tag);
  receiver = await startWebhookReceiver();
  const created = await request(demo, '/v1/webhooks', { method: 'POST', json: { url: receiver.url, description: 'e2e loop', event_types: ['sent', 'opened', 'clicked', 'unsubscribed'] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  endpoint = created.body;
}, 120_000);

afterAll(async () => {
  if (endpoint) await request(demo, `/v1/webhooks/${endpoint.id}`, { method: 'DELETE' });
  await receiver?.close();
  if (message) await mailbox.remove([message.id]);
  if (!demo) return;
  await request(demo, '/v1/contacts/bulk', { method: 'POST', json: { action: 'delete', selection: { filter: { tag } } } });
  const suppressed = await request(demo, '/v1/suppressions?limit=100');
  for (const s of suppressed.body.data.filter((s: { value: string }) => s.value === reader!.email)) await request(demo, `/v1/suppressions/${s.id}`, { method: 'DELETE' });
}, 60_000);

describe('open, click and one-click unsubscribe from a delivered message', () => {
  it('counts one human open and one click, redirects to the link, and unsubscribes and suppresses the contact', async () => {
    const templateId = await createGreetingTemplate(demo);
    const campaignId = await sendCampaign(demo, { templateId, tag, recipients: 1 });
    await waitUntilSent(demo, campaignId, 60_000);
    message = await mailbox.waitFor({ to: reader!.email, timeoutMs: 30_000 });
    const api = stack().urls.api;
    const pixel = (message.html ?? '').match(/<img[^>]+src="([^"]+\/t\/o\/[^"]+)"/)?.[1];
    const click = linksIn(message).find((l) => l.includes('/t/c/'));
    const parsed = await PostalMime.parse(await mailbox.source(message.id));
    const listUnsubscribe = parsed.headers.find((h) => h.key === 'list-unsubscribe')?.value ?? '';
    const unsubscribe = listUnsubscribe.match(/<(https?:\/\/[^>]+\/t\/u\/[^>]+)>/)?.[1];
    expect(pixel?.startsWith(api)).toBe(true);
    expect(click?.startsWith(api)).toBe(true);
    expect(unsubscribe?.startsWith(api), listUnsubscribe).toBe(true);

    // A person reads before clicking: a click within a second of the delivery is a scanner's.
    await new Promise((r) => setTimeout(r, 1_100));
    const gif = await fetch(pixel!, { headers: { 'user-agent': CHROME } });
    expect(gif.headers.get('content-type')).toBe('image/gif');
    // …nor within a second of opening it.
    await new Promise((r) => setTimeout(r, 1_100));
    const followed = await fetch(click!, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe('https://shop.example/sale');

    const oneClick = await fetch(unsubscribe!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    const contact = (await request(demo, `/v1/contacts?q=${encodeURIComponent(reader!.email)}`)).body.data[0];
    expect(contact.status).toBe('unsubscribed');
    const suppressions = (await request(demo, '/v1/suppressions?limit=100')).body.data;
    expect(suppressions.find((s: { value: string }) => s.value === reader!.email)).toMatchObject({ kind: 'email', reason: 'unsubscribe' });

    let stats: any;
    await until('the report counts the open and the click', async () => {
      stats = (await request(demo, `/v1/campaigns/${campaignId}/stats`)).body;
      return stats.opens.unique === 1 && stats.clicks.unique === 1;
    }, 30_000, () => stats);
    expect(stats).toMatchObject({
      sent: 1,
      opens: { unique: 1, machine: 0 },
      clicks: { unique: 1, total: 1, machine: 0 },
      unsubscribes: 1,
      rates: { open: 1, click: 1, unsubscribe: 1 },
      links: [{ url: 'https://shop.example/sale', clicks: 1, unique_clicks: 1 }],
    });

    // The integrator's side: every event about this reader, signed per Standard Webhooks.
    const verifier = new Webhook(endpoint.secret);
    const ours = () =>
      receiver.received
        .map((r) => ({ headers: r.headers, event: verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; data: { email?: string; campaign_id?: string } } }))
        .filter((r) => r.event.data.email === reader!.email);
    await until('the four webhooks arrive', () => ours().length >= 4, 30_000, () => receiver.received.length);
    expect(ours().map((r) => r.event.type).sort()).toEqual(['clicked', 'opened', 'sent', 'unsubscribed']);
    expect(new Set(ours().map((r) => r.headers['webhook-id'])).size).toBe(4);
    expect(ours().every((r) => r.event.data.campaign_id === campaignId)).toBe(true);
    // A tampered body does not verify.
    const first = receiver.received[0]!;
    expect(() => verifier.verify(first.body.replace('"type"', '"typo"'), first.headers as Record<string, string>)).toThrow();
  });
});
