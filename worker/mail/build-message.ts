import type { Brand, PostalAddress } from '../db/schema';
import { signDkim, type DkimSigner } from './dkim';
import { footerHtml, footerText, type FooterInput } from './footer';
import { prepareHtml } from './link-rewriting';
import { listHeaders } from './list-headers';
import { buildMime, type Attachment, type Mailbox } from './mime';
import { signTrackingToken, trackingPrefix, trackingUrl, type TrackedRecipient } from './tracking-tokens';

/**
 * One recipient's message, from already-merged content to the signed RFC 5322 text a transport sends:
 * links rewritten to signed click URLs, the compliance footer, the open pixel, MIME, DKIM. Called once
 * per recipient by the senders, so everything per-batch (the DKIM key import above all) stays with
 * the caller.
 */
export interface BuildMessageInput {
  messageId: string;
  tenant: { id: string; name: string; slug: string; postalAddress: PostalAddress | null | undefined; brand?: Brand | null };
  contact: { id: string; email: string; name?: string | null };
  campaignId?: string;
  from: { name?: string | null; email: string };
  replyTo?: Mailbox | null;
  subject: string;
  preheader?: string | null;
  html: string;
  text: string;
  tracking: { opens: boolean; clicks: boolean };
  /** Whether the footer offers "view in your browser" (only when /t/v can render this message). */
  viewOnline?: boolean;
  /** Origin of the tracking endpoints, e.g. env.PUBLIC_API_URL. */
  baseUrl: string;
  /** TOKEN_SIGNING_KEYS. */
  signingKeys: string;
  dkim: DkimSigner | null;
  /** Hosts the List-Id namespace and the mailto unsubscribe address. */
  platformDomain: string;
  /** Caller-defined `X-` headers. */
  headers?: Record<string, string>;
  /** When the links were already made for the merge tags (`recipientLinks`), reuse them. */
  links?: RecipientLinks;
  date?: Date;
  /**
   * Transactional mail (a receipt, a password reset) is not bulk mail: no compliance footer and no
   * List-* headers, and it may go to several To and Cc mailboxes with attachments. Campaigns leave
   * this out.
   */
  transactional?: { to: Mailbox[]; cc: Mailbox[]; attachments: Attachment[] };
}

export interface BuiltMessage {
  /** The complete message, DKIM-signed when a signer was given, CRLF line endings, 7-bit. */
  raw: string;
  html: string;
  text: string;
  messageIdHeader: string;
  /** The headers an ESP API takes separately from subject, addresses and bodies. */
  headers: Record<string, string>;
}

export interface RecipientLinks {
  unsubscribeToken: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
  viewOnlineUrl: string;
}

type LinkInput = Pick<BuildMessageInput, 'messageId' | 'tenant' | 'contact' | 'campaignId' | 'baseUrl' | 'signingKeys'>;

const recipientOf = (input: LinkInput): TrackedRecipient => ({
  tenantId: input.tenant.id,
  messageId: input.messageId,
  contactId: input.contact.id,
  ...(input.campaignId ? { campaignId: input.campaignId } : {}),
});

/** The recipient's own links, which the merge tags (`{{ unsubscribe_url }}`…) and the footer both show. */
export async function recipientLinks(input: LinkInput): Promise<RecipientLinks> {
  const recipient = recipientOf(input);
  const prefix = trackingPrefix(input.baseUrl);
  const [unsubscribeToken, preferencesUrl, viewOnlineUrl] = await Promise.all([
    signTrackingToken(input.signingKeys, { ...recipient, kind: 'u' }),
    trackingUrl(input.baseUrl, input.signingKeys, { ...recipient, kind: 'p' }),
    trackingUrl(input.baseUrl, input.signingKeys, { ...recipient, kind: 'v' }),
  ]);
  return { unsubscribeToken, unsubscribeUrl: `${prefix}u/${unsubscribeToken}`, preferencesUrl, viewOnlineUrl };
}

export async function buildMessage(input: BuildMessageInput): Promise<BuiltMessage> {
  const recipient = recipientOf(input);
  const links = input.links ?? (await recipientLinks(input));
  const prefix = trackingPrefix(input.baseUrl);
  const footer: FooterInput = {
    tenantName: input.tenant.name,
    postalAddress: input.tenant.postalAddress,
    brand: input.tenant.brand,
    unsubscribeUrl: links.unsubscribeUrl,
    preferencesUrl: links.preferencesUrl,
    ...(input.viewOnline ? { viewOnlineUrl: links.viewOnlineUrl } : {}),
  };
  // A template that shows `{{ unsubscribe_url }}` itself keeps its own link; the footer adds the rest.
  const ownUnsubscribe = `${prefix}u/`;

  const bulk = !input.transactional;
  const html = await prepareHtml(input.html, {
    ownUrlPrefix: prefix,
    ...(bulk ? { footerHtml: footerHtml(footer, { withUnsubscribe: !input.html.includes(ownUnsubscribe) }) } : {}),
    ...(input.tracking.clicks
      ? { clickUrl: (url: string, linkIndex: number) => trackingUrl(input.baseUrl, input.signingKeys, { ...recipient, kind: 'c', url, linkIndex }) }
      : {}),
    ...(input.tracking.opens ? { pixelUrl: await trackingUrl(input.baseUrl, input.signingKeys, { ...recipient, kind: 'o' }) } : {}),
    ...(input.preheader ? { preheader: input.preheader } : {}),
  });
  const body = input.text.replace(/\r\n?/g, '\n').trimEnd();
  const text = bulk ? `${body}\n\n${footerText(footer, { withUnsubscribe: !input.text.includes(ownUnsubscribe) })}\n` : `${body}\n`;

  const fromDomain = input.from.email.slice(input.from.email.lastIndexOf('@') + 1).toLowerCase();
  const messageIdHeader = `<${input.messageId}@${fromDomain}>`;
  const list = bulk
    ? listHeaders({
        tenantId: input.tenant.id,
        tenantName: input.tenant.name,
        tenantSlug: input.tenant.slug,
        ...(input.campaignId ? { campaignId: input.campaignId } : {}),
        unsubscribeUrl: links.unsubscribeUrl,
        unsubscribeToken: links.unsubscribeToken,
        platformDomain: input.platformDomain,
      })
    : [];
  const date = input.date ?? new Date();
  const mime = buildMime({
    from: input.from,
    to: input.transactional?.to ?? { name: input.contact.name, email: input.contact.email },
    ...(input.transactional ? { cc: input.transactional.cc, attachments: input.transactional.attachments } : {}),
    replyTo: input.replyTo,
    subject: input.subject,
    messageId: messageIdHeader,
    date,
    headers: list,
    extraHeaders: input.headers,
    text,
    html,
  });
  const raw = input.dkim ? await signDkim(mime, input.dkim, date) : mime;
  return { raw, html, text, messageIdHeader, headers: { 'Message-ID': messageIdHeader, ...Object.fromEntries(list), ...input.headers } };
}
