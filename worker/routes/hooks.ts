import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { getDb } from '../db/client';
import { HOOK_PROVIDERS } from '../inbound/hook-url';
import { receiveHook } from '../inbound/receive-hook';
import { Problem } from '../lib/problem';
import type { App } from '../types';
import { defineRoute } from './define';
import { errors, json } from './schemas';

/** SendGrid batches up to a few thousand events per call; 5 MiB is far above any provider's post. */
const HOOK_BODY_LIMIT = 5 * 1024 * 1024;

const Params = z.object({
  provider: z.enum(HOOK_PROVIDERS).openapi({ param: { name: 'provider', in: 'path' } }),
  transportId: z.string().min(3).max(64).openapi({ param: { name: 'transportId', in: 'path' }, example: 'trn_01hx…' }),
});

const routes = {
  receive: defineRoute({
    method: 'post', path: '/hooks/{provider}/{transportId}', access: 'public', tags: ['Inbound webhooks'],
    summary: 'Delivery, bounce and complaint reports from an ESP; the URL is the transport’s `webhook_url`',
    description:
      'The body is the provider’s own payload, read raw because the signature covers its exact bytes: SNS (SES) signature v1/v2 against an SNS-hosted certificate, SendGrid ECDSA, Mailgun HMAC with a single-use token, Postmark Basic credentials, Resend (Svix) HMAC. Nothing is queued unless it verifies.',
    request: { params: Params },
    responses: {
      200: json(z.object({ received: z.number().int().openapi({ description: 'Reports queued' }), duplicate: z.boolean().openapi({ description: 'A retry of a request already received: nothing queued again' }) })),
      400: errors[400],
      401: { ...errors[401], description: 'The signature, credentials or timestamp do not verify, or the request is a replay' },
      404: errors[404],
      503: errors[503],
    },
  }),
};

export function registerHooks(app: App) {
  app.use('/hooks/*', bodyLimit({ maxSize: HOOK_BODY_LIMIT, onError: () => { throw new Problem('payload-too-large', `The body exceeds ${HOOK_BODY_LIMIT / 1024 / 1024} MiB.`); } }));
  app.openapi(routes.receive, async (c) => {
    const { provider, transportId } = c.req.valid('param');
    return c.json(await receiveHook(c.env, getDb(c.env), provider, transportId, c.req.raw), 200);
  });
}
