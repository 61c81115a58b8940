import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, contacts, deliveryEvents, messages, suppressions } from '../../worker/db/schema';
import { processDeliveryReports } from '../../worker/domain/delivery-events';
import { reportsFromMail } from '../../worker/inbound/report-mail';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import worker from '../../worker/index';
import arfTemplate from '../fixtures/reports/arf.eml?raw';
import dsnTemplate from '../fixtures/reports/dsn.eml?raw';
import { addContacts, createCampaign, sendingTenant } from './campaign-helpers';
import { call } from './helpers';

const db = () => getDb(env);

async function sentMessage(status: 'sent' | 'bounced' = 'sent', contactStatus: 'subscribed' | 'unsubscribed' = 'subscribed') {
  const s = await sendingTenant('Report Co');
  const campaignId = await createCampaign(s);
  const [contact] = await addContacts(s.tenantId, 1, 'dsn', { status: contactStatus });
  const id = newId(ID_PREFIX.message);
  await db().insert(messages).values({ id, tenantId: s.tenantId, campaignId, contactId: contact!.id, email: contact!.email, status, sendAfter: new Date(), sentAt: new Date() }).run();
  return { s, id, contact: contact! };
}

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? '');
const dsn = (m: { id: string; contact: { email: string } }, action: string, status: string, diagnostic: string) =>
  fill(dsnTemplate, { RECIPIENT: m.contact.email, MESSAGE_ID: m.id, ACTION: action, STATUS: status, DIAGNOSTIC: diagnostic });

/** Mail as Email Routing hands it to the worker's email() handler. */
async function deliverMail(raw: string) {
  const bytes = new TextEncoder().encode(raw);
  let rejected: string | null = null;
  const message = {
    from: 'MAILER-DAEMON@mx.mail.example.net',
    to: 'bounces@mail.edgepost.test',
    headers: new Headers(),
    raw: new Response(bytes).body!,
    rawSize: bytes.length,
    setReject: (reason: string) => void (rejected = reason),
    forward: async () => ({ messageId: '' }),
    reply: async () => ({ messageId: '' }),
  } as unknown as ForwardableEmailMessage;
  await worker.email(message, env);
  return rejected;
}

async function eventsOf(messageId: string, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const rows = await db().select().from(deliveryEvents).where(eq(deliveryEvents.messageId, messageId)).all();
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('email(): DSN and ARF reports', () => {
  it('a 5.x.x DSN hard-bounces the message and the contact and suppresses the address', async () => {
    const m = await sentMessage();
    expect(await deliverMail(dsn(m, 'failed', '5.1.1', '550 5.1.1 <x>: Recipient address rejected: User unknown'))).toBeNull();
    const [event] = await eventsOf(m.id, 1);
    expect(event).toMatchObject({ type: 'hard_bounce', source: 'email', detail: { code: '5.1.1' } });
    expect((await db().select().from(messages).where(eq(messages.id, m.id)).get())?.status).toBe('bounced');
    expect((await db().select().from(contacts).where(eq(contacts.id, m.contact.id)).get())?.status).toBe('bounced');
    expect(await db().select().from(suppressions).where(and(eq(suppressions.tenantId, m.s.tenantId), eq(suppressions.value, m.contact.email))).get()).toMatchObject({ reason: 'bounce' });
    expect((await call('/v1/sending/status', { token: m.s.token })).json.reputation.bounced).toBe(1);
  });

  it('a 4.x.x failure is a soft bounce and a delay only goes on the timeline', async () => {
    const m = await sentMessage();
    await deliverMail(dsn(m, 'delayed', '4.2.2', '452 4.2.2 Mailbox full'));
    await deliverMail(dsn(m, 'failed', '4.2.2', '452 4.2.2 Mailbox full'));
    expect((await eventsOf(m.id, 2)).map((e) => e.type).sort()).toEqual(['deferred', 'soft_bounce']);
    expect((await db().select().from(contacts).where(eq(contacts.id, m.contact.id)).get())?.status).toBe('subscribed');
    const timeline = await db().select().from(contactEvents).where(eq(contactEvents.contactId, m.contact.id)).all();
    expect(timeline.map((e) => e.type).sort()).toEqual(['bounce', 'deferred']);
    expect(timeline.find((e) => e.type === 'bounce')?.data).toMatchObject({ kind: 'soft', code: '4.2.2' });
  });

  it('an ARF abuse report marks even an unsubscribed contact complained and suppresses the address', async () => {
    const m = await sentMessage('sent', 'unsubscribed');
    expect(await deliverMail(fill(arfTemplate, { RECIPIENT: m.contact.email, MESSAGE_ID: m.id, FEEDBACK_TYPE: 'abuse' }))).toBeNull();
    const [event] = await eventsOf(m.id, 1);
    expect(event).toMatchObject({ type: 'complaint', detail: { code: 'abuse' } });
    expect((await db().select().from(contacts).where(eq(contacts.id, m.contact.id)).get())?.status).toBe('complained');
    expect(await db().select().from(suppressions).where(and(eq(suppressions.tenantId, m.s.tenantId), eq(suppressions.value, m.contact.email))).get()).toBeDefined();
  });

  it('refuses mail that is not a report about Edgepost mail, and a not-spam report gives nothing', async () => {
    expect(await deliverMail('From: someone@example.net\r\nTo: bounces@mail.edgepost.test\r\nSubject: Out of office\r\n\r\nI am away.\r\n')).toMatch(/reports/);
    const notOurs = fill(dsnTemplate, { RECIPIENT: 'a@example.net', MESSAGE_ID: 'CAF=abc123', ACTION: 'failed', STATUS: '5.1.1', DIAGNOSTIC: 'x' });
    expect(await reportsFromMail(notOurs)).toEqual([]);
    expect(await reportsFromMail(fill(arfTemplate, { RECIPIENT: 'a@example.net', MESSAGE_ID: newId(ID_PREFIX.message), FEEDBACK_TYPE: 'not-spam' }))).toEqual([]);
  });

  it('does not count again a hard bounce the send path recorded at send time', async () => {
    const m = await sentMessage('bounced');
    const reports = await reportsFromMail(dsn(m, 'failed', '5.1.1', '550 5.1.1 User unknown'));
    expect(reports).toHaveLength(1);
    expect(await processDeliveryReports(env, db(), reports)).toEqual({ recorded: 0, unmatched: 0 });
    expect(await db().select().from(deliveryEvents).where(eq(deliveryEvents.messageId, m.id)).all()).toEqual([]);
    expect((await call('/v1/sending/status', { token: m.s.token })).json.reputation.bounced).toBe(0);
  });
});
