import { createMiddleware } from 'hono/factory';
import { Problem } from '../lib/problem';
import type { AppEnv } from '../types';

/** A body in a type the route does not accept is a 415, not a confusing validation error. */
export const requireContentType = (accepted: string[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!accepted.some((a) => a.toLowerCase() === type)) {
      throw new Problem('unsupported-media-type', `Send the body as ${accepted.join(' or ')}${type ? `, not ${type}` : ''}.`, {
        headers: { 'accept-post': accepted.join(', ') },
      });
    }
    await next();
  });
