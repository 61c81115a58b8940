import { createCookie } from '@remix-run/cloudflare';
import { cookieOptions } from './cookie-options.server';
import { dashboardEnv } from './env.server';
import { requestState, type RequestArgs } from './request-state.server';

/**
 * Between the password and the second factor of a sign-in, the API's short-lived `mfa_token`
 * waits here: in a signed, httpOnly cookie, never in the page. It lives as long as the token
 * itself (5 minutes) and is dropped once the sign-in completes or is abandoned.
 */
const MFA_COOKIE = 'ep_mfa';
const MFA_MAX_AGE = 5 * 60;

function mfaCookie({ request, context }: RequestArgs) {
  return createCookie(MFA_COOKIE, { maxAge: MFA_MAX_AGE, ...cookieOptions(dashboardEnv(context), request) });
}

export async function pendingMfaToken(args: RequestArgs): Promise<string | null> {
  const value: unknown = await mfaCookie(args).parse(args.request.headers.get('Cookie'));
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export async function holdMfaToken(args: RequestArgs, token: string): Promise<void> {
  requestState(args).cookies.set(MFA_COOKIE, await mfaCookie(args).serialize(token));
}

export async function dropMfaToken(args: RequestArgs): Promise<void> {
  requestState(args).cookies.set(MFA_COOKIE, await mfaCookie(args).serialize('', { maxAge: 0, expires: new Date(0) }));
}
