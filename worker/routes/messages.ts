import { z } from '@hono/zod-openapi';
import { MESSAGE_STATUSES } from '../db/schema';
import { withIdempotency } from '../domain/idempotency';
import { cancelScheduledMessage, getMessage, listMessages } from '../domain/message-log';
import { acceptTransactional, MAX_ATTACHMENTS, MAX_RECIPIENTS } from '../domain/transactional';
import { PageQuery, pageOf } from '../lib/pagination';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { Email, IdParam, Timestamp, errors, json, jsonBody } from './schemas';

const Recipients = z
  .union([Email, z.array(Email).max(MAX_RECIPIENTS)])
  .transform((v) => [v].flat())
  .openapi({ description: `One address or a list; to, cc and bcc hold at most ${MAX_RECIPIENTS} together` });
const HeaderName = z.string().regex(/^X-[A-Za-z0-9-]{1,60}$/, 'only X- headers can be set');
const Tag = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)');

const SendBody = z
  .object({
    to: Recipients,
    cc: Recipients.optional().default([]),
    bcc: Recipients.optional().default([]),
    from: z.object({ email: Email, name: z.string().trim().max(100).nullable().optional() }).optional().openapi({ description: 'An address on a verified sending domain; the workspace’s platform address when absent' }),
    reply_to: Email.optional(),
    subject: z.string().trim().min(1).max(998).optional().openapi({ description: 'Required with inline content; overrides the template’s subject' }),
    html: z.string().max(512 * 1024).optional().openapi({ description: 'Sanitized like templates (scripts, event handlers and unsafe URLs removed)' }),
    text: z.string().max(512 * 1024).optional(),
    template_id: z.string().min(3).max(64).optional().openapi({ description: 'A template merged with the recipient’s contact fields and `variables`' }),
    variables: z.record(z.string().max(100), z.unknown()).optional().default({}).refine((v) => JSON.stringify(v).length <= 64 * 1024, 'at most 64 KB of variables'),
    attachments: z
      .array(
        z.object({
          filename: z.string().trim().min(1).max(255).regex(/^[^/\\\x00-\x1f]+$/, 'a file name without path or control characters'),
          content: z.string().min(1).openapi({ description: 'The file in base64' }),
          content_type: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as application/pdf').optional(),
        }),
      )
      .max(MAX_ATTACHMENTS)
      .optional()
      .default([]),
    headers: z.record(HeaderName, z.string().max(998).regex(/^[^\r\n]*$/, 'one line')).optional().default({}).refine((h) => Object.keys(h).length <= 20, 'at most 20 headers'),
    tags: z.array(Tag).max(10).optional().default([]),
    metadata: z.record(z.string().max(40), z.string().max(500)).optional().default({}).refine((m) => Object.keys(m).length <= 20, 'at most 20 keys'),
    scheduled_at: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Send later (up to 30 days ahead)' }),
    track_opens: z.boolean().optional().default(false),
    track_clicks: z.boolean().optional().default(false).openapi({ description: 'Off by default: links in receipts and password resets are better left as they are' }),
  })
  .strict();

const Accepted = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'scheduled']),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    suppressed: z.array(z.string()).openapi({ description: 'Recipients left out because they bounced, complained or are on the suppression list' }),
    scheduled_at: Timestamp.nullable(),
  })
  .openapi('AcceptedMessage');

const MessageView = z
  .object({
    id: z.string(),
    status: z.enum([...MESSAGE_STATUSES.filter((s) => s !== 'pending'), 'scheduled']),
    from: z.object({ email: z.string(), name: z.string().nullable() }).nullable(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    subject: z.string(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.string()),
    template_id: z.string().nullable(),
    attachments: z.array(z.object({ filename: z.string(), content_type: z.string(), size: z.number().int() })),
    track_opens: z.boolean(),
    track_clicks: z.boolean(),
    contact_id: z.string().nullable(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    scheduled_at: Timestamp.nullable(),
    created_at: Timestamp,
    sent_at: Timestamp.nullable(),
    opened_at: Timestamp.nullable(),
    clicked_at: Timestamp.nullable(),
  })
  .openapi('Message');
const MessageDetail = MessageView.extend({
  html: z.string(),
  text: z.string(),
  events: z.array(z.object({ type: z.string(), at: Timestamp, data: z.record(z.string(), z.unknown()).nullable() })),
}).openapi('MessageDetail');

const ListQuery = PageQuery.extend({
  status: z.enum([...MESSAGE_STATUSES.filter((s) => s !== 'pending'), 'scheduled']).optional(),
  to: z.string().max(254).optional(),
  tag: Tag.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

const tags = ['Transactional'];
const routes = {
  send: defineRoute({
    method: 'post', path: '/v1/send', access: 'send', tags,
    summary: 'Send one transactional message (a receipt, a password reset) through the workspace’s governor, suppression list and transactional route',
    description:
      'Answers 202 with the message id once the message is stored and queued. With an `Idempotency-Key` header a retry with the same body gets the same answer (header `Idempotent-Replayed: true`) and sends nothing twice; the same key with another body is a 422; keys are kept 24 hours.',
    request: { headers: z.object({ 'idempotency-key': z.string().optional() }), body: jsonBody(SendBody) },
    responses: { 202: json(Accepted, 'Accepted'), 400: errors[400], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422], 429: errors[429] },
  }),
  list: defineRoute({
    method: 'get', path: '/v1/messages', access: 'campaigns:read', tags, summary: 'Transactional messages, newest first, filtered by status, recipient, tag and time',
    request: { query: ListQuery }, responses: { 200: json(pageOf(MessageView)), 400: errors[400] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/messages/{id}', access: 'campaigns:read', tags, summary: 'One transactional message: status, content and events',
    request: { params: IdParam('msg_01hx…') }, responses: { 200: json(MessageDetail), 404: errors[404] },
  }),
  cancel: defineRoute({
    method: 'post', path: '/v1/messages/{id}/cancel', access: 'send', tags, summary: 'Call off a scheduled message before it is queued',
    request: { params: IdParam('msg_01hx…') }, responses: { 200: json(MessageView), 404: errors[404], 409: errors[409] },
  }),
};

export function registerMessages(app: App) {
  app.openapi(routes.send, async (c) => {
    const scope = scopeOf(c);
    const input = c.req.valid('json');
    const result = await withIdempotency(scope, c.req.valid('header')['idempotency-key'], input, async () => ({ status: 202, body: await acceptTransactional(c.env, scope, input) }));
    const headers: Record<string, string> = result.replayed ? { 'idempotent-replayed': 'true' } : {};
    if (result.status >= 400) {
      return new Response(JSON.stringify(result.body), { status: result.status, headers: { ...headers, 'content-type': 'application/problem+json' } }) as never;
    }
    return c.json(result.body as z.infer<typeof Accepted>, 202, headers);
  });
  app.openapi(routes.list, async (c) => {
    const { limit, cursor, ...filters } = c.req.valid('query');
    return c.json(await listMessages(scopeOf(c), filters, { limit, cursor }), 200);
  });
  app.openapi(routes.get, async (c) => c.json(await getMessage(scopeOf(c), c.req.valid('param').id), 200));
  app.openapi(routes.cancel, async (c) => c.json(await cancelScheduledMessage(c.env, scopeOf(c), c.req.valid('param').id), 200));
}
