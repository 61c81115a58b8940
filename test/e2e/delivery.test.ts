import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGreetingTemplate,
  importRecipients,
  newRecipients,
  overrideLimits,
  request,
  sendCampaign,
  signIn,
  signInAsSuperAdmin,
  until,
  waitUntilSent,
  type Session,
} from './delivery-helpers';
import { publishedDkimRecords, signedHeaders, verifyDkim, type DomainList } from './dkim';
import { login, mailbox, stack, type MailMessage } from './helpers';

/**
 * A whole campaign through the real engine of the e2e stack — CampaignRunner fan-out, the send queue,
 * the consumer, worker-mailer — to maildev: every recipient gets exactly one message, addressed to
 * them alone, greeting them by name, and DKIM-signed for the demo tenant's verified domain.
 */
const RECIPIENTS = 1000;
/** Raw sources fetched and verified with mailauth (each takes a round trip to maildev and an RSA check). */
const DKIM_SAMPLE = 50;
/** The send itself at maildev's pace (~200/s at best) on a loaded 2-core machine, with room to spare. */
const SEND_TIMEOUT = 150_000;

const recipients = newRecipients(RECIPIENTS, 'reader');
const byAddress = new Map(recipients.map((r) => [r.email, r]));
const tag = `delivery-${recipients[0]!.email.split('-')[1]}`;
let demo: Session;
let campaignId: string;
/** What maildev received for these recipients. */
let delivered: MailMessage[] = [];

const ours = (m: MailMessage) => m.to.some((t) => byAddress.has(t.address.toLowerCase()));

beforeAll(async () => {
  demo = await signIn(stack().urls.api, login('demo@edgepost.test'));
  // The demo workspace sends at its plan's rate, unless the warm-up (50/h on day 1) would hold 1,000 back for hours.
  const status = await request(demo, '/v1/sending/status');
  if (status.body.available_now < RECIPIENTS) {
    const admin = await signInAsSuperAdmin(stack().urls.api, login('admin@edgepost.test'));
    await overrideLimits(admin, demo.tenantId, { warmup_complete: true });
    expect((await request(demo, '/v1/sending/status')).body.available_now).toBeGreaterThanOrEqual(RECIPIENTS);
  }
  await importRecipients(demo, recipients, tag);
}, 120_000);

afterAll(async () => {
  // Other files read the whole inbox and the demo workspace's contacts: leave both as they were.
  await mailbox.remove(delivered.map((m) => m.id));
  if (demo) await request(demo, '/v1/contacts/bulk', { method: 'POST', json: { action: 'delete', selection: { filter: { tag } } } });
}, 120_000);

describe('a campaign to 1,000 contacts', () => {
  it('reaches the sink exactly once per recipient, each message addressed and greeted personally', async () => {
    const templateId = await createGreetingTemplate(demo);
    campaignId = await sendCampaign(demo, { templateId, tag, recipients: RECIPIENTS });

    const done = await waitUntilSent(demo, campaignId, SEND_TIMEOUT);
    expect(done.progress).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, failed: 0, bounced: 0, skipped: 0, remaining: 0, percent: 100 });
    // maildev answered 250 for each before the rows were marked sent; its listing may trail by a moment.
    await until('every message listed by maildev', async () => (delivered = (await mailbox.list()).filter(ours)).length >= RECIPIENTS, 30_000, () => delivered.length);

    expect(delivered).toHaveLength(RECIPIENTS);
    const perRecipient = new Map<string, MailMessage[]>();
    for (const m of delivered) {
      expect(m.to.map((t) => t.address.toLowerCase()), 'one recipient per message').toHaveLength(1);
      const address = m.to[0]!.address.toLowerCase();
      perRecipient.set(address, [...(perRecipient.get(address) ?? []), m]);
    }
    const wrong: string[] = [];
    for (const r of recipients) {
      const mine = perRecipient.get(r.email) ?? [];
      if (mine.length !== 1) wrong.push(`${r.email}: ${mine.length} messages`);
      else if (mine[0]!.subject !== `Hello ${r.first_name}` || !mine[0]!.html?.includes(`Dear ${r.first_name},`)) wrong.push(`${r.email}: "${mine[0]!.subject}"`);
    }
    expect(wrong, 'recipients without exactly one personalized message').toEqual([]);
  }, SEND_TIMEOUT + 60_000);

  it('every sampled message is DKIM-valid for edgepost.test, the one-click unsubscribe headers signed', async () => {
    expect(delivered, 'the campaign of the previous test').toHaveLength(RECIPIENTS);
    const published = publishedDkimRecords((await request<DomainList>(demo, '/v1/domains')).body);
    const step = Math.floor(RECIPIENTS / DKIM_SAMPLE);
    const failures: string[] = [];
    for (let i = 0; i < RECIPIENTS; i += step) {
      const message = delivered[i]!;
      const raw = await mailbox.source(message.id);
      const result = await verifyDkim(raw, published);
      const headers = signedHeaders(raw);
      const recipient = byAddress.get(message.to[0]!.address.toLowerCase())!;
      if (result.status.result !== 'pass') failures.push(`${message.id}: dkim ${result.status.result} (${result.status.comment})`);
      else if (result.signingDomain !== 'edgepost.test') failures.push(`${message.id}: d=${result.signingDomain}`);
      else if (!['from', 'to', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'].every((h) => headers.includes(h))) failures.push(`${message.id}: h=${headers.join(':')}`);
      // The greeting is inside what the signature covers (subject header and body hash), not added after signing.
      else if (!raw.includes(`Hello ${recipient.first_name}`)) failures.push(`${message.id}: the signed source lacks the greeting`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
