import { z } from '@hono/zod-openapi';
import { deliveryReport, type DeliveryReport } from '../domain/delivery-events';
import { timingSafeEqual } from '../lib/crypto';
import { MESSAGE_ID_KEY } from '../transports/provider-http';
import { parseBody, type HookRequest, type HookResult, type HookTransport } from './hook-request';
import { invalidSignature, requireSecret, timeOf } from './signatures';

const Record_ = z
  .object({
    RecordType: z.string(),
    Type: z.string().optional(),
    ID: z.union([z.number(), z.string()]).optional(),
    MessageID: z.string().optional(),
    Email: z.string().optional(),
    Recipient: z.string().optional(),
    Description: z.string().optional(),
    Details: z.string().optional(),
    BouncedAt: z.string().optional(),
    DeliveredAt: z.string().optional(),
    Metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
type PostmarkRecord = z.infer<typeof Record_>;

/** Postmark bounce types by what they mean for the address; the others (auto-responders, challenges, address changes…) are not bounces. */
const BOUNCE_TYPES: Record<string, DeliveryReport['type']> = {
  HardBounce: 'hard_bounce',
  BadEmailAddress: 'hard_bounce',
  ManuallyDeactivated: 'hard_bounce',
  SoftBounce: 'soft_bounce',
  DnsError: 'soft_bounce',
  Blocked: 'soft_bounce',
  Transient: 'deferred',
  SpamComplaint: 'complaint',
};

/**
 * Postmark signs nothing: its webhooks carry HTTP Basic credentials in the URL, and these must be the
 * transport's `webhook_username` and `webhook_password`. Records: Bounce (by Type), SpamComplaint,
 * Delivery.
 */
export async function postmarkHook(req: HookRequest, transport: HookTransport): Promise<HookResult> {
  const user = requireSecret(transport.credentials, 'webhook_username', 'Postmark');
  const password = requireSecret(transport.credentials, 'webhook_password', 'Postmark');
  const given = basicCredentials(req.headers.get('authorization'));
  // Both compared whatever the first says, so the time taken tells nothing.
  const userOk = timingSafeEqual(given?.user ?? '', user);
  const passwordOk = timingSafeEqual(given?.password ?? '', password);
  if (!given || !userOk || !passwordOk) throw invalidSignature('The Basic credentials are not this transport’s webhook_username and webhook_password.');
  const record = parseBody(Record_, req.text);
  const report = reportOf(record, transport.tenantId);
  return { reports: report ? [report] : [] };
}

function basicCredentials(header: string | null): { user: string; password: string } | null {
  const m = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!m) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function typeOf(r: PostmarkRecord): DeliveryReport['type'] | null {
  if (r.RecordType === 'Delivery') return 'delivered';
  if (r.RecordType === 'SpamComplaint') return 'complaint';
  if (r.RecordType === 'Bounce') return BOUNCE_TYPES[r.Type ?? ''] ?? null;
  return null;
}

function reportOf(r: PostmarkRecord, tenantId: string): DeliveryReport | null {
  const type = typeOf(r);
  if (!type) return null;
  const ours = r.Metadata?.[MESSAGE_ID_KEY];
  return deliveryReport({
    source: 'postmark',
    tenantId,
    type,
    at: timeOf(r.BouncedAt ?? r.DeliveredAt),
    messageId: typeof ours === 'string' ? ours : null,
    providerMessageIds: r.MessageID ? [r.MessageID] : [],
    recipient: r.Email ?? r.Recipient ?? null,
    code: type === 'delivered' ? null : (r.Type ?? null),
    reason: r.Description ?? r.Details ?? null,
    providerEventId: r.ID !== undefined ? `${r.RecordType}:${r.ID}` : null,
  });
}
