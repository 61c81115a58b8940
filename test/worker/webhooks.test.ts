import { SELF, env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { notifications, webhookDeliveries, webhookEndpoints } from '../../worker/db/schema';
import { deliverWebhook, DISABLE_AFTER_MS } from '../../worker/domain/webhook-delivery';
import { checkWebhookUrl, isPrivateAddress } from '../../worker/lib/ssrf';
import { BASE, call, expectProblem, paidTenant, uniqueEmail, type Session } from './helpers';

const receiver = env.WEBHOOK_RECEIVER_URL;
const run = () => Math.random().toString(36).slice(2, 10);

async function received(prefix: string, count: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = (await (await fetch(`${receiver}/received?prefix=${encodeURIComponent(prefix)}`)).json()) as { path: string; headers: Record<string, string>; body: string }[];
    if (list.length >= count || Date.now() > deadline) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function endpoint(s: Session, path: string, event_types?: string[]) {
  const res = await call('/v1/webhooks', { token: s.token, body: { url: `${receiver}${path}`, ...(event_types ? { event_types } : {}) } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  expect(res.json.secret).toMatch(/^whsec_/);
  return res.json as { id: string; secret: string };
}

const deliveriesOf = (endpointId: string) => getDb(env).select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).all();

describe('outbound webhooks', () => {
  it('signs each delivery per Standard Webhooks: the receiver verifies it with the standardwebhooks package, and a tampered body fails', async () => {
    const s = await paidTenant('Hooked Co');
    const path = `/ok/${run()}`;
    const e = await endpoint(s, path, ['contact.created']);
    const email = uniqueEmail('hooked');
    expect((await call('/v1/contacts', { token: s.token, body: { email } })).status).toBe(201);
    const [got] = await received(path, 1);
    expect(got, 'no webhook arrived').toBeDefined();
    const verified = new Webhook(e.secret).verify(got!.body, got!.headers) as any;
    expect(verified).toMatchObject({ type: 'contact.created', data: { email } });
    expect(got!.headers['webhook-id']).toMatch(/^whd_/);
    expect(() => new Webhook(e.secret).verify(got!.body.replace(email, 'someone@else.example'), got!.headers)).toThrow();
    const log = await call(`/v1/webhooks/${e.id}/deliveries`, { token: s.token });
    expect(log.json.data[0]).toMatchObject({ event_type: 'contact.created', status: 'succeeded', attempts: 1, response_status: 200, response_excerpt: 'thanks' });
  });

  it('sends only the event types asked for, and a test event on demand', async () => {
    const s = await paidTenant('Picky Co');
    const path = `/ok/${run()}`;
    const e = await endpoint(s, path, ['campaign.finished']);
    await call('/v1/contacts', { token: s.token, body: { email: uniqueEmail('ignored') } });
    expect((await call(`/v1/webhooks/${e.id}/test`, { method: 'POST', token: s.token })).status).toBe(202);
    const got = await received(path, 1);
    expect(got.map((r) => JSON.parse(r.body).type)).toEqual(['webhook.test']);
  });

  it('retries a failing endpoint on the schedule, records each attempt, and a redirect counts as a failure', async () => {
    const s = await paidTenant('Flaky Co');
    const path = `/fail/${run()}`;
    const e = await endpoint(s, path);
    await call(`/v1/webhooks/${e.id}/test`, { method: 'POST', token: s.token });
    // The schedule has nine retries after the first attempt (scaled to zero here): ten requests, then failed.
    const got = await received(path, 10, 30_000);
    expect(got).toHaveLength(10);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    await expect.poll(async () => (await deliveriesOf(e.id))[0]?.status, { timeout: 5_000 }).toBe('failed');
    const [d] = await deliveriesOf(e.id);
    expect(d).toMatchObject({ attempts: 10, responseStatus: 500, error: 'HTTP 500' });
    expect(d!.responseExcerpt!.length).toBe(500);

    const redirect = await endpoint(s, `/redirect/${run()}`);
    await call(`/v1/webhooks/${redirect.id}/test`, { method: 'POST', token: s.token });
    await expect.poll(async () => (await deliveriesOf(redirect.id))[0]?.responseStatus, { timeout: 10_000 }).toBe(302);
    expect((await received('/ok/redirected', 0, 500)).length).toBe(0);
  }, 60_000);

  it('disables an endpoint that answers 410, tells its managers, and replays a delivery once it is enabled again', async () => {
    const s = await paidTenant('Gone Co');
    const e = await endpoint(s, `/gone/${run()}`);
    await call(`/v1/webhooks/${e.id}/test`, { method: 'POST', token: s.token });
    await expect.poll(async () => (await call(`/v1/webhooks/${e.id}`, { token: s.token })).json.status, { timeout: 10_000 }).toBe('disabled');
    const [d] = await deliveriesOf(e.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 410 });
    const notes = await getDb(env).select().from(notifications).where(eq(notifications.tenantId, s.tenantId)).all();
    expect(notes.find((n) => n.kind === 'webhook_disabled')).toBeDefined();
    expectProblem(await call(`/v1/webhooks/${e.id}/test`, { method: 'POST', token: s.token }), 409, 'conflict');

    const okPath = `/ok/${run()}`;
    await call(`/v1/webhooks/${e.id}`, { method: 'PATCH', token: s.token, body: { url: `${receiver}${okPath}`, enabled: true } });
    const replay = await call(`/v1/webhooks/${e.id}/deliveries/${d!.id}/replay`, { method: 'POST', token: s.token });
    expect(replay.status).toBe(202);
    const [again] = await received(okPath, 1);
    expect(again!.headers['webhook-id']).toBe(d!.id);
  });

  it('disables an endpoint after five days of failures', async () => {
    const s = await paidTenant('Dead Co');
    const e = await endpoint(s, `/fail/${run()}`);
    const db = getDb(env);
    await db.update(webhookEndpoints).set({ failingSince: new Date(Date.now() - DISABLE_AFTER_MS - 1000), consecutiveFailures: 40 }).where(eq(webhookEndpoints.id, e.id)).run();
    await db.insert(webhookDeliveries).values({ id: 'whd_fivedays', tenantId: s.tenantId, endpointId: e.id, eventType: 'webhook.test', payload: '{}' }).run();
    await deliverWebhook(env, db, { deliveryId: 'whd_fivedays', tenantId: s.tenantId });
    const row = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, e.id)).get();
    expect(row).toMatchObject({ status: 'disabled', disabledReason: 'every delivery failed for 5 days', consecutiveFailures: 41 });
  });

  it('rotates the secret: for a day both the new and the old secret verify', async () => {
    const s = await paidTenant('Rotating Co');
    const path = `/ok/${run()}`;
    const e = await endpoint(s, path);
    const rotated = await call(`/v1/webhooks/${e.id}/rotate-secret`, { method: 'POST', token: s.token });
    expect(rotated.json.secret).not.toBe(e.secret);
    await call(`/v1/webhooks/${e.id}/test`, { method: 'POST', token: s.token });
    const [got] = await received(path, 1);
    expect(got!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.json.secret).verify(got!.body, got!.headers)).toBeTruthy();
    expect(new Webhook(e.secret).verify(got!.body, got!.headers)).toBeTruthy();
  });

  it('keeps endpoints and logs per workspace', async () => {
    const s = await paidTenant('Private Co');
    const e = await endpoint(s, `/ok/${run()}`);
    const other = await paidTenant('Snoop Co');
    expectProblem(await call(`/v1/webhooks/${e.id}`, { token: other.token }), 404, 'not-found');
    expectProblem(await call(`/v1/webhooks/${e.id}/deliveries`, { token: other.token }), 404, 'not-found');
    expect((await call('/v1/webhooks', { token: other.token })).json.data).toEqual([]);
  });
});

describe('SSRF protection', () => {
  const publicResolver = async (host: string) => ({ 'hooks.example.com': ['93.184.216.34'], 'sneaky.example.com': ['10.0.0.5'], 'v6.example.com': ['::ffff:127.0.0.1'] })[host] ?? [];
  const check = (url: string) => checkWebhookUrl(url, { allowPrivate: false, resolve: publicResolver });

  it('refuses private, loopback, link-local and metadata targets, also behind a name, and URLs with credentials or other schemes', async () => {
    for (const url of [
      'http://127.0.0.1/hook',
      'http://10.1.2.3/hook',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:10.0.0.1]/',
      'http://localhost:8080/',
      'http://metadata.google.internal/',
      'https://sneaky.example.com/hook',
      'https://v6.example.com/hook',
      'https://nowhere.example.com/hook',
      'https://user:pass@hooks.example.com/hook',
      'ftp://hooks.example.com/',
      'javascript:alert(1)',
    ]) {
      expect((await check(url)).ok, url).toBe(false);
    }
    expect((await check('https://hooks.example.com/edgepost?token=abc')).ok).toBe(true);
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700:4700::1111')).toBe(false);
  });

  it('the API refuses an internal URL with a problem naming the field', async () => {
    const s = await paidTenant('Ssrf Co');
    const res = await SELF.fetch(`${BASE}/v1/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://user:secret@hooks.example.com/x' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0]).toMatchObject({ field: 'url', message: expect.stringContaining('credentials') });
  });
});
