import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { campaigns, contacts, messages, tenants, type Campaign, type Contact } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import { campaignSendContext } from '../domain/campaign-content';
import { claimLeaseMs } from '../domain/campaign-dispatch';
import { isSendingStopped } from '../domain/kill-switch';
import { composeRecipientMessage } from '../domain/recipient-message';
import { acquireSendPermits, sendingLimits } from '../domain/send-permits';
import { suppressedAmong } from '../domain/suppressions';
import { resolveTransport } from '../domain/transports';
import type { Env, SendJob } from '../env';
import { errorFields, log } from '../lib/log';
import { TransportError, type TransportSession } from '../transports/transport';
import { BatchOutcome, backToPending, claim, idsIn, retryDelay, type Claimed, type QueueMessage } from './send-batch';
import { sendTransactionalBatch } from './send-transactional';

export { MAX_SEND_ATTEMPTS } from './send-batch';

/** Mid-batch, the kill switch and the campaign's status are looked at again this often. */
const RECHECK_MS = 2000;

/**
 * The send consumer. Per campaign in the batch: stop if the campaign, the tenant or the kill switch
 * says so; claim the rows; take permits from the tenant's governor (rows without one go back to the
 * runner); render each message through the one pipeline; send them over one transport session; mark
 * each sent as soon as its provider accepted it.
 */
export async function handleSend(batch: MessageBatch<SendJob>, env: Env, _ctx: ExecutionContext) {
  const db = getDb(env);
  // A campaign's jobs go together; transactional ones (no campaign) together per workspace.
  const groups = new Map<string, QueueMessage[]>();
  for (const m of batch.messages) {
    const key = m.body.campaignId ?? `transactional:${m.body.tenantId}`;
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  for (const group of groups.values()) {
    const { campaignId, tenantId } = group[0]!.body;
    try {
      if (campaignId) await sendCampaignBatch(env, db, campaignId, group);
      else await sendTransactionalBatch(env, db, tenantId, group);
    } catch (err) {
      log('error', 'send_batch_failed', { campaign_id: campaignId, tenant_id: tenantId, count: group.length, ...errorFields(err) });
      for (const m of group) m.retry({ delaySeconds: retryDelay(env, m.attempts) });
    }
  }
}

/** The campaign is no longer sending: its jobs are put back or dropped according to why. */
async function standDown(db: DB, campaign: Pick<Campaign, 'status'> | undefined, ids: string[]) {
  if (campaign?.status === 'paused') await backToPending(db, ids);
  else if (campaign?.status === 'cancelled') await db.update(messages).set({ status: 'cancelled' }).where(and(idsIn(ids), sql`${messages.status} in ('pending', 'queued')`)).run();
}

async function sendCampaignBatch(env: Env, db: DB, campaignId: string, group: QueueMessage[]) {
  const jobs = new Map(group.map((m) => [m.body.messageId, m]));
  const ids = [...jobs.keys()];
  const ackAll = (which: Iterable<string>) => {
    for (const id of which) jobs.get(id)?.ack();
  };
  const tenantId = group[0]!.body.tenantId;
  const [campaign, tenant] = await Promise.all([
    db.select().from(campaigns).where(and(eq(campaigns.id, campaignId), eq(campaigns.tenantId, tenantId))).get(),
    db.select().from(tenants).where(eq(tenants.id, tenantId)).get(),
  ]);
  if (campaign?.status !== 'sending' || !tenant) {
    await standDown(db, campaign, ids);
    return ackAll(ids);
  }
  if (tenant.status !== 'active' || (await isSendingStopped(env, tenantId))) {
    await backToPending(db, ids);
    return ackAll(ids);
  }

  let now = Date.now();
  const claimed = await claim(env, db, { tenantId, campaignId }, ids, now);
  // Rows not claimed were sent, cancelled or are being sent by another consumer: nothing to do for them.
  ackAll(ids.filter((id) => !claimed.some((c) => c.id === id)));
  if (!claimed.length) return;

  const limits = await sendingLimits(db, tenantId);
  const grant = await acquireSendPermits(env, db, tenantId, limits, claimed.length, now);
  const excess = claimed.slice(grant.granted);
  await backToPending(db, excess.map((c) => c.id));
  ackAll(excess.map((c) => c.id));
  const toSend = claimed.slice(0, grant.granted);
  if (!toSend.length) return;

  const outcome = new BatchOutcome(env, db, tenantId, campaignId, jobs);
  try {
    await deliver(env, db, campaign, tenant, toSend, outcome);
  } finally {
    await outcome.settle(toSend);
  }
}

/** Who a campaign may mail: subscribed contacts, and inactive ones when its audience asks for them (re-engagement). */
function mailableStatuses(campaign: Campaign): ReadonlySet<string> {
  const inactive = campaign.audience.inactive ?? 'exclude';
  return new Set(inactive === 'only' ? ['inactive'] : inactive === 'include' ? ['subscribed', 'inactive'] : ['subscribed']);
}

async function eligibleContacts(db: DB, tenantId: string, rows: Claimed[], mailable: ReadonlySet<string>) {
  const scope = tenantScope(db, tenantId);
  const contactIds = rows.map((r) => r.contactId).filter((id): id is string => Boolean(id));
  const list = await db.select().from(contacts).where(scope.own(contacts, inArray(contacts.id, jsonValues(contactIds)))).all();
  const suppressed = await suppressedAmong(scope, list.map((c) => c.email));
  const byId = new Map<string, Contact>();
  // Someone who unsubscribed, bounced or was suppressed since the fan-out is not mailed.
  for (const c of list) if (!c.deletedAt && mailable.has(c.status) && !suppressed.has(c.email)) byId.set(c.id, c);
  return byId;
}

async function deliver(env: Env, db: DB, campaign: Campaign, tenant: typeof tenants.$inferSelect, rows: Claimed[], outcome: BatchOutcome) {
  const eligible = await eligibleContacts(db, tenant.id, rows, mailableStatuses(campaign));
  const sendable = rows.filter((r) => {
    if (r.contactId && eligible.has(r.contactId)) return true;
    outcome.skip(r.id, 'The contact unsubscribed, bounced, was suppressed or deleted after the campaign started.');
    return false;
  });
  if (!sendable.length) return;

  const ctx = await campaignSendContext(env, db, campaign, tenant);
  const fromDomain = ctx.sender.from.email.slice(ctx.sender.from.email.lastIndexOf('@') + 1);
  const route = await resolveTransport(env, db, tenant.id, 'marketing', fromDomain);
  outcome.transportId = route.id;
  let session: TransportSession;
  try {
    session = await route.transport.open();
  } catch (err) {
    for (const r of sendable) outcome.temporary(r.id, err);
    outcome.transportFailed(err);
    return;
  }

  const lease = claimLeaseMs(env);
  let checkedAt = Date.now();
  let renewedAt = checkedAt;
  try {
    for (let i = 0; i < sendable.length; i++) {
      const row = sendable[i]!;
      const now = Date.now();
      if (now - checkedAt >= RECHECK_MS) {
        checkedAt = now;
        if (await stopped(env, db, campaign, tenant.id)) {
          outcome.putBack(sendable.slice(i).map((r) => r.id));
          return;
        }
      }
      if (now - renewedAt >= lease / 3) {
        renewedAt = now;
        await db.update(messages).set({ claimedAt: new Date(now) }).where(and(idsIn(sendable.slice(i).map((r) => r.id)), sql`${messages.status} = 'sending'`)).run();
      }
      const contact = eligible.get(row.contactId!)!;
      let message;
      try {
        message = await composeRecipientMessage(env, {
          compiled: await ctx.compiled(row.variant),
          workspace: ctx.workspace,
          tenant,
          contact,
          messageId: row.id,
          campaignId: campaign.id,
          sender: ctx.sender,
          fromName: ctx.fromName,
          tracking: { opens: campaign.trackOpens, clicks: campaign.trackClicks },
          viewOnline: true,
        });
      } catch (err) {
        // The template cannot render for this contact (a runaway loop, too large): retrying will not help.
        outcome.failed(row.id, `Rendering failed: ${(err as Error).message}`);
        continue;
      }
      try {
        const result = await session.send({
          id: row.id,
          envelopeFrom: ctx.sender.returnPath,
          from: { email: ctx.sender.from.email, name: ctx.fromName?.trim() || ctx.sender.from.name },
          to: [contact.email],
          replyTo: ctx.sender.replyTo,
          subject: message.subject,
          html: message.html,
          text: message.text,
          headers: message.headers,
          raw: message.raw,
          stream: 'marketing',
        });
        outcome.sent(row, contact.id, result.externalId);
      } catch (err) {
        if (err instanceof TransportError && err.opts.scope !== 'connection') {
          // This recipient or message only (5xx: a bounce; 4xx: try it again later); the session goes on.
          if (err.kind === 'permanent') outcome.bounced(row, contact.id, err);
          else outcome.temporary(row.id, err);
          continue;
        }
        // The session is unusable or the provider is struggling: this and the rest wait for a retry.
        for (const r of sendable.slice(i)) outcome.temporary(r.id, err);
        outcome.transportFailed(err);
        return;
      }
    }
  } finally {
    await session.close().catch(() => undefined);
  }
}

async function stopped(env: Env, db: DB, campaign: Campaign, tenantId: string) {
  if (await isSendingStopped(env, tenantId)) return true;
  const row = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaign.id)).get();
  if (row?.status === 'sending') return false;
  campaign.status = row?.status ?? 'cancelled';
  return true;
}

/** After the last retry: the row is failed with its reason (if the consumer had not marked it already). */
export async function handleSendDeadLetters(batch: MessageBatch<SendJob>, env: Env) {
  const db = getDb(env);
  const ids = batch.messages.map((m) => m.body.messageId);
  await db
    .update(messages)
    .set({ status: 'failed', error: sql`coalesce(${messages.error}, 'Gave up after the last retry.')`, claimedAt: null })
    .where(and(idsIn(ids), sql`${messages.status} in ('pending', 'queued', 'sending')`))
    .run();
  log('warn', 'send_dead_lettered', { count: ids.length });
  batch.ackAll();
}
