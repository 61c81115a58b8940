import { data, redirect } from '@remix-run/cloudflare';
import { pendingCookieHeaders, type RequestArgs } from './request-state.server';

/**
 * Every loader and action answers through these two, so the cookies this request changed
 * (a refreshed session, a toast, a CSRF token) always reach the browser, whatever route ran.
 */
export function reply<T>(args: RequestArgs, body: T, init: { status?: number } = {}) {
  return data(body, { status: init.status ?? 200, headers: pendingCookieHeaders(args) });
}

export function redirectWith(args: RequestArgs, to: string) {
  return redirect(to, { headers: pendingCookieHeaders(args) });
}
