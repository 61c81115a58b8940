import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { messages } from '../../worker/db/schema';
import { KILL_SWITCH_CACHE_MS } from '../../worker/domain/kill-switch';
import { queueDueTransactional, takeDueTransactional, takeLostTransactional } from '../../worker/domain/transactional';
import { addContacts, sendingTenant } from './campaign-helpers';
import { call, createApiKey, expectProblem, paidTenant, uniqueEmail } from './helpers';

interface SinkMail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  to: { address: string }[];
  cc?: { address: string }[];
  envelope: { to: { address: string }[] };
  attachments?: { filename: string; contentType: string; size: number }[];
}

/** Messages in the sink whose envelope includes this address (Bcc recipients are in the envelope only). */
async function sinkFor(address: string): Promise<SinkMail[]> {
  const list = (await (await fetch(`${env.MAILDEV_URL}/api/email`)).json()) as SinkMail[];
  return list.filter((m) => m.envelope.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}

async function waitForSink(address: string, n = 1, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await sinkFor(address);
    if (found.length >= n || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitForStatus(token: string, id: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await call(`/v1/messages/${id}`, { token })).json;
    if (last?.status === status) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`message ${id} is ${last?.status}, not ${status}`);
}

const send = (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => call('/v1/send', { token, body, headers });
const PDF = btoa('%PDF-1.4 receipt');

describe('transactional API: POST /v1/send', () => {
  it('delivers one message to To, Cc and Bcc with an attachment, without the campaign footer or List-Unsubscribe, and reports it', async () => {
    const s = await sendingTenant('Receipts Inc');
    const [to, cc, bcc] = [uniqueEmail('to'), uniqueEmail('cc'), uniqueEmail('bcc')];
    const res = await send(s.token, {
      to,
      cc: [cc],
      bcc: [bcc],
      subject: 'Your receipt #1042',
      html: '<p>Thanks for your order.</p><script>alert(1)</script><a href="https://shop.example/orders/1042">Order</a>',
      attachments: [{ filename: 'receipt.pdf', content: PDF, content_type: 'application/pdf' }],
      headers: { 'X-Order-Id': '1042' },
      tags: ['receipt'],
      metadata: { order: '1042' },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    expect(res.json).toMatchObject({ status: 'queued', to: [to], cc: [cc], bcc: [bcc], suppressed: [] });

    const [mail] = await waitForSink(to);
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe('Your receipt #1042');
    expect(mail!.to.map((t) => t.address)).toEqual([to]);
    expect(mail!.cc!.map((t) => t.address)).toEqual([cc]);
    expect(mail!.envelope.to.map((t) => t.address).sort()).toEqual([to, cc, bcc].sort());
    // Bcc is in the envelope only: no header names it.
    expect(JSON.stringify(mail!.headers)).not.toContain(bcc);
    expect(mail!.headers['list-unsubscribe']).toBeUndefined();
    expect(mail!.headers['x-order-id']).toBe('1042');
    expect(mail!.html).not.toContain('<script');
    expect(mail!.html).not.toContain('/t/u/');
    // Tracking is off by default for transactional mail: the link is left as it is.
    expect(mail!.html).toContain('https://shop.example/orders/1042');
    expect(mail!.attachments).toEqual([expect.objectContaining({ filename: 'receipt.pdf', contentType: 'application/pdf', size: atob(PDF).length })]);
    expect(await sinkFor(bcc)).toHaveLength(1);

    const detail = await waitForStatus(s.token, res.json.id, 'sent');
    expect(detail).toMatchObject({ subject: 'Your receipt #1042', tags: ['receipt'], metadata: { order: '1042' }, attachments: [{ filename: 'receipt.pdf', size: atob(PDF).length }] });
    expect(detail.events.map((e: any) => e.type)).toEqual(['accepted', 'sent']);
    // Handed over: the stored attachment is gone.
    expect(await env.FILES.list({ prefix: `transactional/${s.tenantId}/${res.json.id}/` }).then((l) => l.objects.length)).toBe(0);

    const listed = await call('/v1/messages?tag=receipt&status=sent', { token: s.token });
    expect(listed.json.data.map((m: any) => m.id)).toEqual([res.json.id]);
    expect((await call('/v1/messages?tag=other', { token: s.token })).json.data).toEqual([]);
  });

  it('merges a template with the contact’s fields and the caller’s variables, and tracks when asked', async () => {
    const s = await sendingTenant('Template Mail');
    const [contact] = await addContacts(s.tenantId, 1, 'tmpl', { firstName: 'Grace' });
    const t = await call('/v1/templates', { token: s.token, body: { name: 'Reset', subject: 'Reset for {{ first_name }}', html: '<p>Code {{ code }} / {{ vars.code }}</p><a href="https://app.example/reset">Reset</a>' } });
    const res = await send(s.token, { to: contact!.email, template_id: t.json.id, variables: { code: 'X7Q' }, track_opens: true, track_clicks: true });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const [mail] = await waitForSink(contact!.email);
    expect(mail!.subject).toBe('Reset for Grace');
    expect(mail!.html).toContain('Code X7Q / X7Q');
    expect(mail!.html).toContain('/t/o/');
    expect(mail!.html).toContain('/t/c/');
    expect(mail!.html).not.toContain('href="https://app.example/reset"');
    // The address is a contact: the send is on their timeline.
    await waitForStatus(s.token, res.json.id, 'sent');
    const activity = await call(`/v1/contacts/${contact!.id}/activity`, { token: s.token });
    expect(activity.json.data.some((e: any) => e.type === 'sent' && e.data.message_id === res.json.id)).toBe(true);
  });

  it('refuses bad input with problem details and sends nothing', async () => {
    const s = await sendingTenant('Strict Mail');
    const to = uniqueEmail('strict');
    expectProblem(await send(s.token, { to: 'not-an-address', subject: 'x', text: 'x' }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, text: 'no subject' }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'nothing to say' }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'x', text: 'x', attachments: [{ filename: 'invoice.exe', content: PDF }] }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'x', text: 'x', attachments: [{ filename: '../etc/passwd', content: PDF }] }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'x', text: 'x', headers: { Bcc: 'everyone@example.com' } }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'x', text: 'x', headers: { 'X-Evil': 'a\r\nBcc: victim@example.com' } }), 400, 'validation-error');
    expectProblem(await send(s.token, { to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`), subject: 'x', text: 'x' }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'x', text: 'x', scheduled_at: new Date(Date.now() + 31 * 86_400_000).toISOString() }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'x', text: 'x', from: { email: 'ceo@not-verified.example' } }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, subject: 'x', text: 'x', surprise: true }), 400, 'validation-error');
    expectProblem(await send(s.token, { to, template_id: 'tpl_missing' }), 404, 'not-found');
    expect((await call('/v1/messages', { token: s.token })).json.data).toEqual([]);
  });

  it('needs the send scope', async () => {
    const s = await sendingTenant('Scoped Mail');
    const reader = await createApiKey(s, ['campaigns:read']);
    expectProblem(await send(reader.secret, { to: uniqueEmail('x'), subject: 'x', text: 'x' }), 403, 'insufficient-scope');
    const sender = await createApiKey(s, ['send']);
    expect((await send(sender.secret, { to: uniqueEmail('x'), subject: 'x', text: 'x' })).status).toBe(202);
  });

  it('leaves out bounced and complained addresses but still reaches someone who unsubscribed from campaigns', async () => {
    const s = await sendingTenant('Suppressing Mail');
    const [bounced, complained, unsubscribed] = [uniqueEmail('bounced'), uniqueEmail('complained'), uniqueEmail('unsub')];
    await call('/v1/suppressions', { token: s.token, body: { email: bounced, reason: 'bounce' } });
    await call('/v1/suppressions', { token: s.token, body: { email: complained, reason: 'complaint' } });
    await call('/v1/suppressions', { token: s.token, body: { email: unsubscribed, reason: 'unsubscribe' } });

    const refused = await send(s.token, { to: bounced, subject: 'x', text: 'x' });
    expectProblem(refused, 422, 'unprocessable');
    expect(refused.json.suppressed).toEqual([bounced]);

    const res = await send(s.token, { to: unsubscribed, cc: [complained], subject: 'Your invoice', text: 'Attached.' });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ to: [unsubscribed], cc: [], suppressed: [complained] });
    const [mail] = await waitForSink(unsubscribed);
    expect(mail!.envelope.to.map((t) => t.address)).toEqual([unsubscribed]);
  });
});

describe('transactional API: Idempotency-Key', () => {
  it('answers a retry with the first answer and sends once; another body under the same key is refused', async () => {
    const s = await sendingTenant('Idempotent Mail');
    const to = uniqueEmail('idem');
    const body = { to, subject: 'Order confirmed', text: 'Thanks!' };
    const key = crypto.randomUUID();
    const first = await send(s.token, body, { 'idempotency-key': key });
    const again = await send(s.token, body, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(await send(s.token, { ...body, text: 'Changed' }, { 'idempotency-key': key }), 422, 'unprocessable');
    // Another workspace's key space is its own.
    const other = await sendingTenant('Other Mail');
    expect((await send(other.token, body, { 'idempotency-key': key })).json.id).not.toBe(first.json.id);

    await waitForStatus(s.token, first.json.id, 'sent');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sinkFor(to)).toHaveLength(2);
    expect((await call(`/v1/messages?to=${encodeURIComponent(to)}`, { token: s.token })).json.data).toHaveLength(1);
  });

  it('keeps a refusal the request caused under its key, and frees the key of a request that never passed validation', async () => {
    const s = await sendingTenant('Refused Mail');
    const bounced = uniqueEmail('gone');
    await call('/v1/suppressions', { token: s.token, body: { email: bounced, reason: 'bounce' } });
    const key = crypto.randomUUID();
    const body = { to: bounced, subject: 'x', text: 'x' };
    expectProblem(await send(s.token, body, { 'idempotency-key': key }), 422, 'unprocessable');
    const replay = await send(s.token, body, { 'idempotency-key': key });
    expectProblem(replay, 422, 'unprocessable');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const fresh = crypto.randomUUID();
    expectProblem(await send(s.token, { to: 'nope', subject: 'x', text: 'x' }, { 'idempotency-key': fresh }), 400, 'validation-error');
    expect((await send(s.token, { to: uniqueEmail('ok'), subject: 'x', text: 'x' }, { 'idempotency-key': fresh })).status).toBe(202);
  });
});

describe('transactional API: scheduling, stops and privacy', () => {
  it('holds a scheduled message until it falls due, can cancel it, and the cron queues due ones', async () => {
    const s = await sendingTenant('Scheduled Mail');
    const later = uniqueEmail('later');
    const at = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const res = await send(s.token, { to: later, subject: 'Reminder', text: 'Tomorrow', scheduled_at: at });
    expect(res.json).toMatchObject({ status: 'scheduled', scheduled_at: at });
    expect((await call(`/v1/messages/${res.json.id}`, { token: s.token })).json).toMatchObject({ status: 'scheduled', scheduled_at: at });

    const kept = await send(s.token, { to: later, subject: 'Kept', text: 'x', scheduled_at: at });
    const cancelled = await call(`/v1/messages/${res.json.id}/cancel`, { method: 'POST', token: s.token });
    expect(cancelled.json.status).toBe('cancelled');
    expectProblem(await call(`/v1/messages/${res.json.id}/cancel`, { method: 'POST', token: s.token }), 409, 'conflict');

    // Two days pass for the kept one.
    await getDb(env).update(messages).set({ sendAfter: new Date(Date.now() - 1000) }).where(eq(messages.id, kept.json.id)).run();
    expect(await queueDueTransactional(env, getDb(env))).toBeGreaterThanOrEqual(1);
    const [mail] = await waitForSink(later);
    expect(mail!.subject).toBe('Kept');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await sinkFor(later)).toHaveLength(1);
  });

  it('waits while the workspace’s sending is stopped and goes out, once, after the stop is lifted', async () => {
    const s = await sendingTenant('Stopped Mail');
    const to = uniqueEmail('stopped');
    const ks = env.KILL_SWITCH.get(env.KILL_SWITCH.idFromName('global'));
    await ks.engage({ tenantId: s.tenantId, reason: 'test', by: 'test' });
    try {
      const res = await send(s.token, { to, subject: 'Held', text: 'x' });
      expect(res.status).toBe(202);
      await waitForStatus(s.token, res.json.id, 'scheduled');
      expect(await sinkFor(to)).toHaveLength(0);
      await ks.release({ tenantId: s.tenantId });
      await new Promise((r) => setTimeout(r, KILL_SWITCH_CACHE_MS + 100));
      await getDb(env).update(messages).set({ sendAfter: new Date(Date.now() - 1000) }).where(eq(messages.id, res.json.id)).run();
      await queueDueTransactional(env, getDb(env));
      await waitForStatus(s.token, res.json.id, 'sent');
      expect(await waitForSink(to)).toHaveLength(1);
    } finally {
      await ks.release({ tenantId: s.tenantId });
    }
  });

  it('shows a workspace only its own messages', async () => {
    const s = await sendingTenant('Private Mail');
    const other = await paidTenant('Nosy Co');
    const res = await send(s.token, { to: uniqueEmail('private'), subject: 'Private', text: 'x' });
    expectProblem(await call(`/v1/messages/${res.json.id}`, { token: other.token }), 404, 'not-found');
    expectProblem(await call(`/v1/messages/${res.json.id}/cancel`, { method: 'POST', token: other.token }), 404, 'not-found');
    expect((await call('/v1/messages', { token: other.token })).json.data).toEqual([]);
  });

  it('finds due and lost messages for the cron on indexes, not by scanning every message', async () => {
    const plan = async (q: { toSQL(): { sql: string; params: unknown[] } }) => {
      const { sql, params } = q.toSQL();
      const rows = await env.DB.prepare(`explain query plan ${sql}`).bind(...params).all<{ detail: string }>();
      return rows.results.map((r) => r.detail).join('\n');
    };
    expect(await plan(takeDueTransactional(getDb(env), Date.now()))).toMatch(/SEARCH messages USING (COVERING )?INDEX messages_campaign_status \(campaign_id=\? AND status=\? AND send_after<\?\)/);
    expect(await plan(takeLostTransactional(getDb(env), Date.now()))).toMatch(/SEARCH messages USING (COVERING )?INDEX messages_campaign_status \(campaign_id=\? AND status=\?\)/);
  });
});
