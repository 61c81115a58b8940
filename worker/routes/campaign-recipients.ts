import { z } from '@hono/zod-openapi';
import { MESSAGE_STATUSES } from '../db/schema';
import { listRecipients, RECIPIENT_OUTCOMES, recipientsCsv } from '../domain/campaign-recipients';
import { getCampaign } from '../domain/campaigns';
import { PageQuery, pageOf } from '../lib/pagination';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json } from './schemas';

const Filter = z.object({
  outcome: z.enum(RECIPIENT_OUTCOMES).optional().openapi({ description: 'Only recipients who were sent the campaign, opened, clicked (human only), bounced, failed, complained or unsubscribed' }),
  q: z.string().trim().max(254).optional().openapi({ description: 'Part of the email address, any case' }),
});
const Recipient = z
  .object({
    message_id: z.string(),
    contact_id: z.string(),
    email: z.string(),
    variant: z.string().nullable().openapi({ description: 'The A/B variant (`*` while held back for the winner)' }),
    status: z.enum(MESSAGE_STATUSES),
    error: z.string().nullable().openapi({ description: 'Why a bounced or failed message was refused' }),
    sent_at: Timestamp.nullable(),
    opened_at: Timestamp.nullable().openapi({ description: 'First human open' }),
    clicked_at: Timestamp.nullable().openapi({ description: 'First human click' }),
    unsubscribed_at: Timestamp.nullable(),
    complained_at: Timestamp.nullable(),
  })
  .openapi('CampaignRecipient');

const id = IdParam('cmp_01hx…');
const tags = ['Campaigns'];
// Lists addresses: the contacts permission, not only the campaign's.
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/campaigns/{id}/recipients', access: 'contacts:read', tags, summary: 'Who was sent the campaign and what each did, in contact order; filter by outcome, search by address',
    request: { params: id, query: PageQuery.extend(Filter.shape) }, responses: { 200: json(pageOf(Recipient)), 400: errors[400], 404: errors[404] },
  }),
  export: defineRoute({
    method: 'get', path: '/v1/campaigns/{id}/recipients/export', access: 'contacts:read', tags, summary: 'The same recipients as CSV, every page at once (cells neutralized against formula injection)',
    request: { params: id, query: Filter }, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, 400: errors[400], 404: errors[404] },
  }),
};

export function registerCampaignRecipients(app: App) {
  app.openapi(routes.list, async (c) => {
    const scope = scopeOf(c);
    const { outcome, q, ...page } = c.req.valid('query');
    return c.json(await listRecipients(scope, await getCampaign(scope, c.req.valid('param').id), { outcome, q }, page), 200);
  });
  app.openapi(routes.export, async (c) => {
    const scope = scopeOf(c);
    const campaign = await getCampaign(scope, c.req.valid('param').id);
    const name = `recipients-${campaign.id}${c.req.valid('query').outcome ? `-${c.req.valid('query').outcome}` : ''}.csv`;
    return c.body(recipientsCsv(scope, campaign, c.req.valid('query')), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
  });
}
