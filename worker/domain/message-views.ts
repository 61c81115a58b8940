import { and, eq } from 'drizzle-orm';
import { getDb } from '../db/client';
import { campaigns, contacts, messages, tenants } from '../db/schema';
import type { Env } from '../env';
import { campaignSendContext } from './campaign-content';
import { composeRecipientMessage } from './recipient-message';

/**
 * "View in your browser" copies of messages that cannot be rebuilt later: test sends (campaign
 * messages are rebuilt from their pinned template version, see campaignMessageView). The HTML
 * is exactly what was sent — links, pixel, footer — kept in R2 for VIEW_DAYS. Keys are the message
 * ids, which are time-ordered: listing from the start finds the oldest copies first.
 */
export const VIEW_DAYS = 30;
const DAY_MS = 86_400_000;
const PREFIX = 'views/';
const keyOf = (messageId: string) => `${PREFIX}${messageId}`;

export async function storeMessageView(env: Env, m: { tenantId: string; messageId: string; subject: string; html: string }) {
  await env.FILES.put(keyOf(m.messageId), m.html, {
    httpMetadata: { contentType: 'text/html; charset=utf-8' },
    customMetadata: { tenant: m.tenantId, subject: m.subject },
  });
}

/**
 * A campaign message rebuilt as it was sent: same pinned template version, same contact, same
 * message id (so spintax picks the same words and the links are the same). Unavailable once the
 * contact is gone (purged or anonymized people are not shown again) or the campaign deleted for good.
 */
async function campaignMessageView(env: Env, tenantId: string, messageId: string) {
  const db = getDb(env);
  const row = await db
    .select({ message: messages, campaign: campaigns, contact: contacts, tenant: tenants })
    .from(messages)
    .innerJoin(campaigns, eq(campaigns.id, messages.campaignId))
    .innerJoin(contacts, eq(contacts.id, messages.contactId))
    .innerJoin(tenants, eq(tenants.id, messages.tenantId))
    .where(and(eq(messages.id, messageId), eq(messages.tenantId, tenantId), eq(messages.status, 'sent')))
    .get();
  if (!row || row.contact.deletedAt) return null;
  const ctx = await campaignSendContext(env, db, row.campaign, row.tenant);
  const built = await composeRecipientMessage(env, {
    compiled: await ctx.compiled(row.message.variant),
    workspace: ctx.workspace,
    tenant: row.tenant,
    contact: row.contact,
    messageId,
    campaignId: row.campaign.id,
    sender: ctx.sender,
    fromName: ctx.fromName,
    tracking: { opens: row.campaign.trackOpens, clicks: row.campaign.trackClicks },
    viewOnline: true,
  });
  return { subject: built.subject, html: built.html };
}

export async function loadMessageView(env: Env, tenantId: string, messageId: string, now = Date.now()) {
  if (messageId.startsWith('msg_')) return campaignMessageView(env, tenantId, messageId);
  const object = await env.FILES.get(keyOf(messageId));
  if (!object || object.customMetadata?.tenant !== tenantId || object.uploaded.getTime() < now - VIEW_DAYS * DAY_MS) return null;
  return { subject: object.customMetadata.subject ?? '', html: await object.text() };
}

/** Deletes copies older than VIEW_DAYS, oldest first, stopping at the first younger one; the hourly hygiene calls it. */
export async function purgeMessageViews(env: Env, now = Date.now()) {
  const cutoff = now - VIEW_DAYS * DAY_MS;
  let cursor: string | undefined;
  let deleted = 0;
  for (;;) {
    const page = await env.FILES.list({ prefix: PREFIX, cursor, limit: 1000 });
    const old = page.objects.filter((o) => o.uploaded.getTime() < cutoff).map((o) => o.key);
    if (old.length) await env.FILES.delete(old);
    deleted += old.length;
    if (old.length < page.objects.length || !page.truncated) return deleted;
    cursor = page.cursor;
  }
}
