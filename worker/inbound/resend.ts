import { z } from '@hono/zod-openapi';
import { Webhook } from 'standardwebhooks';
import { deliveryReport, type DeliveryReport } from '../domain/delivery-events';
import { MESSAGE_ID_KEY } from '../transports/provider-http';
import { parseBody, type HookRequest, type HookResult, type HookTransport } from './hook-request';
import { TIMESTAMP_TOLERANCE_SECONDS, invalidSignature, requireSecret, timeOf } from './signatures';

const Tags = z.union([z.record(z.string(), z.string()), z.array(z.object({ name: z.string(), value: z.string() }))]);
const Payload = z.object({
  type: z.string(),
  created_at: z.string().optional(),
  data: z
    .object({
      email_id: z.string().optional(),
      to: z.array(z.string()).optional(),
      created_at: z.string().optional(),
      bounce: z.object({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).optional(),
      tags: Tags.optional(),
    })
    .passthrough(),
});
type Payload = z.infer<typeof Payload>;

/**
 * Resend signs with Svix: `svix-id`, `svix-timestamp`, `svix-signature` over `id.timestamp.body` with
 * the endpoint's `whsec_` secret — the Standard Webhooks scheme, so the `standardwebhooks` library
 * checks it (including its 5-minute timestamp window). Svix sends a retry with the same id, so an id
 * seen before is acknowledged without queueing anything again.
 */
export async function resendHook(req: HookRequest, transport: HookTransport): Promise<HookResult> {
  const secret = requireSecret(transport.credentials, 'webhook_secret', 'Resend');
  const id = req.headers.get('svix-id');
  const timestamp = req.headers.get('svix-timestamp');
  const signature = req.headers.get('svix-signature');
  if (!id || !timestamp || !signature) throw invalidSignature('The svix-id, svix-timestamp and svix-signature headers are required.');
  try {
    new Webhook(secret).verify(req.text, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
  } catch (err) {
    // WebhookVerificationError, or a secret that is not base64: either way the request is not proven.
    throw invalidSignature(`The Svix signature is not valid: ${(err as Error).message}.`);
  }
  const payload = parseBody(Payload, req.text);
  const report = reportOf(payload, transport.tenantId, id);
  return { reports: report ? [report] : [], nonce: { value: id, expiresAt: (Number(timestamp) + TIMESTAMP_TOLERANCE_SECONDS + 60) * 1000, onReplay: 'acknowledge' } };
}

function typeOf(p: Payload): DeliveryReport['type'] | null {
  switch (p.type) {
    case 'email.delivered':
      return 'delivered';
    case 'email.bounced':
      return p.data.bounce?.type === 'Permanent' ? 'hard_bounce' : 'soft_bounce';
    case 'email.complained':
      return 'complaint';
    case 'email.delivery_delayed':
      return 'deferred';
    default:
      return null;
  }
}

function tagValue(tags: z.infer<typeof Tags> | undefined, name: string): string | null {
  if (!tags) return null;
  return Array.isArray(tags) ? (tags.find((t) => t.name === name)?.value ?? null) : (tags[name] ?? null);
}

function reportOf(p: Payload, tenantId: string, svixId: string): DeliveryReport | null {
  const type = typeOf(p);
  if (!type) return null;
  const bounce = p.data.bounce;
  return deliveryReport({
    source: 'resend',
    tenantId,
    type,
    at: timeOf(p.created_at ?? p.data.created_at),
    messageId: tagValue(p.data.tags, MESSAGE_ID_KEY),
    providerMessageIds: p.data.email_id ? [p.data.email_id] : [],
    // Resend reports per email, not per address: a message to one address names it.
    recipient: p.data.to?.length === 1 ? p.data.to[0]! : null,
    code: bounce ? [bounce.type, bounce.subType].filter(Boolean).join('/') || null : null,
    reason: bounce?.message ?? null,
    providerEventId: svixId,
  });
}
