import type { Env } from '../env';

/**
 * "View in your browser" copies of messages that cannot be rebuilt later: test sends (campaign
 * messages are rebuilt from their pinned template version when the delivery engine lands). The HTML
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

export async function loadMessageView(env: Env, tenantId: string, messageId: string, now = Date.now()) {
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
