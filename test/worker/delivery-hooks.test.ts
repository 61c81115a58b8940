import { SELF, env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { describe, expect, inject, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, contacts, deliveryEvents, messages, suppressions } from '../../worker/db/schema';
import { hmacSha256, randomBytes } from '../../worker/lib/crypto';
import { toBase64, toHex } from '../../worker/lib/encoding';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { addContacts, createCampaign, sendingTenant } from './campaign-helpers';
import { BASE, call, expectProblem } from './helpers';

const db = () => getDb(env);
type Tenant = Awaited<ReturnType<typeof sendingTenant>>;

async function addTransport(s: Tenant, body: Record<string, unknown>) {
  const res = await call('/v1/transports', { token: s.token, body: { name: `t-${Math.random().toString(36).slice(2)}`, ...body } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string; webhook_url: string };
}

/** A sent campaign message to a fresh contact, as the send consumer leaves it after the provider took it. */
async function sentMessage(s: Tenant, campaignId: string, providerMessageId: string) {
  const [contact] = await addContacts(s.tenantId, 1, 'rcpt');
  const id = newId(ID_PREFIX.message);
  await db().insert(messages).values({ id, tenantId: s.tenantId, campaignId, contactId: contact!.id, email: contact!.email, status: 'sent', sendAfter: new Date(), sentAt: new Date(), providerMessageId }).run();
  return { id, contact: contact!, providerMessageId };
}

const hook = (url: string, body: string, headers: Record<string, string> = {}) =>
  SELF.fetch(url.replace(/^https?:\/\/[^/]+/, BASE), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then(async (res) => ({
    status: res.status,
    headers: res.headers,
    json: (await res.json()) as any,
  }));

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const eventsOf = (messageId: string) => db().select().from(deliveryEvents).where(eq(deliveryEvents.messageId, messageId)).all();
const contactOf = (id: string) => db().select().from(contacts).where(eq(contacts.id, id)).get();
const timelineOf = (contactId: string) => db().select().from(contactEvents).where(eq(contactEvents.contactId, contactId)).all();
const suppressed = (tenantId: string, email: string) =>
  db().select().from(suppressions).where(and(eq(suppressions.tenantId, tenantId), eq(suppressions.value, email))).get();

/** Rejections happen before anything is queued; a valid report sent after them is processed, and by then the rejected ones would have been too. */
async function expectOnly(messageId: string, types: string[]) {
  await until(() => eventsOf(messageId), (r) => r.length >= types.length);
  await new Promise((r) => setTimeout(r, 500));
  expect((await eventsOf(messageId)).map((e) => e.type).sort()).toEqual([...types].sort());
}

async function workspace() {
  const s = await sendingTenant('Bounce Co');
  const campaignId = await createCampaign(s);
  return { s, campaignId };
}

describe('Mailgun', () => {
  const signingKey = 'key-' + toHex(randomBytes(16));
  const signed = async (eventData: Record<string, unknown>, opts: { timestamp?: number; token?: string; key?: string } = {}) => {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const token = opts.token ?? toHex(randomBytes(25));
    const signature = toHex(await hmacSha256(opts.key ?? signingKey, timestamp + token));
    return JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData });
  };
  const failed = (m: { providerMessageId: string; contact: { email: string } }, severity = 'permanent') => ({
    event: 'failed',
    id: 'G9Bn5sl1TC6nu79C8C0bwg',
    timestamp: Date.now() / 1000,
    severity,
    reason: severity === 'permanent' ? 'bounce' : 'generic',
    recipient: m.contact.email,
    'delivery-status': { code: 550, message: '5.1.1 The email account that you tried to reach does not exist.', description: '' },
    // Mailgun's events carry the Message-ID without the brackets its send API answered with.
    message: { headers: { 'message-id': m.providerMessageId.slice(1, -1), to: m.contact.email } },
    'user-variables': {},
  });

  it('shows the hook URL on the transport; a hard bounce bounces the message, the contact and suppresses the address, once', async () => {
    const { s, campaignId } = await workspace();
    const t = await addTransport(s, { kind: 'mailgun', settings: { domain: 'mg.example.com' }, credentials: { api_key: 'key-123456789012', webhook_signing_key: signingKey } });
    expect(t.webhook_url).toMatch(new RegExp(`/hooks/mailgun/${t.id}$`));
    const m = await sentMessage(s, campaignId, `<20261201101500.${Date.now()}@mg.example.com>`);
    const inbox = `/ok/bounces-${m.id}`;
    expect((await call('/v1/webhooks', { token: s.token, body: { url: `${env.WEBHOOK_RECEIVER_URL}${inbox}`, event_types: ['bounced'] } })).status).toBe(201);

    // Forged, stale and replayed requests are refused before anything is queued.
    expectProblem(await hook(t.webhook_url, await signed(failed(m), { key: 'key-not-the-right-one' })), 401, 'invalid-signature');
    expectProblem(await hook(t.webhook_url, await signed(failed(m), { timestamp: Math.floor(Date.now() / 1000) - 600 })), 401, 'invalid-signature');
    const once = await signed(failed(m));
    expect((await hook(t.webhook_url, once)).json).toEqual({ received: 1, duplicate: false });
    expectProblem(await hook(t.webhook_url, once), 401, 'invalid-signature');
    // Mailgun sending the same event again under a new token is recorded once.
    expect((await hook(t.webhook_url, await signed(failed(m)))).status).toBe(200);

    await expectOnly(m.id, ['hard_bounce']);
    const row = await db().select().from(messages).where(eq(messages.id, m.id)).get();
    expect(row).toMatchObject({ status: 'bounced' });
    expect((await contactOf(m.contact.id))?.status).toBe('bounced');
    expect(await suppressed(s.tenantId, m.contact.email)).toMatchObject({ reason: 'bounce' });
    const bounces = (await timelineOf(m.contact.id)).filter((e) => e.type === 'bounce');
    expect(bounces).toHaveLength(1);
    expect(bounces[0]!.data).toMatchObject({ message_id: m.id, kind: 'hard', code: '550', source: 'mailgun' });
    // The tenant's own webhook hears of it once.
    const received = async () => (await (await fetch(`${env.WEBHOOK_RECEIVER_URL}/received?prefix=${encodeURIComponent(inbox)}`)).json()) as { body: string }[];
    await until(received, (list) => list.length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await received()).map((d) => JSON.parse(d.body))).toMatchObject([{ type: 'bounced', data: { message_id: m.id, email: m.contact.email, kind: 'hard', source: 'mailgun' } }]);
  });

  it('answers 404 for an unknown transport or one of another kind', async () => {
    const { s } = await workspace();
    const t = await addTransport(s, { kind: 'resend', credentials: { api_key: 're_123456789012' } });
    expectProblem(await hook(`${BASE}/hooks/mailgun/trn_nope`, await signed({ event: 'delivered' })), 404, 'not-found');
    expectProblem(await hook(`${BASE}/hooks/mailgun/${t.id}`, await signed({ event: 'delivered' })), 404, 'not-found');
  });
});

/** WebCrypto's ECDSA signature (r‖s) as the DER SEQUENCE SendGrid sends. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let b = [...bytes];
    while (b.length > 1 && b[0] === 0) b = b.slice(1);
    if (b[0]! & 0x80) b = [0, ...b];
    return [0x02, b.length, ...b];
  };
  const body = [...int(raw.slice(0, 32)), ...int(raw.slice(32))];
  return new Uint8Array([0x30, body.length, ...body]);
}

describe('SendGrid', () => {
  const keyPair = () => crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  const sign = async (key: CryptoKey, timestamp: string, body: string) =>
    toBase64(derSignature(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(timestamp + body)))));

  it('verifies the ECDSA signature; delivered stamps the message, a spam report suppresses and marks complained, both on the timeline and in the stats', async () => {
    const { s, campaignId } = await workspace();
    const keys = await keyPair();
    const publicKey = toBase64(new Uint8Array((await crypto.subtle.exportKey('spki', keys.publicKey)) as ArrayBuffer));
    const t = await addTransport(s, { kind: 'sendgrid', credentials: { api_key: 'SG.0123456789abcdef', webhook_verification_key: publicKey } });
    const xMessageId = `14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.${Date.now()}`.replace(/\./g, '');
    const m = await sentMessage(s, campaignId, xMessageId);
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify([
      { email: m.contact.email, timestamp: now, event: 'processed', sg_event_id: 'p1', sg_message_id: `${xMessageId}.filterdrecv-1` },
      { email: m.contact.email, timestamp: now, event: 'delivered', response: '250 2.0.0 OK', sg_event_id: 'd1', sg_message_id: `${xMessageId}.filterdrecv-1` },
      { email: m.contact.email, timestamp: now, event: 'spamreport', sg_event_id: 's1', sg_message_id: `${xMessageId}.filterdrecv-1` },
    ]);
    const ts = String(now);

    const forged = await keyPair();
    const bad = await hook(t.webhook_url, body, { 'x-twilio-email-event-webhook-signature': await sign(forged.privateKey, ts, body), 'x-twilio-email-event-webhook-timestamp': ts });
    expectProblem(bad, 401, 'invalid-signature');
    const stale = String(now - 3600);
    expectProblem(await hook(t.webhook_url, body, { 'x-twilio-email-event-webhook-signature': await sign(keys.privateKey, stale, body), 'x-twilio-email-event-webhook-timestamp': stale }), 401, 'invalid-signature');
    const good = { 'x-twilio-email-event-webhook-signature': await sign(keys.privateKey, ts, body), 'x-twilio-email-event-webhook-timestamp': ts };
    expect((await hook(t.webhook_url, body, good)).json).toEqual({ received: 2, duplicate: false });
    // SendGrid retrying the same batch: counted once.
    expect((await hook(t.webhook_url, body, good)).status).toBe(200);

    await expectOnly(m.id, ['delivered', 'complaint']);
    expect((await db().select().from(messages).where(eq(messages.id, m.id)).get())?.deliveredAt).toBeInstanceOf(Date);
    expect((await contactOf(m.contact.id))?.status).toBe('complained');
    expect(await suppressed(s.tenantId, m.contact.email)).toMatchObject({ reason: 'complaint' });
    expect((await timelineOf(m.contact.id)).map((e) => e.type).sort()).toEqual(['complaint', 'delivered']);
    const stats = await call(`/v1/campaigns/${campaignId}/stats`, { token: s.token });
    expect(stats.json).toMatchObject({ delivered: 1, complaints: 1, bounces: { hard: 0, soft: 0 } });
    const status = await call('/v1/sending/status', { token: s.token });
    expect(status.json.reputation.complained).toBe(1);
  });
});

describe('Postmark', () => {
  it('needs the Basic credentials; soft bounces of three messages within 30 days clean the contact without suppressing it', async () => {
    const { s, campaignId } = await workspace();
    const t = await addTransport(s, { kind: 'postmark', credentials: { server_token: 'pm-0123456789abcdef', webhook_username: 'edgepost', webhook_password: 'a-long-webhook-password' } });
    const [contact] = await addContacts(s.tenantId, 1, 'soft');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = newId(ID_PREFIX.message);
      const providerId = crypto.randomUUID();
      // Three campaigns' messages to the same contact.
      const cid = i === 0 ? campaignId : await createCampaign(s, { name: `Letter ${i}` });
      await db().insert(messages).values({ id, tenantId: s.tenantId, campaignId: cid, contactId: contact!.id, email: contact!.email, status: 'sent', sendAfter: new Date(), sentAt: new Date(), providerMessageId: providerId }).run();
      ids.push(id);
      const record = JSON.stringify({
        RecordType: 'Bounce', ID: 4323372036854775800 + i, Type: 'SoftBounce', TypeCode: 4096, Name: 'Soft bounce', Tag: '', MessageID: providerId, ServerID: 23,
        Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).', Details: 'mailbox full', Email: contact!.email,
        From: 'news@example.com', BouncedAt: new Date().toISOString(), Inactive: false, CanActivate: true, Subject: 'News', MessageStream: 'broadcast', Metadata: {},
      });
      if (i === 0) {
        expectProblem(await hook(t.webhook_url, record, { authorization: `Basic ${btoa('edgepost:wrong')}` }), 401, 'invalid-signature');
        expectProblem(await hook(t.webhook_url, record), 401, 'invalid-signature');
      }
      expect((await hook(t.webhook_url, record, { authorization: `Basic ${btoa('edgepost:a-long-webhook-password')}` })).status).toBe(200);
      await expectOnly(id, ['soft_bounce']);
      expect((await contactOf(contact!.id))?.status).toBe(i < 2 ? 'subscribed' : 'cleaned');
    }
    expect(await suppressed(s.tenantId, contact!.email)).toBeUndefined();
    const timeline = (await timelineOf(contact!.id)).map((e) => e.type).sort();
    expect(timeline).toEqual(['bounce', 'bounce', 'bounce', 'cleaned']);
    for (const id of ids) expect((await db().select().from(messages).where(eq(messages.id, id)).get())?.status).toBe('sent');
    const stats = (await call(`/v1/campaigns/${campaignId}/stats`, { token: s.token })).json;
    expect(stats.bounces).toEqual({ hard: 0, soft: 1 });
    expect(stats.rates).toMatchObject({ hard_bounce: 0, soft_bounce: 1 });
  });
});

describe('transactional mail to an address that is no contact', () => {
  it('a reported hard bounce suppresses the address all the same', async () => {
    const { s } = await workspace();
    const t = await addTransport(s, { kind: 'postmark', credentials: { server_token: 'pm-0123456789abcdef', webhook_username: 'edgepost', webhook_password: 'a-long-webhook-password' } });
    const email = `nobody-${Date.now().toString(36)}@example.com`;
    const id = newId(ID_PREFIX.message);
    const providerId = crypto.randomUUID();
    await db().insert(messages).values({ id, tenantId: s.tenantId, campaignId: null, contactId: null, email, stream: 'transactional', status: 'sent', sendAfter: new Date(), sentAt: new Date(), providerMessageId: providerId }).run();
    const record = JSON.stringify({
      RecordType: 'Bounce', ID: 4323372036854775999, Type: 'HardBounce', TypeCode: 1, Name: 'Hard bounce', Tag: '', MessageID: providerId, ServerID: 23,
      Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).', Details: 'smtp;550 5.1.1 unknown user', Email: email,
      From: 'receipts@example.com', BouncedAt: new Date().toISOString(), Inactive: true, CanActivate: true, Subject: 'Receipt', MessageStream: 'outbound', Metadata: {},
    });
    expect((await hook(t.webhook_url, record, { authorization: `Basic ${btoa('edgepost:a-long-webhook-password')}` })).status).toBe(200);
    await expectOnly(id, ['hard_bounce']);
    expect(await suppressed(s.tenantId, email)).toMatchObject({ kind: 'email', reason: 'bounce' });
    expect((await db().select().from(messages).where(eq(messages.id, id)).get())?.status).toBe('bounced');
  });
});

describe('Resend (Svix)', () => {
  const secret = `whsec_${toBase64(randomBytes(24))}`;
  const svix = (id: string, body: string, at = new Date(), key = secret) => ({ 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': new Webhook(key).sign(id, at, body) });

  it('verifies the signature and its timestamp; a retried svix id is acknowledged and counted once', async () => {
    const { s, campaignId } = await workspace();
    const t = await addTransport(s, { kind: 'resend', credentials: { api_key: 're_0123456789abcdef', webhook_secret: secret } });
    const emailId = crypto.randomUUID();
    const m = await sentMessage(s, campaignId, emailId);
    const body = JSON.stringify({
      type: 'email.bounced',
      created_at: new Date().toISOString(),
      data: { email_id: emailId, from: 'news@example.com', to: [m.contact.email], subject: 'News', created_at: new Date().toISOString(), bounce: { message: 'The recipient does not exist.', subType: 'General', type: 'Permanent' }, tags: { edgepost_message_id: m.id } },
    });
    expectProblem(await hook(t.webhook_url, body, svix('msg_forged', body, new Date(), `whsec_${toBase64(randomBytes(24))}`)), 401, 'invalid-signature');
    expectProblem(await hook(t.webhook_url, body, svix('msg_old', body, new Date(Date.now() - 10 * 60_000))), 401, 'invalid-signature');
    const headers = svix(`msg_${crypto.randomUUID()}`, body);
    expect((await hook(t.webhook_url, body, headers)).json).toEqual({ received: 1, duplicate: false });
    expect((await hook(t.webhook_url, body, headers)).json).toEqual({ received: 0, duplicate: true });
    await expectOnly(m.id, ['hard_bounce']);
    expect((await contactOf(m.contact.id))?.status).toBe('bounced');
  });
});

describe('Amazon SES over SNS', () => {
  const origin = inject('snsOrigin');
  const certUrl = `${origin}/SimpleNotificationService-test.pem`;
  const privateKey = (hash: 'SHA-1' | 'SHA-256') => {
    const pem = inject('snsPrivateKey').replace(/-----[^-]+-----|\s+/g, '');
    return crypto.subtle.importKey('pkcs8', Uint8Array.from(atob(pem), (c) => c.charCodeAt(0)), { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
  };
  /** An SNS message signed the way AWS documents it: "Key\nValue\n" for the type's fields in byte order. */
  async function snsMessage(fields: Record<string, string>, opts: { version?: '1' | '2'; certUrl?: string } = {}) {
    const version = opts.version ?? '2';
    const message: Record<string, string> = { MessageId: crypto.randomUUID(), TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-events', Timestamp: new Date().toISOString(), ...fields };
    const keys = message.Type === 'Notification' ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
    const text = keys.filter((k) => message[k] !== undefined).map((k) => `${k}\n${message[k]}\n`).join('');
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', await privateKey(version === '1' ? 'SHA-1' : 'SHA-256'), new TextEncoder().encode(text));
    return JSON.stringify({ ...message, SignatureVersion: version, Signature: toBase64(new Uint8Array(signature)), SigningCertURL: opts.certUrl ?? certUrl });
  }

  it('confirms a subscription at an SNS URL only, after verifying it', async () => {
    const { s } = await workspace();
    const t = await addTransport(s, { kind: 'ses', settings: { region: 'eu-west-1' }, credentials: { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } });
    const path = `/confirm/${t.id}`;
    const confirmation = (subscribeUrl: string) => snsMessage({ Type: 'SubscriptionConfirmation', Token: 'tok', Message: 'You have chosen to subscribe…', SubscribeURL: subscribeUrl });
    expectProblem(await hook(t.webhook_url, await confirmation('https://evil.example.com/confirm'), { 'content-type': 'text/plain; charset=UTF-8' }), 401, 'invalid-signature');
    expect((await hook(t.webhook_url, await confirmation(`${origin}${path}`), { 'content-type': 'text/plain; charset=UTF-8' })).status).toBe(200);
    expect(await (await fetch(`${origin}/confirmations?path=${path}`)).json()).toBe(1);
  });

  it('verifies signature versions 1 and 2 against the SNS certificate; refuses a certificate elsewhere; both SES formats', async () => {
    const { s, campaignId } = await workspace();
    const t = await addTransport(s, { kind: 'ses', settings: { region: 'eu-west-1' }, credentials: { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } });
    const sesId = `0102018${Date.now()}-5f1b5d0e-2c52-4c8f-9e6d-4b3f1e2a7c11-000000`;
    const m = await sentMessage(s, campaignId, sesId);
    const mail = { timestamp: new Date().toISOString(), source: 'news@example.com', messageId: sesId, destination: [m.contact.email] };
    // The identity notification format (notificationType), signature version 1 (SHA1withRSA).
    const delivery = JSON.stringify({ notificationType: 'Delivery', mail, delivery: { timestamp: new Date().toISOString(), processingTimeMillis: 546, recipients: [m.contact.email], smtpResponse: '250 ok dirdel', reportingMTA: 'a8-70.smtp-out.amazonses.com' } });
    // The event-publishing format (eventType), signature version 2.
    const bounce = JSON.stringify({
      eventType: 'Bounce',
      mail: { ...mail, tags: { edgepost_message_id: [m.id], 'ses:configuration-set': ['edgepost'] } },
      bounce: { bounceType: 'Permanent', bounceSubType: 'General', timestamp: new Date().toISOString(), feedbackId: '0102017a-feedback', bouncedRecipients: [{ emailAddress: m.contact.email, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] },
    });
    const elsewhere = await snsMessage({ Type: 'Notification', Message: bounce }, { certUrl: 'https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-x.pem' });
    expectProblem(await hook(t.webhook_url, elsewhere), 401, 'invalid-signature');
    const tampered = JSON.parse(await snsMessage({ Type: 'Notification', Message: bounce }));
    expectProblem(await hook(t.webhook_url, JSON.stringify({ ...tampered, Message: delivery })), 401, 'invalid-signature');

    expect((await hook(t.webhook_url, await snsMessage({ Type: 'Notification', Message: delivery }, { version: '1' }))).json).toEqual({ received: 1, duplicate: false });
    const signedBounce = await snsMessage({ Type: 'Notification', Message: bounce });
    expect((await hook(t.webhook_url, signedBounce)).status).toBe(200);
    expect((await hook(t.webhook_url, signedBounce)).status).toBe(200);
    await expectOnly(m.id, ['delivered', 'hard_bounce']);
    expect((await contactOf(m.contact.id))?.status).toBe('bounced');
    expect((await call('/v1/sending/status', { token: s.token })).json.reputation.bounced).toBe(1);
  });
});
