import { config, type Env } from '../env';
import { Problem } from '../lib/problem';

/**
 * CAPTCHA on signup, password reset, login after failures and public forms. Production verifies
 * Cloudflare Turnstile tokens server-side; development and tests use a stand-in with the same
 * interface that accepts only Turnstile's documented dummy token.
 */
export const STAND_IN_PASS_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const SITEVERIFY = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

export interface CaptchaVerifier {
  provider: 'turnstile' | 'stand-in';
  siteKey: string | null;
  verify(token: string, ip: string | null): Promise<boolean>;
}

export function turnstileVerifier(siteKey: string, secret: string, fetcher: typeof fetch = fetch): CaptchaVerifier {
  return {
    provider: 'turnstile',
    siteKey,
    async verify(token, ip) {
      const form = new FormData();
      form.set('secret', secret);
      form.set('response', token);
      if (ip) form.set('remoteip', ip);
      const res = await fetcher(SITEVERIFY, { method: 'POST', body: form });
      if (!res.ok) throw new Error(`Turnstile siteverify answered ${res.status}`);
      const body = (await res.json()) as { success?: boolean };
      return body.success === true;
    },
  };
}

export const standInVerifier: CaptchaVerifier = {
  provider: 'stand-in',
  siteKey: null,
  verify: async (token) => token === STAND_IN_PASS_TOKEN,
};

export function captchaFor(env: Env): CaptchaVerifier {
  const cfg = config(env);
  return cfg.APP_ENV === 'production' ? turnstileVerifier(cfg.TURNSTILE_SITE_KEY!, cfg.TURNSTILE_SECRET_KEY!) : standInVerifier;
}

export async function assertCaptcha(env: Env, token: string | undefined, ip: string | null) {
  if (!token) {
    throw new Problem('captcha-required', 'Complete the CAPTCHA to continue.', { extensions: { errors: [{ field: 'captcha_token', message: 'is required' }] } });
  }
  if (!(await captchaFor(env).verify(token, ip))) {
    throw new Problem('captcha-failed', 'The CAPTCHA could not be verified. Try it again.', { extensions: { errors: [{ field: 'captcha_token', message: 'was refused' }] } });
  }
}
