import type { Brand, PostalAddress } from '../db/schema';
import { Problem } from '../lib/problem';

/**
 * The compliance footer every message carries: the sender's name and postal address (CAN-SPAM
 * §7704(a)(5) requires a valid physical postal address), an unsubscribe link, the preference
 * center and optionally "view in your browser". A template that already shows its own unsubscribe
 * link (`{{ unsubscribe_url }}`) keeps it, and the footer then adds everything but that link.
 */
export interface FooterInput {
  tenantName: string;
  postalAddress: PostalAddress | null | undefined;
  brand?: Brand | null;
  unsubscribeUrl: string;
  preferencesUrl: string;
  viewOnlineUrl?: string;
}

export interface FooterOptions {
  /** False when the content already links to the unsubscribe URL. */
  withUnsubscribe: boolean;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const LINK_COLOR = '#4b5563';

const filled = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** The address as printed lines (street, optional second line, "city region postcode", country), whatever is filled in. */
export function postalAddressLines(address: PostalAddress): string[] {
  const cityLine = [address.city, address.region, address.postal_code].filter(filled).map((v) => v.trim()).join(' ');
  return [address.line1, address.line2, cityLine, address.country].filter(filled).map((v) => v.trim());
}

/** The address on one line; a Problem (422) when it is missing or incomplete, because nothing may be sent without it. */
export function formatPostalAddress(address: PostalAddress | null | undefined): string {
  if (!address || !filled(address.line1) || !filled(address.city) || !filled(address.postal_code) || !filled(address.country)) {
    throw new Problem('unprocessable', 'A postal address is required before sending: add it under Settings → Company.', {
      extensions: { code: 'postal_address_required' },
    });
  }
  return postalAddressLines(address).join(', ');
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function links(input: FooterInput, opts: FooterOptions): { label: string; url: string }[] {
  return [
    ...(opts.withUnsubscribe ? [{ label: 'Unsubscribe', url: input.unsubscribeUrl }] : []),
    { label: 'Update your preferences', url: input.preferencesUrl },
    ...(input.viewOnlineUrl ? [{ label: 'View in your browser', url: input.viewOnlineUrl }] : []),
  ];
}

export function footerHtml(input: FooterInput, opts: FooterOptions): string {
  const address = formatPostalAddress(input.postalAddress);
  // The colour lands inside a style attribute, where HTML escaping does not help: only a plain hex colour gets in.
  const color = input.brand?.primary_color && HEX_COLOR.test(input.brand.primary_color) ? input.brand.primary_color : LINK_COLOR;
  const p = (content: string, last = false) => `<p style="margin:0${last ? '' : ' 0 8px'};font-size:12px;line-height:18px">${content}</p>`;
  const anchors = links(input, opts)
    .map(({ label, url }) => `<a href="${escapeHtml(url)}" style="color:${color};text-decoration:underline">${label}</a>`)
    .join(' &middot; ');
  const footerText = input.brand?.footer_text?.trim();
  return (
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>' +
    '<td style="padding:24px 16px;font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:18px;color:#6b7280;text-align:center">' +
    (footerText ? p(escapeHtml(footerText).replace(/\r?\n/g, '<br>')) : '') +
    p(`${escapeHtml(input.tenantName)} &middot; ${escapeHtml(address)}`) +
    p(anchors, true) +
    '</td></tr></table>'
  );
}

export function footerText(input: FooterInput, opts: FooterOptions): string {
  const address = formatPostalAddress(input.postalAddress);
  const footerText = input.brand?.footer_text?.trim();
  return [
    '-- ',
    ...(footerText ? [footerText] : []),
    `${input.tenantName}, ${address}`,
    ...links(input, opts).map(({ label, url }) => `${label}: ${url}`),
  ].join('\n');
}
