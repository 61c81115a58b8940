import { isbot } from 'isbot';

/**
 * Why a pixel or link request is machine traffic, or null for a person. Machine events are kept
 * (statistics show them) but never count as engagement: not in open and click rates, A/B winners,
 * "opened" segments or resend-to-unopened.
 */
export type MachineReason = 'bot' | 'apple_mpp' | 'head' | 'too_fast';

/**
 * Mailbox providers' image proxies fetch the pixel when the person opens the message (Gmail since
 * 2013, Yahoo): isbot lists them, but their opens are human.
 */
const MAILBOX_IMAGE_PROXY = /googleimageproxy|ggpht\.com|yahoomailproxy/i;

/**
 * Apple Mail Privacy Protection preloads every image of every message through Apple's proxies,
 * whether or not it is read, with this bare user agent.
 */
const APPLE_MPP_AGENT = 'Mozilla/5.0';

/** A scanner follows every link the moment the message arrives or is opened; a person takes longer. */
export const TOO_FAST_MS = 1000;

/** What the request itself tells (the edge decides this; "too fast" needs the delivery time, which the events consumer knows). */
export function machineReasonOf(request: { method: string; userAgent: string | null | undefined }, kind: 'open' | 'click'): MachineReason | null {
  if (request.method === 'HEAD') return 'head';
  const ua = (request.userAgent ?? '').trim();
  if (!ua) return 'bot';
  if (kind === 'open' && ua === APPLE_MPP_AGENT) return 'apple_mpp';
  if (kind === 'open' && MAILBOX_IMAGE_PROXY.test(ua)) return null;
  return isbot(ua) ? 'bot' : null;
}

/** A click that came within a second of the delivery or of the message's first open. */
export function isTooFast(clickAt: number, sentAt: number | null, openedAt: number | null): boolean {
  return [sentAt, openedAt].some((t) => t !== null && clickAt >= t && clickAt - t < TOO_FAST_MS);
}
