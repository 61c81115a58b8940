import type { CookieOptions } from '@remix-run/cloudflare';
import type { DashboardEnv } from './env.server';

/**
 * Options shared by every dashboard cookie. `Secure` follows the request's scheme: production is
 * always HTTPS, while `wrangler pages dev` serves plain http on 127.0.0.1 where a Secure cookie
 * would never come back.
 */
export function cookieOptions(env: DashboardEnv, request: Request): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: new URL(request.url).protocol === 'https:',
    secrets: [env.SESSION_SECRET],
  };
}
