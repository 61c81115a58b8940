import { z } from '@hono/zod-openapi';
import { importX509 } from 'jose';
import { deliveryReport, type DeliveryReport } from '../domain/delivery-events';
import { config, type Env } from '../env';
import { fromBase64, utf8 } from '../lib/encoding';
import { log } from '../lib/log';
import { MESSAGE_ID_KEY } from '../transports/provider-http';
import { parseBody, type HookRequest, type HookResult, type HookTransport } from './hook-request';
import { invalidSignature, timeOf } from './signatures';

const Envelope = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string(),
  SigningCertURL: z.string(),
  Subject: z.string().optional(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
type Envelope = z.infer<typeof Envelope>;

/** The fields each message type signs, in this order (AWS SNS, "Verifying the signatures of Amazon SNS messages"). */
const SIGNED_FIELDS: Record<Envelope['Type'], (keyof Envelope)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

const SNS_HOST = /^sns\.[a-z]{2}(-[a-z]+)+-\d{1,2}\.amazonaws\.com$/;

/**
 * An AWS SNS URL (signing certificate, subscription confirmation): https on `sns.<region>.amazonaws.com`.
 * Outside production, SNS_TEST_ORIGIN names one more origin (the tests' certificate server on loopback).
 */
export function isSnsUrl(env: Pick<Env, 'SNS_TEST_ORIGIN'>, appEnv: string, value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:' && SNS_HOST.test(url.hostname) && !url.port && !url.username) return true;
  return appEnv !== 'production' && !!env.SNS_TEST_ORIGIN && url.origin === new URL(env.SNS_TEST_ORIGIN).origin;
}

/** Signing certificates by URL (SPKI bytes): AWS rotates them rarely, and a cold fetch per message would be wasteful. */
const certificates = new Map<string, { spki: Promise<ArrayBuffer>; until: number }>();
const CERT_TTL_MS = 6 * 3_600_000;
const MAX_CACHED_CERTS = 20;

function certificateKey(url: string, now = Date.now()): Promise<ArrayBuffer> {
  const hit = certificates.get(url);
  if (hit && hit.until > now) return hit.spki;
  if (certificates.size >= MAX_CACHED_CERTS) certificates.clear();
  const spki = (async () => {
    // Redirects are not followed (a 3xx is not ok): the certificate must come from the checked host.
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`the certificate URL answered ${res.status}`);
    const pem = new TextDecoder().decode(await res.arrayBuffer());
    // jose reads the SubjectPublicKeyInfo out of the X.509 certificate; WebCrypto then verifies with the hash the version names.
    return crypto.subtle.exportKey('spki', await importX509(pem, 'RS256', { extractable: true }));
  })();
  certificates.set(url, { spki, until: now + CERT_TTL_MS });
  spki.catch(() => certificates.delete(url));
  return spki;
}

async function verifySignature(env: Env, m: Envelope) {
  const appEnv = config(env).APP_ENV;
  if (!isSnsUrl(env, appEnv, m.SigningCertURL) || !new URL(m.SigningCertURL).pathname.endsWith('.pem')) {
    throw invalidSignature('SigningCertURL must be an https .pem URL on sns.<region>.amazonaws.com.');
  }
  const text = SIGNED_FIELDS[m.Type].flatMap((field) => (m[field] === undefined ? [] : [`${field}\n${m[field]}\n`])).join('');
  let ok = false;
  try {
    const hash = m.SignatureVersion === '1' ? 'SHA-1' : 'SHA-256';
    const key = await crypto.subtle.importKey('spki', await certificateKey(m.SigningCertURL), { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, fromBase64(m.Signature), utf8(text));
  } catch (err) {
    // An unreachable or unreadable certificate proves nothing either; SNS retries later.
    log('warn', 'sns_certificate_unusable', { error: String(err) });
    ok = false;
  }
  if (!ok) throw invalidSignature('The SNS signature does not verify against the signing certificate.');
}

/**
 * Amazon SES through SNS. The SNS envelope's signature (versions 1 and 2) is checked against the
 * certificate at SigningCertURL, which must be on an SNS host; when the transport names its topic
 * (`settings.sns_topic_arn`) other topics are refused. A SubscriptionConfirmation is confirmed only
 * after that, and only at an SNS URL. Notifications carry SES's Bounce, Complaint, Delivery and
 * DeliveryDelay, in the notification format (`notificationType`) or the event-publishing one (`eventType`).
 */
export async function sesHook(env: Env, req: HookRequest, transport: HookTransport): Promise<HookResult> {
  const envelope = parseBody(Envelope, req.text);
  await verifySignature(env, envelope);
  const topic = transport.settings.sns_topic_arn;
  if (typeof topic === 'string' && topic !== envelope.TopicArn) throw invalidSignature(`This transport accepts notifications from ${topic} only.`);
  if (envelope.Type === 'SubscriptionConfirmation') {
    if (!envelope.SubscribeURL || !isSnsUrl(env, config(env).APP_ENV, envelope.SubscribeURL)) throw invalidSignature('SubscribeURL must be an https URL on sns.<region>.amazonaws.com.');
    return { reports: [], confirmUrl: envelope.SubscribeURL };
  }
  if (envelope.Type === 'UnsubscribeConfirmation') return { reports: [] };
  return { reports: reportsOf(parseBody(SesEvent, envelope.Message), transport.tenantId) };
}

const Recipients = z.array(z.object({ emailAddress: z.string(), status: z.string().optional(), diagnosticCode: z.string().optional() }).passthrough());
const SesEvent = z
  .object({
    notificationType: z.string().optional(),
    eventType: z.string().optional(),
    mail: z.object({ messageId: z.string(), tags: z.record(z.string(), z.array(z.string())).optional() }).passthrough(),
    bounce: z.object({ bounceType: z.string(), bounceSubType: z.string().optional(), timestamp: z.string().optional(), feedbackId: z.string().optional(), bouncedRecipients: Recipients.default([]) }).passthrough().optional(),
    complaint: z.object({ timestamp: z.string().optional(), feedbackId: z.string().optional(), complaintFeedbackType: z.string().optional(), complainedRecipients: Recipients.default([]) }).passthrough().optional(),
    delivery: z.object({ timestamp: z.string().optional(), recipients: z.array(z.string()).default([]), smtpResponse: z.string().optional() }).passthrough().optional(),
    deliveryDelay: z.object({ timestamp: z.string().optional(), delayType: z.string().optional(), delayedRecipients: Recipients.default([]) }).passthrough().optional(),
  })
  .passthrough();
type SesEvent = z.infer<typeof SesEvent>;

function reportsOf(e: SesEvent, tenantId: string): DeliveryReport[] {
  const base = { source: 'ses' as const, tenantId, messageId: e.mail.tags?.[MESSAGE_ID_KEY]?.[0] ?? null, providerMessageIds: [e.mail.messageId] };
  switch (e.eventType ?? e.notificationType) {
    case 'Bounce': {
      const b = e.bounce;
      if (!b) return [];
      // Transient and Undetermined: SES gave up for now, the address may work later.
      const type = b.bounceType === 'Permanent' ? 'hard_bounce' : 'soft_bounce';
      return b.bouncedRecipients.map((r) =>
        deliveryReport({ ...base, type, at: timeOf(b.timestamp), recipient: r.emailAddress, code: r.status ?? null, reason: r.diagnosticCode ?? `${b.bounceType}/${b.bounceSubType ?? ''}`, providerEventId: b.feedbackId ?? null }),
      );
    }
    case 'Complaint': {
      const c = e.complaint;
      if (!c) return [];
      return c.complainedRecipients.map((r) => deliveryReport({ ...base, type: 'complaint', at: timeOf(c.timestamp), recipient: r.emailAddress, code: c.complaintFeedbackType ?? null, providerEventId: c.feedbackId ?? null }));
    }
    case 'Delivery': {
      const d = e.delivery;
      if (!d) return [];
      return d.recipients.map((address) => deliveryReport({ ...base, type: 'delivered', at: timeOf(d.timestamp), recipient: address, reason: d.smtpResponse ?? null }));
    }
    case 'DeliveryDelay': {
      const d = e.deliveryDelay;
      if (!d) return [];
      return d.delayedRecipients.map((r) => deliveryReport({ ...base, type: 'deferred', at: timeOf(d.timestamp), recipient: r.emailAddress, code: d.delayType ?? null, reason: r.diagnosticCode ?? null }));
    }
    default:
      return [];
  }
}
