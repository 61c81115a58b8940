import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, messages, notifications, tenants } from '../../worker/db/schema';
import { decideDueAbWinners } from '../../worker/domain/ab-tests';
import { startDueCampaigns } from '../../worker/domain/campaign-actions';
import { campaignRunner } from '../../worker/domain/campaigns';
import { KILL_SWITCH_CACHE_MS } from '../../worker/domain/kill-switch';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { MAX_SEND_ATTEMPTS } from '../../worker/queues/send';
import { addContacts, createCampaign, sendingTenant, sinkMessagesTo, waitForCampaign } from './campaign-helpers';
import { call, expectProblem, paidTenant, SELF_FETCH, signupTenant } from './helpers';
import { superAdminSession } from './super-admin';

const db = () => getDb(env);
const rowsOf = (campaignId: string) => db().select().from(messages).where(eq(messages.campaignId, campaignId)).all();
const sent = (c: any) => c.status === 'sent';
const setRate = (tenantId: string, perHour: number) =>
  db().update(tenants).set({ limitOverrides: { warmup_complete: true, send_rate_per_hour: perHour } }).where(eq(tenants.id, tenantId)).run();

describe('campaigns: drafts and their lifecycle', () => {
  it('creates, edits, clones, deletes and restores a draft; another workspace never sees it', async () => {
    const s = await sendingTenant();
    const id = await createCampaign(s, { subject: 'Hello', audience: { all: true } });
    const got = await call(`/v1/campaigns/${id}`, { token: s.token });
    expect(got.json).toMatchObject({ id, status: 'draft', subject: 'Hello', template_id: s.templateId, progress: { total: 0 } });

    const edited = await call(`/v1/campaigns/${id}`, { method: 'PATCH', token: s.token, body: { name: 'Renamed', track_clicks: false } });
    // A partial edit leaves what it does not mention alone (no defaults filled in behind the user's back).
    expect(edited.json).toMatchObject({ name: 'Renamed', track_clicks: false, template_id: s.templateId, audience: { all: true }, subject: 'Hello' });

    const copy = await call(`/v1/campaigns/${id}/clone`, { token: s.token, body: {} });
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({ name: 'Renamed (copy)', status: 'draft', subject: 'Hello', track_clicks: false });

    const other = await signupTenant('Nosy Inc');
    expectProblem(await call(`/v1/campaigns/${id}`, { token: other.token }), 404, 'not-found');
    expectProblem(await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: other.token }), 404, 'not-found');

    expect((await call(`/v1/campaigns/${id}`, { method: 'DELETE', token: s.token })).status).toBe(204);
    expectProblem(await call(`/v1/campaigns/${id}`, { token: s.token }), 404, 'not-found');
    const deleted = await call('/v1/campaigns?deleted=true', { token: s.token });
    expect(deleted.json.data.map((c: any) => c.id)).toContain(id);
    expect((await call(`/v1/campaigns/${id}/restore`, { method: 'POST', token: s.token })).json.status).toBe('draft');
  });

  it('refuses references to templates, lists and segments of other workspaces, and bad A/B setups', async () => {
    const s = await sendingTenant();
    const other = await sendingTenant('Other Co');
    const res = await call('/v1/campaigns', { token: s.token, body: { name: 'x', template_id: other.templateId, audience: { all: true } } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors[0].field).toBe('template_id');
    const ab = await call('/v1/campaigns', { token: s.token, body: { name: 'x', template_id: s.templateId, ab_test: { variants: [{ key: 'A', subject: 'One' }] } } });
    expectProblem(ab, 400, 'validation-error');
    const badList = await call('/v1/campaigns', { token: s.token, body: { name: 'x', template_id: s.templateId, audience: { lists: ['lst_doesnotexist0000000000'] } } });
    expectProblem(badList, 400, 'validation-error');
    expect(badList.json.errors[0].field).toBe('audience.lists.0');
  });

  it('refuses to send while the checklist fails: no postal address, empty audience — and says why', async () => {
    const s = await paidTenant('No Address Co');
    const t = await call('/v1/templates', { token: s.token, body: { name: 'T', subject: 'S', html: '<p>Hi</p>' } });
    const c = await call('/v1/campaigns', { token: s.token, body: { name: 'C', template_id: t.json.id, audience: { all: true } } });
    const check = await call(`/v1/campaigns/${c.json.id}/checklist`, { token: s.token });
    const state = (key: string) => check.json.items.find((i: any) => i.key === key).state;
    expect(check.json.ready).toBe(false);
    expect(state('postal_address')).toBe('fail');
    expect(state('audience')).toBe('fail');
    expect(state('sending_domain')).toBe('pass');
    const send = await call(`/v1/campaigns/${c.json.id}/send`, { method: 'POST', token: s.token });
    expectProblem(send, 422, 'unprocessable');
    expect(send.json.detail).toMatch(/postal address/i);
    expect((await call(`/v1/campaigns/${c.json.id}`, { token: s.token })).json.status).toBe('draft');
  });

  it('enforces the state machine: no edit while scheduled, no resume of a draft, no delete while sending', async () => {
    const s = await sendingTenant();
    await addContacts(s.tenantId, 2, 'fsm');
    const id = await createCampaign(s);
    expectProblem(await call(`/v1/campaigns/${id}/resume`, { method: 'POST', token: s.token }), 409, 'conflict');
    const at = new Date(Date.now() + 86400_000).toISOString().slice(0, 16);
    const scheduled = await call(`/v1/campaigns/${id}/schedule`, { token: s.token, body: { local_time: at, timezone: 'UTC' } });
    expect(scheduled.json.status).toBe('scheduled');
    expectProblem(await call(`/v1/campaigns/${id}`, { method: 'PATCH', token: s.token, body: { name: 'x' } }), 409, 'conflict');
    expectProblem(await call(`/v1/campaigns/${id}`, { method: 'DELETE', token: s.token }), 409, 'conflict');
    expect((await call(`/v1/campaigns/${id}/unschedule`, { method: 'POST', token: s.token })).json.status).toBe('draft');
    expectProblem(await call(`/v1/campaigns/${id}/schedule`, { token: s.token, body: { local_time: '2020-01-01T09:00', timezone: 'UTC' } }), 400, 'validation-error');
    expectProblem(await call(`/v1/campaigns/${id}/schedule`, { token: s.token, body: { local_time: at, timezone: 'Mars/Olympus' } }), 400, 'validation-error');
  });
});

describe('campaigns: sending', () => {
  it('sends one personalized message per subscribed recipient, skips the unsubscribed, suppressed and excluded, and reports', async () => {
    const s = await sendingTenant();
    const people = await addContacts(s.tenantId, 12, 'reader');
    const [gone] = await addContacts(s.tenantId, 1, 'gone', { status: 'unsubscribed' });
    const [suppressed] = await addContacts(s.tenantId, 1, 'blocked');
    await call('/v1/suppressions', { token: s.token, body: { email: suppressed!.email, reason: 'manual' } });
    const [vip] = await addContacts(s.tenantId, 1, 'vip');
    const list = await call('/v1/lists', { token: s.token, body: { name: 'VIPs' } });
    await call(`/v1/lists/${list.json.id}/members`, { token: s.token, body: { contact_ids: [vip!.id] } });

    // Another workspace suppressing one of these addresses changes nothing here.
    const stranger = await paidTenant('Stranger Co');
    await call('/v1/suppressions', { token: stranger.token, body: { email: people[0]!.email, reason: 'manual' } });

    const id = await createCampaign(s, { audience: { all: true, exclude_lists: [list.json.id] } });
    const check = await call(`/v1/campaigns/${id}/checklist`, { token: s.token });
    expect(check.json).toMatchObject({ ready: true, recipients: 12 });
    expect((await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token })).json.status).toBe('sending');
    const done = await waitForCampaign(s, id, sent);
    expect(done.progress).toMatchObject({ total: 12, sent: 12, failed: 0, remaining: 0, percent: 100 });
    expect(done.template_version).toBe(1);

    const inbox = await sinkMessagesTo([...people, gone!, suppressed!, vip!].map((p) => p.email));
    expect(inbox).toHaveLength(12);
    for (const p of people) {
      const mine = inbox.filter((m) => m.to[0]!.address === p.email);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.subject).toBe(`News for ${p.firstName}`);
    }
    // "View in your browser" rebuilds the message from the pinned version for this recipient.
    const mine = inbox.find((m) => m.to[0]!.address === people[1]!.email)! as unknown as { text: string };
    const viewLink = mine.text.match(/https?:\/\/\S+\/t\/v\/\S+/)![0];
    const view = await SELF_FETCH(viewLink);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain(`Hello ${people[1]!.firstName},`);
    const rows = await rowsOf(id);
    expect(rows.every((r) => r.status === 'sent' && r.providerMessageId && r.sentAt)).toBe(true);
    const events = await db().select().from(contactEvents).where(and(eq(contactEvents.campaignId, id), eq(contactEvents.type, 'sent'))).all();
    expect(events).toHaveLength(12);
    const told = await db().select().from(notifications).where(and(eq(notifications.tenantId, s.tenantId), eq(notifications.kind, 'campaign_finished'))).all();
    expect(told.some((n) => n.title.includes('Autumn letter'))).toBe(true);
  });

  it('sends nothing twice when the same send jobs are delivered again', async () => {
    const s = await sendingTenant();
    const people = await addContacts(s.tenantId, 5, 'twice');
    const id = await createCampaign(s);
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    await waitForCampaign(s, id, sent);
    const rows = await rowsOf(id);
    // A redelivery of every job after the fact, as at-least-once queues may do.
    await env.SEND_QUEUE.sendBatch(rows.map((r) => ({ body: { tenantId: s.tenantId, campaignId: id, messageId: r.id } })));
    await new Promise((r) => setTimeout(r, 3000));
    expect(await sinkMessagesTo(people.map((p) => p.email))).toHaveLength(5);
    expect((await rowsOf(id)).map((r) => r.attempts)).toEqual(rows.map(() => 1));
  });

  it('cancels: nothing more is sent and the rest is marked cancelled', async () => {
    const s = await sendingTenant();
    await setRate(s.tenantId, 5);
    const people = await addContacts(s.tenantId, 40, 'cancel');
    const id = await createCampaign(s);
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    const cancelled = await call(`/v1/campaigns/${id}/cancel`, { method: 'POST', token: s.token });
    expect(cancelled.json.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 3000));
    const before = (await sinkMessagesTo(people.map((p) => p.email))).length;
    const rows = await rowsOf(id);
    expect(rows.filter((r) => r.status === 'pending' || r.status === 'queued')).toHaveLength(0);
    expect(rows.filter((r) => r.status === 'sent').length).toBe(before);
    expect(before).toBeLessThan(40);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await sinkMessagesTo(people.map((p) => p.email))).length).toBe(before);
    expectProblem(await call(`/v1/campaigns/${id}/resume`, { method: 'POST', token: s.token }), 409, 'conflict');
  });

  it('pauses within seconds and resumes without duplicates', async () => {
    const s = await sendingTenant();
    // Three an hour: the campaign stalls after three, mid-way, as a throttled one would.
    await setRate(s.tenantId, 3);
    const people = await addContacts(s.tenantId, 8, 'pause');
    const id = await createCampaign(s);
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    await waitForCampaign(s, id, (c) => c.progress.sent === 3);
    const throttled = await call(`/v1/campaigns/${id}/progress`, { token: s.token });
    expect(throttled.json.throttle).toMatch(/^Sending at 3\/h — \d+ h remaining$/);
    expect((await call(`/v1/campaigns/${id}/pause`, { method: 'POST', token: s.token })).json.status).toBe('paused');
    // Paused, nothing more leaves even when the rate would allow it.
    await setRate(s.tenantId, 1000);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await sinkMessagesTo(people.map((p) => p.email))).toHaveLength(3);
    const progress = await call(`/v1/campaigns/${id}/progress`, { token: s.token });
    expect(progress.json.throttle).toMatch(/^Paused — 5 remaining/);

    await call(`/v1/campaigns/${id}/resume`, { method: 'POST', token: s.token });
    await waitForCampaign(s, id, sent, 40_000);
    const inbox = await sinkMessagesTo(people.map((p) => p.email));
    expect(inbox).toHaveLength(8);
    expect(new Set(inbox.map((m) => m.to[0]!.address)).size).toBe(8);
  }, 60_000);

  it('stops at the kill switch for the tenant and continues with nothing lost when it is released', async () => {
    const s = await sendingTenant();
    const people = await addContacts(s.tenantId, 6, 'killed');
    const ks = env.KILL_SWITCH.get(env.KILL_SWITCH.idFromName('global'));
    await ks.engage({ tenantId: s.tenantId, reason: 'test', by: 'test' });
    try {
      const id = await createCampaign(s);
      // The checklist refuses to start while sending is stopped…
      expectProblem(await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token }), 422, 'unprocessable');
      // …and a campaign already sending stops.
      await ks.release({ tenantId: s.tenantId });
      await new Promise((r) => setTimeout(r, KILL_SWITCH_CACHE_MS + 100));
      await setRate(s.tenantId, 2);
      await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
      await waitForCampaign(s, id, (c) => c.progress.sent === 2);
      await ks.engage({ tenantId: s.tenantId, reason: 'test', by: 'test' });
      await setRate(s.tenantId, 1000);
      await campaignRunner(env, id).wake();
      await new Promise((r) => setTimeout(r, 4000));
      expect(await sinkMessagesTo(people.map((p) => p.email))).toHaveLength(2);
      await ks.release({ tenantId: s.tenantId });
      await waitForCampaign(s, id, sent, 45_000);
      const inbox = await sinkMessagesTo(people.map((p) => p.email));
      expect(inbox).toHaveLength(6);
      expect(new Set(inbox.map((m) => m.to[0]!.address)).size).toBe(6);
    } finally {
      await ks.release({ tenantId: s.tenantId });
    }
  }, 80_000);
});

describe('campaigns: delivery failures', () => {
  it('bounces a permanent rejection, retries a temporary one until the dead-letter queue, and delivers the rest', async () => {
    const s = await sendingTenant();
    const relay = inject('fakeSmtpPorts').relay;
    const t = await call('/v1/transports', { token: s.token, body: { name: 'Relay', kind: 'smtp', settings: { host: '127.0.0.1', port: relay, security: 'none' } } });
    expect(t.status, JSON.stringify(t.json)).toBe(201);
    await call('/v1/transport-routes', { method: 'PUT', token: s.token, body: { routes: [{ stream: 'marketing', domain: '*', transport_id: t.json.id }] } });
    const domain = `fail-${Date.now().toString(36)}.example`;
    const people = await addContacts(s.tenantId, 3, 'fine');
    const one = async (local: string) => (await addContacts(s.tenantId, 1, local, { email: `${local}@${domain}` }))[0]!;
    const gone = await one('nosuchuser');
    const later = await one('tempfail');
    const id = await createCampaign(s);
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    const done = await waitForCampaign(s, id, sent, 60_000);
    expect(done.progress).toMatchObject({ total: 5, sent: 3, bounced: 1, failed: 1 });
    const rows = await rowsOf(id);
    const of = (email: string) => rows.find((r) => r.email === email)!;
    expect(people.every((p) => of(p.email).status === 'sent')).toBe(true);
    expect(of(gone.email)).toMatchObject({ status: 'bounced', attempts: 1 });
    expect(of(gone.email).error).toMatch(/550/);
    expect(of(later.email)).toMatchObject({ status: 'failed', attempts: MAX_SEND_ATTEMPTS });
    expect(of(later.email).error).toMatch(/451/);
    const activity = await call(`/v1/contacts/${gone.id}/activity`, { token: s.token });
    expect(activity.json.data.find((e: any) => e.type === 'bounce')).toMatchObject({ campaign_id: id, data: { kind: 'hard', code: 550 } });
    const dead = await call(`/v1/admin/dead-letters?campaign_id=${id}`, { token: (await superAdminSession()).token });
    expect(dead.json.data.map((d: any) => d.id)).toEqual([of(later.email).id]);
  }, 90_000);
});

describe('campaigns: dead letters', () => {
  it('a replayed dead letter reopens its finished campaign, is sent, and the campaign finishes again', async () => {
    const s = await sendingTenant();
    const people = await addContacts(s.tenantId, 3, 'dead');
    const id = await createCampaign(s);
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    await waitForCampaign(s, id, sent);
    // As if the last attempt had failed: the row is failed and the recipient never got it.
    const [row] = await rowsOf(id);
    await db().update(messages).set({ status: 'failed', error: 'gave up' }).where(eq(messages.id, row!.id)).run();
    const admin = await superAdminSession();
    const replay = await call('/v1/admin/dead-letters/replay', { token: admin.token, body: { campaign_id: id } });
    expect(replay.json).toMatchObject({ replayed: 1, campaign_ids: [id] });
    const done = await waitForCampaign(s, id, (c) => c.status === 'sent' && c.progress.sent === 3);
    expect(done.progress.failed).toBe(0);
    // The replayed recipient got a second copy (the first "failed" here only on paper); nobody else did.
    const inbox = await sinkMessagesTo(people.map((p) => p.email));
    expect(inbox.filter((m) => m.to[0]!.address === row!.email)).toHaveLength(2);
    expect(inbox).toHaveLength(4);
  });
});

describe('campaigns: schedules, A/B tests and follow-ups', () => {
  it('starts a scheduled campaign when the cron finds it due', async () => {
    const s = await sendingTenant();
    const people = await addContacts(s.tenantId, 3, 'sched');
    const id = await createCampaign(s);
    const at = new Date(Date.now() + 3600_000).toISOString().slice(0, 16);
    const res = await call(`/v1/campaigns/${id}/schedule`, { token: s.token, body: { local_time: at, timezone: 'UTC' } });
    expect(res.json.scheduled_at).toBe(new Date(`${at}:00Z`).toISOString());
    await startDueCampaigns(env, db(), Date.now());
    expect((await call(`/v1/campaigns/${id}`, { token: s.token })).json.status).toBe('scheduled');
    await startDueCampaigns(env, db(), Date.now() + 3601_000);
    await waitForCampaign(s, id, sent);
    expect(await sinkMessagesTo(people.map((p) => p.email))).toHaveLength(3);
  });

  it("holds each recipient's message until the local time in their own time zone", async () => {
    const s = await sendingTenant();
    const [ny] = await addContacts(s.tenantId, 1, 'ny', { timezone: 'America/New_York' });
    const [tokyo] = await addContacts(s.tenantId, 1, 'tokyo', { timezone: 'Asia/Tokyo' });
    const id = await createCampaign(s);
    // 09:00 local on a summer day: Tokyo (UTC+9) comes 13 hours before New York (UTC−4 in summer).
    const day = `${new Date().getUTCFullYear() + 1}-07-15`;
    await call(`/v1/campaigns/${id}/schedule`, { token: s.token, body: { local_time: `${day}T09:00`, timezone: 'UTC', recipient_timezone: true } });
    const start = Date.parse(`${day}T09:00:00Z`) - 14 * 3600_000;
    await startDueCampaigns(env, db(), start);
    await waitForCampaign(s, id, (c) => c.progress.total === 2);
    const rows = await rowsOf(id);
    const at = (email: string) => rows.find((r) => r.email === email)!.sendAfter.getTime();
    expect(at(tokyo!.email) - Date.parse(`${day}T00:00:00Z`)).toBe(0);
    expect(at(ny!.email) - Date.parse(`${day}T13:00:00Z`)).toBe(0);
  });

  it('tests subject variants on a share of the audience and sends the winner to the rest', async () => {
    const s = await sendingTenant();
    const people = await addContacts(s.tenantId, 40, 'ab');
    const id = await createCampaign(s, {
      ab_test: { variants: [{ key: 'A', subject: 'Subject A' }, { key: 'B', subject: 'Subject B' }], test_percent: 50, metric: 'opens', wait_hours: 1 },
    });
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    const waiting = await waitForCampaign(s, id, (c) => c.ab_test?.test_started_at);
    expect(waiting.status).toBe('sending');
    const rows = await rowsOf(id);
    const test = rows.filter((r) => r.variant === 'A' || r.variant === 'B');
    expect(new Set(test.map((r) => r.variant))).toEqual(new Set(['A', 'B']));
    expect(test.length).toBeGreaterThan(0);
    expect(test.every((r) => r.status === 'sent')).toBe(true);
    expect(rows.filter((r) => r.variant === '*').every((r) => r.status === 'pending')).toBe(true);
    const inbox = await sinkMessagesTo(people.map((p) => p.email));
    expect(inbox).toHaveLength(test.length);
    for (const m of inbox) expect(m.subject).toBe(`Subject ${test.find((r) => r.email === m.to[0]!.address)!.variant}`);

    // Variant B's recipients open; A's do not.
    const openers = test.filter((r) => r.variant === 'B');
    await db().insert(contactEvents).values(openers.map((r) => ({ id: newId(ID_PREFIX.contactEvent), tenantId: s.tenantId, contactId: r.contactId!, type: 'open' as const, campaignId: id }))).run();
    const progress = await call(`/v1/campaigns/${id}/progress`, { token: s.token });
    expect(progress.json.ab_test.phase).toBe('waiting');
    const b = progress.json.ab_test.variants.find((v: any) => v.key === 'B');
    expect(b).toMatchObject({ sent: openers.length, opens: openers.length, open_rate: 1 });
    expect(progress.json.ab_test.variants.find((v: any) => v.key === 'A')).toMatchObject({ opens: 0, open_rate: 0 });
    expect(await decideDueAbWinners(env, db(), Date.now())).toBe(0);
    expect(await decideDueAbWinners(env, db(), Date.now() + 3601_000)).toBe(1);
    const done = await waitForCampaign(s, id, sent);
    expect(done.ab_test.winner).toBe('B');
    const all = await sinkMessagesTo(people.map((p) => p.email));
    expect(all).toHaveLength(40);
    const holdouts = new Set(rows.filter((r) => r.variant === '*').map((r) => r.email));
    expect(all.filter((m) => holdouts.has(m.to[0]!.address)).every((m) => m.subject === 'Subject B')).toBe(true);
  });

  it('resends to those who did not open, with a new subject', async () => {
    const s = await sendingTenant();
    const people = await addContacts(s.tenantId, 4, 'resend');
    const id = await createCampaign(s);
    expectProblem(await call(`/v1/campaigns/${id}/resend-unopened`, { token: s.token, body: { subject: 'Again' } }), 409, 'conflict');
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    await waitForCampaign(s, id, sent);
    await db().insert(contactEvents).values([{ id: newId(ID_PREFIX.contactEvent), tenantId: s.tenantId, contactId: people[0]!.id, type: 'open', campaignId: id }]).run();
    const follow = await call(`/v1/campaigns/${id}/resend-unopened`, { token: s.token, body: { subject: 'In case you missed it' } });
    expect(follow.status).toBe(201);
    expect(follow.json).toMatchObject({ parent_id: id, subject: 'In case you missed it', audience: { unopened_of: id } });
    expect((await call(`/v1/campaigns/${follow.json.id}/checklist`, { token: s.token })).json.recipients).toBe(3);
    await call(`/v1/campaigns/${follow.json.id}/send`, { method: 'POST', token: s.token });
    await waitForCampaign(s, follow.json.id, sent);
    const again = (await sinkMessagesTo(people.map((p) => p.email))).filter((m) => m.subject === 'In case you missed it');
    expect(again.map((m) => m.to[0]!.address).sort()).toEqual(people.slice(1).map((p) => p.email).sort());
  });
});
