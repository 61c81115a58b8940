import { signToken, verifyToken } from '../lib/signed-tokens';

/**
 * The tokens in every tracked URL (`/t/<kind>/<token>`), shared by the message builder and the
 * tracking endpoints. They use the signed-token format of lib/signed-tokens (HMAC-SHA256, key id
 * for rotation) so an endpoint answers from the token alone, with no database read. The kind is
 * inside the signed payload, not just in the path: an open pixel's token must never work as an
 * unsubscribe token, and only a click token carries a redirect target.
 */
/** o = open pixel, c = click, u = unsubscribe, p = preference center, v = view online. */
export type TrackingKind = 'o' | 'c' | 'u' | 'p' | 'v';

export interface TrackedRecipient {
  tenantId: string;
  messageId: string;
  /** Empty for transactional mail to an address that is not a contact: its events stamp the message only. */
  contactId: string;
  campaignId?: string;
}

export type TrackingPayload =
  | (TrackedRecipient & { kind: 'c'; url: string; linkIndex: number })
  | (TrackedRecipient & { kind: Exclude<TrackingKind, 'c'> });

export type PayloadOf<K extends TrackingKind> = K extends 'c' ? Extract<TrackingPayload, { kind: 'c' }> : TrackedRecipient & { kind: K };

/** On the wire: one-letter keys, because the token is repeated in every link of every message. */
interface Compact {
  k: TrackingKind;
  t: string;
  m: string;
  r?: string;
  g?: string;
  u?: string;
  i?: number;
}

function compact(p: TrackingPayload): Compact {
  const c: Compact = { k: p.kind, t: p.tenantId, m: p.messageId };
  if (p.contactId) c.r = p.contactId;
  if (p.campaignId) c.g = p.campaignId;
  if (p.kind === 'c') {
    c.i = p.linkIndex;
    c.u = p.url;
  }
  return c;
}

/** Only http(s) targets are ever signed or followed: a `javascript:` or `data:` URL is never a redirect. */
export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

export async function signTrackingToken(keySpec: string, payload: TrackingPayload): Promise<string> {
  if (payload.kind === 'c' && !isHttpUrl(payload.url)) throw new Error('a click token needs an http(s) target');
  return signToken(keySpec, compact(payload));
}

export async function trackingUrl(baseUrl: string, keySpec: string, payload: TrackingPayload): Promise<string> {
  return `${trackingPrefix(baseUrl)}${payload.kind}/${await signTrackingToken(keySpec, payload)}`;
}

/** Every Edgepost tracking URL starts with this: links under it are already signed and never rewritten. */
export const trackingPrefix = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/t/`;

/**
 * The payload of a valid token of the expected kind, or null for anything tampered, signed with an
 * unknown key, of another kind, or malformed.
 */
export async function verifyTrackingToken<K extends TrackingKind>(keySpec: string, token: string, expectedKind: K): Promise<PayloadOf<K> | null> {
  const c = await verifyToken<Compact>(keySpec, token);
  if (!c || typeof c !== 'object' || c.k !== expectedKind) return null;
  if (!isId(c.t) || !isId(c.m) || (c.r !== undefined && !isId(c.r)) || (c.g !== undefined && !isId(c.g))) return null;
  const recipient: TrackedRecipient = { tenantId: c.t, messageId: c.m, contactId: c.r ?? '', ...(c.g ? { campaignId: c.g } : {}) };
  if (c.k !== 'c') return { ...recipient, kind: c.k } as PayloadOf<K>;
  if (typeof c.u !== 'string' || !isHttpUrl(c.u) || !Number.isInteger(c.i) || c.i! < 0) return null;
  return { ...recipient, kind: 'c', url: c.u, linkIndex: c.i! } as PayloadOf<K>;
}
