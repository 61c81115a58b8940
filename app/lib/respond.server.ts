import { data, redirect } from '@remix-run/cloudflare';
import { ApiProblem } from './problem';
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

/**
 * A file the API generated (CSV, JSON), passed on as a download with this request's cookies.
 * An API problem becomes a plain answer with its status: a resource route has no page to show.
 */
export async function fileReply(args: RequestArgs, download: () => Promise<Response>, fallbackName: string) {
  let file: Response;
  try {
    file = await download();
  } catch (error) {
    if (error instanceof ApiProblem) return new Response(error.detail || error.title, { status: error.status, headers: pendingCookieHeaders(args) });
    throw error;
  }
  const headers = pendingCookieHeaders(args);
  headers.set('content-type', file.headers.get('content-type') ?? 'application/octet-stream');
  headers.set('content-disposition', file.headers.get('content-disposition') ?? `attachment; filename="${fallbackName.replace(/[^\w.-]/g, '_')}"`);
  headers.set('cache-control', 'private, no-store');
  return new Response(file.body, { status: 200, headers });
}
