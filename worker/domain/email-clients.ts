/**
 * Which mail client and device opened or clicked, from the request's user agent — the "clients and
 * devices" of a campaign report. Mailbox image proxies hide both (Gmail, Yahoo): the client is the
 * provider, the device unknown. Web browsers are webmail or a click from any client: "Browser".
 */
export const EMAIL_CLIENTS = ['Apple Mail', 'Gmail', 'Outlook', 'Yahoo Mail', 'Thunderbird', 'Samsung Email', 'Browser', 'Other'] as const;
export type EmailClient = (typeof EMAIL_CLIENTS)[number];
export const DEVICES = ['desktop', 'mobile', 'tablet', 'unknown'] as const;
export type Device = (typeof DEVICES)[number];

const CLIENTS: [EmailClient, RegExp][] = [
  ['Gmail', /googleimageproxy|ggpht\.com/i],
  ['Yahoo Mail', /yahoomailproxy/i],
  ['Outlook', /microsoft outlook|ms-office|\boutlook-(ios|android)|outlook\/|microsoft office/i],
  ['Thunderbird', /thunderbird\//i],
  ['Samsung Email', /samsung ?email|com\.samsung\.android\.email/i],
  // Apple Mail is WebKit without a browser's name (Safari, Chrome, Firefox, Edge all add theirs).
  ['Apple Mail', /^(?=.*applewebkit)(?!.*(safari|chrome|crios|fxios|edg|firefox))/i],
  ['Browser', /chrome|safari|firefox|edg\/|opera|crios|fxios/i],
];

export function emailClientOf(userAgent: string | null | undefined): { client: EmailClient; device: Device } {
  const ua = userAgent ?? '';
  const client = CLIENTS.find(([, re]) => re.test(ua))?.[0] ?? 'Other';
  if (client === 'Gmail' || client === 'Yahoo Mail') return { client, device: 'unknown' };
  const device: Device = /ipad|tablet|(android(?!.*mobile))/i.test(ua)
    ? 'tablet'
    : /iphone|ipod|mobile|android/i.test(ua)
      ? 'mobile'
      : /windows|macintosh|mac os x|x11|linux|cros/i.test(ua)
        ? 'desktop'
        : 'unknown';
  return { client, device };
}
