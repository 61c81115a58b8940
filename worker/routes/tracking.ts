import { z } from '@hono/zod-openapi';
import { loadMessageView } from '../domain/message-views';
import { verifyTrackingToken } from '../mail/tracking-tokens';
import type { App } from '../types';
import { defineRoute } from './define';
import { htmlPage, page } from './html-page';

/**
 * The recipient endpoints under /t/ (tokens from mail/tracking-tokens). "View online" is here; the
 * pixel, click redirect, unsubscribe and preference center join it with the tracking module.
 */
const TokenParam = z.object({ token: z.string().min(10).max(4096).openapi({ param: { name: 'token', in: 'path' } }) });

/**
 * The copy is tenant HTML (sanitized on save, merged, then rewritten by us): the CSP sandbox makes
 * the page an opaque origin where nothing can run, whatever it contains; images load from anywhere,
 * as they did in the inbox.
 */
const VIEW_CSP = "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; img-src https: http: data: cid:; style-src 'unsafe-inline'; font-src https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const tags = ['Recipient pages'];
const routes = {
  view: defineRoute({
    method: 'get', path: '/t/v/{token}', access: 'public', tags,
    summary: 'View online: the message exactly as it was sent to this recipient',
    request: { params: TokenParam },
    responses: { 200: page('The message'), 404: page('Unknown or altered link, or the copy has expired') },
  }),
};

export function registerTracking(app: App) {
  app.openapi(routes.view, async (c) => {
    const gone = () => htmlPage(c, 404, { title: 'This message is not available', message: 'The link is not valid, or the online copy of this email has expired.' });
    const payload = await verifyTrackingToken(c.env.TOKEN_SIGNING_KEYS, c.req.valid('param').token, 'v');
    if (!payload) return gone();
    const view = await loadMessageView(c.env, payload.tenantId, payload.messageId);
    if (!view) return gone();
    return c.html(view.html, 200, { 'content-security-policy': VIEW_CSP, 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer' });
  });
}
