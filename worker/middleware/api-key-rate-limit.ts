import { createMiddleware } from 'hono/factory';
import { getDb } from '../db/client';
import { rateLimitHeaders, rateLimited, takeApiKeyToken } from '../domain/rate-limit';
import type { AppEnv } from '../types';

/**
 * Integrations get a per-key request rate by plan; every answer says where the key stands.
 * Sessions (people in the dashboard) are not limited this way.
 */
export const limitApiKeyRate = createMiddleware<AppEnv>(async (c, next) => {
  const principal = c.get('principal');
  if (principal.kind !== 'api_key') {
    await next();
    return;
  }
  const r = await takeApiKeyToken(c.env, getDb(c.env), principal);
  if (!r.allowed) throw rateLimited(r, 'requests with this API key');
  await next();
  // After the handler, so the headers land on error responses too.
  for (const [name, value] of Object.entries(rateLimitHeaders(r))) c.header(name, value);
});
