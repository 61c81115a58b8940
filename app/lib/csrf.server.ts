import { createCookie } from '@remix-run/cloudflare';
import { cookieOptions } from './cookie-options.server';
import { CSRF_FIELD, CSRF_HEADER } from './csrf';
import { dashboardEnv } from './env.server';
import { requestState, type RequestArgs } from './request-state.server';

/**
 * CSRF defence in depth for every form POST: SameSite=Lax already keeps cross-site POSTs from
 * carrying cookies; on top, the Origin must be ours and the form must echo the per-session token
 * held in a signed, httpOnly cookie (synchronizer token).
 */
const CSRF_COOKIE = 'ep_csrf';

function csrfCookie({ request, context }: RequestArgs) {
  // No maxAge: a browser-session cookie, so the token lives exactly as long as the browser session.
  return createCookie(CSRF_COOKIE, cookieOptions(dashboardEnv(context), request));
}

async function storedToken(args: RequestArgs): Promise<string | null> {
  const value: unknown = await csrfCookie(args).parse(args.request.headers.get('Cookie'));
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The token forms must echo; issues one (and its cookie) on the first visit. */
export async function csrfToken(args: RequestArgs): Promise<string> {
  const existing = await storedToken(args);
  if (existing) return existing;
  const token = randomToken();
  requestState(args).cookies.set(CSRF_COOKIE, await csrfCookie(args).serialize(token));
  return token;
}

/** Throws 403 unless the submission is same-origin and carries the session's token. */
export function assertTrustedSubmission(args: RequestArgs, form: FormData): Promise<void> {
  return assertTrustedToken(args, form.get(CSRF_FIELD));
}

/**
 * The same check for a POST whose body the dashboard passes on unread (a file upload): the
 * page's script sends the token in a header, which a cross-site form cannot set.
 */
export function assertTrustedUpload(args: RequestArgs): Promise<void> {
  return assertTrustedToken(args, args.request.headers.get(CSRF_HEADER));
}

async function assertTrustedToken(args: RequestArgs, given: FormDataEntryValue | null): Promise<void> {
  const { request } = args;
  const origin = request.headers.get('Origin');
  const crossSite = origin ? origin !== new URL(request.url).origin : request.headers.get('Sec-Fetch-Site') === 'cross-site';
  const expected = await storedToken(args);
  if (crossSite || !expected || typeof given !== 'string' || !timingSafeEqual(given, expected)) {
    throw new Response('This form has expired or did not come from this site. Reload the page and try again.', { status: 403 });
  }
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => ({ '+': '-', '/': '_', '=': '' })[c] ?? '');
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
