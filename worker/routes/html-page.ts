import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { publicPage } from '../lib/public-page';
import type { AppEnv } from '../types';

/** A public page (lib/public-page) as a response, with its CSP and never cached. */
export async function htmlPage(c: Context<AppEnv>, status: ContentfulStatusCode, content: Parameters<typeof publicPage>[0], headers: Record<string, string> = {}) {
  const { body, csp } = await publicPage(content);
  return c.html(body, status, { ...headers, 'content-security-policy': csp, 'cache-control': 'no-store' });
}

/** For OpenAPI: a response that is an HTML page. */
export const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
