import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types';

/** A strict policy for JSON and error responses; HTML pages set their own, stricter-than-default CSP. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const h = c.res.headers;
  if (!h.has('content-security-policy')) h.set('content-security-policy', API_CSP);
  h.set('x-content-type-options', 'nosniff');
  h.set('x-frame-options', 'DENY');
  h.set('referrer-policy', 'no-referrer');
  h.set('cross-origin-opener-policy', 'same-origin');
  h.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  if (c.env.APP_ENV === 'production') h.set('strict-transport-security', 'max-age=63072000; includeSubDomains; preload');
});
