import { formatPhrase } from './mime';

/**
 * The bulk-mail headers mailbox providers look for: one-click unsubscribe (RFC 8058 over RFC 2369),
 * a list identity (RFC 2919) and Google's feedback-loop identifier.
 */
export interface ListHeaderInput {
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  campaignId?: string;
  unsubscribeUrl: string;
  unsubscribeToken: string;
  platformDomain: string;
}

/** Recognizable in Feedback-ID reports as Edgepost's traffic; the FBL wants one constant sender id. */
const SENDER_ID = 'edgepost';

/**
 * The mailto fallback carries the token in the subject, not the address: a local part may be at most
 * 64 octets (RFC 5321 §4.5.3.1.1) and a token is longer. Mail clients send the subject given in the URI.
 */
export const unsubscribeMailbox = (platformDomain: string) => `unsubscribe@${platformDomain}`;
const MAILTO_SUBJECT_PREFIX = 'unsubscribe ';

/** The token of an unsubscribe request mailed to `unsubscribeMailbox` (for the inbound email handler), or null. */
export function unsubscribeTokenFromSubject(subject: string): string | null {
  const m = subject.trim().match(/(?:^|\s)unsubscribe\s+([A-Za-z0-9_-]+\.[\w-]+\.[A-Za-z0-9_-]+)\s*$/i);
  return m ? m[1]! : null;
}

export function listHeaders(input: ListHeaderInput): [name: string, value: string][] {
  const mailto = `mailto:${unsubscribeMailbox(input.platformDomain)}?subject=${encodeURIComponent(MAILTO_SUBJECT_PREFIX + input.unsubscribeToken)}`;
  const label = input.tenantSlug.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'list';
  return [
    ['List-Unsubscribe', `<${input.unsubscribeUrl}>, <${mailto}>`],
    // RFC 8058 §3.1: with this header the receiver may unsubscribe with a single POST, no page shown.
    ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    ['List-Id', [formatPhrase(input.tenantName), `<${label}.list-id.${input.platformDomain}>`].filter(Boolean).join(' ')],
    // Google's format is `a:b:c:SenderId`: campaign, customer and mail type aggregate complaint rates.
    ['Feedback-ID', `${input.campaignId ?? 'none'}:${input.tenantId}:${input.campaignId ? 'campaign' : 'transactional'}:${SENDER_ID}`],
  ];
}
