import { createCookieSessionStorage } from '@remix-run/cloudflare';
import { cookieOptions } from './cookie-options.server';
import { dashboardEnv } from './env.server';
import { requestState, type RequestArgs } from './request-state.server';

export interface AuthTokens {
  accessToken: string;
  refreshToken: string;
}

const SESSION_COOKIE = 'ep_session';
/** Matches the API's refresh-token lifetime; the API decides when a session really ends. */
const SESSION_MAX_AGE = 60 * 60 * 24 * 30;

function storage({ request, context }: RequestArgs) {
  return createCookieSessionStorage<AuthTokens>({
    cookie: { name: SESSION_COOKIE, maxAge: SESSION_MAX_AGE, ...cookieOptions(dashboardEnv(context), request) },
  });
}

/** The signed-in user's tokens, or null when there is no session. */
export function currentTokens(args: RequestArgs): Promise<AuthTokens | null> {
  // One read per request, shared: a caller still reading must not overwrite a refreshed pair.
  const state = requestState(args);
  state.tokens ??= storage(args)
    .getSession(args.request.headers.get('Cookie'))
    .then((session) => {
      const accessToken = session.get('accessToken');
      const refreshToken = session.get('refreshToken');
      return accessToken && refreshToken ? { accessToken, refreshToken } : null;
    });
  return state.tokens;
}

/** Remember a new token pair for the rest of this request and in the outgoing cookie. */
export async function storeTokens(args: RequestArgs, tokens: AuthTokens): Promise<void> {
  const sessions = storage(args);
  const session = await sessions.getSession();
  session.set('accessToken', tokens.accessToken);
  session.set('refreshToken', tokens.refreshToken);
  const state = requestState(args);
  state.tokens = Promise.resolve(tokens);
  state.cookies.set(SESSION_COOKIE, await sessions.commitSession(session));
}

export async function clearTokens(args: RequestArgs): Promise<void> {
  const sessions = storage(args);
  const state = requestState(args);
  state.tokens = Promise.resolve(null);
  state.cookies.set(SESSION_COOKIE, await sessions.destroySession(await sessions.getSession()));
}

/** Sign-in, sign-up and accepted invitations all answer with a token pair that starts a session. */
export function startSession(args: RequestArgs, auth: { token: string; refresh_token: string }): Promise<void> {
  return storeTokens(args, { accessToken: auth.token, refreshToken: auth.refresh_token });
}
