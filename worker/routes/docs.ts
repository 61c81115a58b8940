import { Scalar } from '@scalar/hono-api-reference';
import type { App, AppEnv } from '../types';

/**
 * Interactive reference at /docs. The Scalar bundle is served from our own static assets
 * (/vendor/scalar/standalone.js, copied from node_modules by scripts/vendor-assets.mjs), so the
 * page works offline and the CSP can stay 'self' plus one nonce for the inline boot script.
 */
export function registerDocs(app: App) {
  app.get('/docs', async (c, next) => {
    const nonce = crypto.randomUUID().replace(/-/g, '');
    c.header(
      'content-security-policy',
      `default-src 'none'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`,
    );
    return Scalar<AppEnv>({ url: '/openapi.json', pageTitle: 'Edgepost API reference', cdn: '/vendor/scalar/standalone.js', nonce })(c, next);
  });
}
