import { z } from '@hono/zod-openapi';
import { deliveryReport, type DeliveryReport } from '../domain/delivery-events';
import { fromBase64, utf8 } from '../lib/encoding';
import { MESSAGE_ID_KEY } from '../transports/provider-http';
import { parseBody, type HookRequest, type HookResult, type HookTransport } from './hook-request';
import { assertFreshTimestamp, invalidSignature, requireSecret, timeOf } from './signatures';

const Event = z
  .object({
    event: z.string(),
    email: z.string().optional(),
    timestamp: z.number().optional(),
    sg_event_id: z.string().optional(),
    sg_message_id: z.string().optional(),
    type: z.string().optional(),
    reason: z.string().optional(),
    status: z.string().optional(),
    response: z.string().optional(),
    [MESSAGE_ID_KEY]: z.string().optional(),
  })
  .passthrough();
type Event = z.infer<typeof Event>;

/**
 * SendGrid's Signed Event Webhook: an ECDSA P-256 / SHA-256 signature (base64 DER) over the
 * timestamp header followed by the raw body, checked with the verification key from SendGrid's mail
 * settings (base64 SubjectPublicKeyInfo). Events: delivered, bounce (`type` bounce: hard; blocked:
 * soft), dropped (SendGrid will not send to the address: hard), spamreport, deferred.
 */
export async function sendgridHook(req: HookRequest, transport: HookTransport): Promise<HookResult> {
  const publicKey = requireSecret(transport.credentials, 'webhook_verification_key', 'SendGrid');
  const signature = req.headers.get('x-twilio-email-event-webhook-signature');
  const timestamp = req.headers.get('x-twilio-email-event-webhook-timestamp');
  if (!signature || !timestamp) throw invalidSignature('The X-Twilio-Email-Event-Webhook-Signature and -Timestamp headers are required.');
  if (!(await verifyEcdsa(publicKey, signature, timestamp, req.body))) throw invalidSignature('The SendGrid signature does not match the verification key.');
  assertFreshTimestamp(Number(timestamp));
  const events = parseBody(z.array(Event).max(10_000), req.text);
  return { reports: events.flatMap((e) => reportOf(e, transport.tenantId) ?? []) };
}

async function verifyEcdsa(publicKey: string, signature: string, timestamp: string, body: Uint8Array<ArrayBuffer>) {
  try {
    const spki = fromBase64(publicKey.replace(/-----[^-]+-----|\s+/g, ''));
    const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const signed = new Uint8Array(utf8(timestamp).length + body.length);
    signed.set(utf8(timestamp));
    signed.set(body, utf8(timestamp).length);
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, derToRaw(fromBase64(signature), 32), signed);
  } catch {
    return false;
  }
}

/** An ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }` as WebCrypto's fixed-width r‖s. */
export function derToRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  let at = 0;
  const expect = (tag: number) => {
    if (der[at++] !== tag) throw new Error('not a DER ECDSA signature');
    let len = der[at++]!;
    if (len & 0x80) {
      const bytes = len & 0x7f;
      len = 0;
      for (let i = 0; i < bytes; i++) len = (len << 8) | der[at++]!;
    }
    return len;
  };
  expect(0x30);
  const out = new Uint8Array(size * 2);
  for (const offset of [0, size]) {
    const len = expect(0x02);
    let int = der.subarray(at, at + len);
    at += len;
    while (int.length > size && int[0] === 0) int = int.subarray(1);
    if (int.length > size) throw new Error('integer too long');
    out.set(int, offset + size - int.length);
  }
  return out;
}

function typeOf(e: Event): DeliveryReport['type'] | null {
  switch (e.event) {
    case 'delivered':
      return 'delivered';
    case 'bounce':
      return e.type === 'blocked' ? 'soft_bounce' : 'hard_bounce';
    case 'dropped':
      return 'hard_bounce';
    case 'spamreport':
      return 'complaint';
    case 'deferred':
      return 'deferred';
    default:
      return null;
  }
}

function reportOf(e: Event, tenantId: string): DeliveryReport | null {
  const type = typeOf(e);
  if (!type) return null;
  // `sg_message_id` is the send's X-Message-Id, a dot, then SendGrid's own suffix.
  const sg = e.sg_message_id;
  return deliveryReport({
    source: 'sendgrid',
    tenantId,
    type,
    at: timeOf(e.timestamp),
    messageId: e[MESSAGE_ID_KEY] ?? null,
    providerMessageIds: sg ? [sg.split('.')[0]!, sg] : [],
    recipient: e.email ?? null,
    code: e.status ?? null,
    reason: e.reason ?? e.response ?? null,
    providerEventId: e.sg_event_id ?? null,
  });
}
