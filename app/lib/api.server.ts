import { redirect } from '@remix-run/cloudflare';
import { clearTokens, currentTokens, storeTokens, type AuthTokens } from './auth-session.server';
import { dashboardEnv } from './env.server';
import { ApiProblem } from './problem';
import { pendingCookieHeaders, requestState, type RequestArgs } from './request-state.server';
import { queueToast } from './toast.server';

/** The host is never resolved: the service binding routes the request to the API worker. */
const API_ORIGIN = 'https://api.internal';

type Query = Record<string, string | number | undefined | null>;

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T = void>(path: string, body?: unknown): Promise<T>;
  patch<T = void>(path: string, body: unknown): Promise<T>;
  /** Replaces a whole resource (a routing table, a tenant's overrides). */
  put<T = void>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** Passes a body the dashboard never reads (a file upload, multipart) through to the API as it streams in. */
  upload<T>(path: string, body: StreamBody): Promise<T>;
  /** The API's answer itself (a CSV or JSON file), for a resource route to hand on to the browser. */
  download(path: string, query?: Query): Promise<Response>;
}

export interface StreamBody {
  stream: ReadableStream<Uint8Array>;
  contentType: string;
  contentLength: string | null;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Body = { json: unknown } | StreamBody | undefined;
type Send = (method: Method, path: string, body: Body, query?: Query) => Promise<Response>;

const isStream = (body: Body): body is StreamBody => body !== undefined && 'stream' in body;

/** Calls that need no session: sign-in, sign-up, password reset, invitation lookup. */
export function anonymousApi(args: RequestArgs): ApiClient {
  return clientOver((method, path, body, query) => callApi(args, method, path, body, query, null));
}

/**
 * Calls as the signed-in user. A 401 triggers one refresh (shared by the whole request, since
 * refresh tokens rotate) and one retry; when that fails the user is sent to /login.
 */
export function userApi(args: RequestArgs): ApiClient {
  return clientOver(async (method, path, body, query) => {
    const tokens = await currentTokens(args);
    if (!tokens) throw await signInAgain(args, null);
    // A stream can be sent only once: renew a token about to expire before, rather than retry after.
    const early = isStream(body) && expiresWithin(tokens.accessToken, 60) ? await refreshOnce(args) : null;
    const response = await callApi(args, method, path, body, query, (early ?? tokens).accessToken);
    if (response.status !== 401 || (await isWrongCredential(response))) return response;
    const refreshed = await refreshOnce(args);
    if (!refreshed) throw await signInAgain(args, 'Your session has expired. Please sign in again.');
    // The stream is spent: the caller shows the 401 and the user tries again, now with a fresh session.
    if (isStream(body)) return response;
    return callApi(args, method, path, body, query, refreshed.accessToken);
  });
}

function clientOver(send: Send): ApiClient {
  async function call<T>(method: Method, path: string, body?: Body, query?: Query): Promise<T> {
    const response = await send(method, path, body, query);
    if (!response.ok) throw await ApiProblem.fromResponse(response);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    get: (path, query) => call('GET', path, undefined, query),
    post: (path, body) => call('POST', path, { json: body ?? {} }),
    patch: (path, body) => call('PATCH', path, { json: body }),
    put: (path, body) => call('PUT', path, { json: body }),
    delete: (path) => call('DELETE', path),
    upload: (path, body) => call('POST', path, body),
    download: async (path, query) => {
      const response = await send('GET', path, undefined, query);
      if (!response.ok) throw await ApiProblem.fromResponse(response);
      return response;
    },
  };
}

async function callApi(args: RequestArgs, method: Method, path: string, body: Body, query: Query | undefined, bearer: string | null) {
  const url = new URL(path, API_ORIGIN);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  const headers = new Headers({ accept: 'application/json', 'x-request-id': requestState(args).requestId });
  // The API rate-limits and audits by client; through the binding it would otherwise see only us.
  for (const name of ['cf-connecting-ip', 'user-agent']) {
    const value = args.request.headers.get(name);
    if (value) headers.set(name, value);
  }
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  let payload: BodyInit | undefined;
  if (isStream(body)) {
    headers.set('content-type', body.contentType);
    // The API refuses oversized uploads from the declared length before reading them.
    if (body.contentLength) headers.set('content-length', body.contentLength);
    payload = body.stream;
  } else if (body !== undefined) {
    headers.set('content-type', 'application/json');
    payload = JSON.stringify(body.json);
  }
  const request = new Request(url, { method, headers, body: payload, ...(isStream(body) ? { duplex: 'half' } : {}) });
  try {
    return await dashboardEnv(args.context).API.fetch(request);
  } catch (error) {
    // The binding throws when the API is down or restarting: show that like any API problem.
    console.error('API unreachable', method, url.pathname, error);
    return Response.json(
      { type: 'https://edgepost.dev/problems/service-unavailable', title: 'Service unavailable', detail: 'Edgepost is not reachable right now. Please try again in a moment.' },
      { status: 503, headers: { 'content-type': 'application/problem+json' } },
    );
  }
}

/**
 * A 401 for a wrong password or code (re-authentication inside a signed-in request) is the
 * answer, not an expired session: refreshing and retrying would count a second failed attempt.
 */
async function isWrongCredential(response: Response): Promise<boolean> {
  const body = (await response.clone().json().catch(() => ({}))) as { type?: unknown };
  return typeof body.type === 'string' && body.type.endsWith('/invalid-credentials');
}

function refreshOnce(args: RequestArgs): Promise<AuthTokens | null> {
  const state = requestState(args);
  state.refresh ??= (async () => {
    const tokens = await currentTokens(args);
    if (!tokens) return null;
    const response = await callApi(args, 'POST', '/v1/auth/refresh', { json: { refresh_token: tokens.refreshToken } }, undefined, null);
    if (!response.ok) return null;
    const body = (await response.json()) as { token: string; refresh_token: string };
    const next = { accessToken: body.token, refreshToken: body.refresh_token };
    await storeTokens(args, next);
    return next;
  })();
  return state.refresh;
}

/** Whether a JWT's `exp` falls within `seconds` from now (read, not verified: the API verifies). */
function expiresWithin(jwt: string, seconds: number): boolean {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now() + seconds * 1000;
  } catch {
    return true;
  }
}

/** A redirect to /login that ends the stale session and brings the user back afterwards. */
async function signInAgain(args: RequestArgs, message: string | null): Promise<Response> {
  await clearTokens(args);
  if (message) await queueToast(args, 'info', message);
  const back = pageUrl(args.request);
  const to = back === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(back)}`;
  return redirect(to, { headers: pendingCookieHeaders(args) });
}

/** The page the user was on: single-fetch data requests add `.data` and `_routes` to the URL. */
function pageUrl(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete('_routes');
  const path = url.pathname.replace(/\.data$/, '').replace(/^\/_root$/, '/');
  return path + url.search;
}
