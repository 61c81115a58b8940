import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, stopStack, type Stack } from '../../scripts/stack.mjs';
import {
  campaignState,
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
import { startFaultySmtpRelay, type FaultySmtpRelay } from './faulty-smtp-relay';

/**
 * Exactly-once delivery when things break: a stack of its own (not the shared e2e one, whose API it
 * kills) whose platform relay is a fake SMTP server in this process that misbehaves on cue. Delivery
 * timings are shortened through worker variables, so a dead consumer's claim runs out after 10 s, a
 * lost queue message is enqueued again after 10 s and retries start after 1 s.
 */
const STATE_DIR = path.resolve(import.meta.dirname, '../../.wrangler/e2e-faults-state');
const PORTS = { api: 8827, dashboard: 8828, smtp: 1065, maildevWeb: 1120 };
const DELIVERY_TIMINGS = { SEND_CLAIM_LEASE_SECONDS: '10', SEND_REQUEUE_AFTER_SECONDS: '10', SEND_RETRY_BASE_SECONDS: '1' };
/** Each test, on a loaded 2-core machine: the longest (crash) restarts wrangler dev and waits for a sweep of the runner. */
const TEST_TIMEOUT = 170_000;

let stack: Stack;
let relay: FaultySmtpRelay;
let demo: Session;
let templateId: string;

beforeAll(async () => {
  relay = await startFaultySmtpRelay();
  stack = await startStack({
    ports: PORTS,
    stateDir: STATE_DIR,
    envFile: path.join(STATE_DIR, '.dev.vars'),
    fresh: true,
    quiet: true,
    dashboard: false,
    vars: { ...DELIVERY_TIMINGS, SMTP_PORT: String(relay.port) },
    log: (message) => console.log(`[delivery-faults] ${message}`),
  });
  const login = (email: string) => stack.logins.find((l) => l.email === email)!;
  demo = await signIn(stack.urls.api, login('demo@edgepost.test'));
  // A fresh stack's demo workspace has not sent yet: warm-up day 1 (50/h) would throttle these campaigns.
  await overrideLimits(await signInAsSuperAdmin(stack.urls.api, login('admin@edgepost.test')), demo.tenantId, { warmup_complete: true });
  templateId = await createGreetingTemplate(demo);
}, 240_000);

afterAll(async () => {
  await stopStack();
  await relay?.close();
});

/** Fresh contacts under a tag of their own, so each test's campaign reaches exactly them. */
async function audience(n: number, label: string) {
  const people = newRecipients(n, label);
  const tag = `${label}-${randomUUID().slice(0, 8)}`;
  await importRecipients(demo, people, tag);
  return { addresses: people.map((p) => p.email), tag };
}

function expectEachAcceptedOnce(addresses: string[]) {
  const wrong = addresses.filter((a) => relay.accepted.get(a) !== 1).map((a) => `${a}: accepted ${relay.accepted.get(a) ?? 0} times`);
  expect(wrong, 'recipients not accepted exactly once').toEqual([]);
}

interface MessageRow {
  email: string;
  status: string;
  attempts: number;
  error: string | null;
}

/** The campaign's `messages` rows, read from the stack's local D1 file (no API lists attempts). */
function messageRows(campaignId: string): Map<string, MessageRow> {
  const dir = path.join(STATE_DIR, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')!;
  const db = new DatabaseSync(path.join(dir, file), { readOnly: true });
  try {
    const rows = db.prepare('SELECT email, status, attempts, error FROM messages WHERE campaign_id = ?').all(campaignId) as unknown as MessageRow[];
    return new Map(rows.map((r) => [r.email, r]));
  } finally {
    db.close();
  }
}

describe('delivery under faults', () => {
  it('the API killed mid-campaign and restarted: the campaign finishes, every recipient accepted exactly once', async () => {
    const RECIPIENTS = 300;
    const { addresses, tag } = await audience(RECIPIENTS, 'crash');
    // After ~100 accepted, every further DATA waits for its reply: the crash lands with a message in flight.
    relay.dataReply = () => (relay.acceptedAmong(addresses) >= 100 ? 'hold' : 'accept');
    const id = await sendCampaign(demo, { templateId, tag, recipients: RECIPIENTS });
    await until('a message held mid-campaign', () => relay.heldCount > 0, 90_000, () => ({ accepted: relay.acceptedAmong(addresses) }));
    // Every 250 given so far has reached its row first. A crash between a 250 and the row's update would
    // send that message again: the duplicate window RFC 5321 §6.1 leaves to every sender, not this test's subject.
    let sent = 0;
    await until('the accepted messages marked sent', async () => (sent = (await campaignState(demo, id)).progress.sent) >= relay.acceptedAmong(addresses), 30_000, () => ({ sent, accepted: relay.acceptedAmong(addresses) }));
    const acceptedBeforeCrash = relay.acceptedAmong(addresses);
    expect(acceptedBeforeCrash).toBeLessThan(RECIPIENTS);

    await stack.crashApi();
    // The held messages never get their 250: no responsibility was taken for them (RFC 5321 §4.1.1.4).
    relay.dropHeld();
    relay.dataReply = () => 'accept';
    await stack.restartApi();

    const done = await waitUntilSent(demo, id, 120_000);
    expect(done.progress).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, failed: 0, bounced: 0, remaining: 0, percent: 100 });
    expectEachAcceptedOnce(addresses);
    const live = await request(demo, `/v1/campaigns/${id}/progress`);
    expect(live.body).toMatchObject({ status: 'sent', total: RECIPIENTS, sent: RECIPIENTS, queued: 0, pending: 0, remaining: 0, fan_out_done: true });
  }, TEST_TIMEOUT);

  it('SMTP trouble — 421 at connect, 451 after DATA, a connection dropped mid-DATA: every recipient accepted exactly once, retried rows show their attempts', async () => {
    const RECIPIENTS = 60;
    const { addresses, tag } = await audience(RECIPIENTS, 'trouble');
    const tempfailed = [addresses[5]!, addresses[33]!];
    const dropped = addresses[47]!;
    relay.refuseConnections(3);
    relay.dataReply = (recipient, attempt) => (attempt > 1 ? 'accept' : tempfailed.includes(recipient) ? 'tempfail' : recipient === dropped ? 'drop' : 'accept');
    const id = await sendCampaign(demo, { templateId, tag, recipients: RECIPIENTS });

    const done = await waitUntilSent(demo, id, 150_000);
    expect(done.progress).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, failed: 0, bounced: 0, remaining: 0 });
    expect(relay.refused).toBe(3);
    expectEachAcceptedOnce(addresses);

    const rows = messageRows(id);
    for (const address of [...tempfailed, dropped]) {
      expect(relay.dataAttempts.get(address), `${address}: refused or dropped once, then accepted`).toBe(2);
      expect(rows.get(address)!.attempts, address).toBeGreaterThan(1);
    }
    // No row was ever sent without being claimed for that attempt: the claim is what makes a send exactly-once.
    const unclaimed = addresses.filter((a) => (relay.dataAttempts.get(a) ?? 0) > rows.get(a)!.attempts);
    expect(unclaimed).toEqual([]);
    expect([...rows.values()].every((r) => r.status === 'sent')).toBe(true);
  }, TEST_TIMEOUT);

  it('a permanent 550 for one recipient: that row bounces, the contact gets a bounce event, the others are sent', async () => {
    const RECIPIENTS = 20;
    const { addresses, tag } = await audience(RECIPIENTS, 'bounce');
    const refused = addresses[7]!;
    relay.refuseRecipients.add(refused);
    relay.dataReply = () => 'accept';
    const id = await sendCampaign(demo, { templateId, tag, recipients: RECIPIENTS });

    const done = await waitUntilSent(demo, id, 120_000);
    expect(done.progress).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS - 1, bounced: 1, failed: 0, remaining: 0 });
    expect(relay.accepted.has(refused)).toBe(false);
    expectEachAcceptedOnce(addresses.filter((a) => a !== refused));

    const rows = messageRows(id);
    // Permanent: bounced on the first attempt and never retried.
    expect(rows.get(refused)).toMatchObject({ status: 'bounced', attempts: 1, error: expect.stringContaining('550') });
    expect([...rows.values()].filter((r) => r.status === 'sent')).toHaveLength(RECIPIENTS - 1);

    const contact = await request(demo, `/v1/contacts?q=${encodeURIComponent(refused)}`);
    expect(contact.body.data).toHaveLength(1);
    const activity = await request(demo, `/v1/contacts/${contact.body.data[0].id}/activity`);
    expect(activity.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'bounce', campaign_id: id })]));
  }, TEST_TIMEOUT);
});
