import { z } from '@hono/zod-openapi';
import { deliveryReport, type DeliveryReport } from '../domain/delivery-events';
import { hmacSha256, timingSafeEqual } from '../lib/crypto';
import { toHex } from '../lib/encoding';
import { MESSAGE_ID_KEY } from '../transports/provider-http';
import { parseBody, type HookRequest, type HookResult, type HookTransport } from './hook-request';
import { TIMESTAMP_TOLERANCE_SECONDS, assertFreshTimestamp, invalidSignature, requireSecret, timeOf } from './signatures';

const Payload = z.object({
  signature: z.object({ timestamp: z.string().regex(/^\d{1,12}$/), token: z.string().min(1).max(200), signature: z.string().regex(/^[0-9a-f]{64}$/i) }),
  'event-data': z
    .object({
      event: z.string(),
      id: z.string().optional(),
      timestamp: z.number().optional(),
      recipient: z.string().optional(),
      severity: z.string().optional(),
      reason: z.string().optional(),
      'delivery-status': z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional(), description: z.string().optional() }).partial().optional(),
      message: z.object({ headers: z.object({ 'message-id': z.string().optional() }).partial().optional() }).partial().optional(),
      'user-variables': z.record(z.string(), z.unknown()).optional(),
    })
    .passthrough(),
});
type EventData = z.infer<typeof Payload>['event-data'];

/**
 * Mailgun's webhooks: `signature.signature` is the hex HMAC-SHA256 of `timestamp + token` under the
 * webhook signing key; the timestamp must be recent and the token unused (Mailgun's advice against
 * replays). Events: delivered, failed (permanent: hard, except `old` — retries ran out, a soft
 * bounce; temporary: Mailgun keeps trying, deferred) and complained.
 */
export async function mailgunHook(req: HookRequest, transport: HookTransport): Promise<HookResult> {
  const key = requireSecret(transport.credentials, 'webhook_signing_key', 'Mailgun');
  const body = parseBody(Payload, req.text);
  const { timestamp, token, signature } = body.signature;
  const expected = toHex(await hmacSha256(key, timestamp + token));
  if (!timingSafeEqual(expected, signature.toLowerCase())) throw invalidSignature('The Mailgun signature does not match the webhook signing key.');
  assertFreshTimestamp(Number(timestamp));
  const report = reportOf(body['event-data'], transport.tenantId);
  return {
    reports: report ? [report] : [],
    nonce: { value: token, expiresAt: (Number(timestamp) + TIMESTAMP_TOLERANCE_SECONDS + 60) * 1000, onReplay: 'refuse' },
  };
}

function typeOf(e: EventData): DeliveryReport['type'] | null {
  if (e.event === 'delivered') return 'delivered';
  if (e.event === 'complained') return 'complaint';
  if (e.event !== 'failed') return null;
  if (e.severity === 'temporary') return 'deferred';
  return e.reason === 'old' ? 'soft_bounce' : 'hard_bounce';
}

function reportOf(e: EventData, tenantId: string): DeliveryReport | null {
  const type = typeOf(e);
  if (!type) return null;
  const headerId = e.message?.headers?.['message-id']?.trim().replace(/^<|>$/g, '');
  const ours = e['user-variables']?.[MESSAGE_ID_KEY];
  const status = e['delivery-status'];
  return deliveryReport({
    source: 'mailgun',
    tenantId,
    type,
    at: timeOf(e.timestamp),
    messageId: typeof ours === 'string' ? ours : null,
    // The send API answers `<id@domain>`; events carry the header without brackets.
    providerMessageIds: headerId ? [`<${headerId}>`, headerId] : [],
    recipient: e.recipient ?? null,
    code: status?.code !== undefined ? String(status.code) : null,
    reason: status?.description || status?.message || e.reason || null,
    providerEventId: e.id ?? null,
  });
}
