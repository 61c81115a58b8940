import { anonymousApi } from './api.server';
import type { CaptchaConfig } from './api-types';
import type { RequestArgs } from './request-state.server';

/**
 * Which CAPTCHA the forms show. It is fixed per deployment, so one answer per isolate is
 * enough; a failed lookup is not kept, and the forms then show none (the API says if it wanted one).
 */
let cached: Promise<CaptchaConfig | null> | null = null;

export function captchaConfig(args: RequestArgs): Promise<CaptchaConfig | null> {
  cached ??= anonymousApi(args)
    .get<CaptchaConfig>('/v1/auth/captcha')
    .catch((error: unknown) => {
      console.error('CAPTCHA configuration unavailable', error);
      cached = null;
      return null;
    });
  return cached;
}
