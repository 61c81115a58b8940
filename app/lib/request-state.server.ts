import type { AppLoadContext } from '@remix-run/cloudflare';
import type { AuthTokens } from './auth-session.server';

export interface RequestArgs {
  request: Request;
  context: AppLoadContext;
}

/**
 * What one dashboard request knows about itself, shared by every loader and action it runs.
 * With single fetch all loaders of a navigation run in one request and receive the same
 * `context` object, so keying on it lets parallel loaders share one token refresh (a rotating
 * refresh token can be spent only once) and one set of outgoing cookies.
 */
export interface RequestState {
  /** Sent to the API as X-Request-Id so its logs line up with this page view. */
  requestId: string;
  /** The tokens as they stand in this request: first read from the cookie, replaced on refresh. */
  tokens?: Promise<AuthTokens | null>;
  /** The one refresh this request may make; every caller that meets a 401 awaits it. */
  refresh?: Promise<AuthTokens | null>;
  /** Set-Cookie values by cookie name, so the latest write of a cookie wins. */
  cookies: Map<string, string>;
}

const states = new WeakMap<AppLoadContext, RequestState>();

export function requestState({ request, context }: RequestArgs): RequestState {
  let state = states.get(context);
  if (!state) {
    state = { requestId: incomingRequestId(request), cookies: new Map() };
    states.set(context, state);
  }
  return state;
}

const REQUEST_ID = /^[\w-]{8,64}$/;

function incomingRequestId(request: Request): string {
  const given = request.headers.get('x-request-id') ?? request.headers.get('cf-ray');
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** The Set-Cookie headers every response of this request must carry. */
export function pendingCookieHeaders(args: RequestArgs): Headers {
  const headers = new Headers();
  for (const value of requestState(args).cookies.values()) headers.append('Set-Cookie', value);
  return headers;
}
