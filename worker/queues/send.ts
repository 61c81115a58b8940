import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { getDb, runBatch, type DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { campaigns, contacts, messages, tenants, type Campaign, type Contact } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import { campaignSendContext } from '../domain/campaign-content';
import { claimLeaseMs } from '../domain/campaign-dispatch';
import { recordContactEvents } from '../domain/contact-events';
import { isSendingStopped } from '../domain/kill-switch';
import { composeRecipientMessage } from '../domain/recipient-message';
import { acquireSendPermits, recordDeliveryOutcomes, releaseSendPermits, sendingLimits } from '../domain/send-permits';
import { suppressContactsStatements, suppressedAmong } from '../domain/suppressions';
import { recordTransportOutcome, resolveTransport } from '../domain/transports';
import { emitWebhookEventsSafely } from '../domain/webhook-delivery';
import type { Env, SendJob } from '../env';
import { errorFields, log } from '../lib/log';
import { TransportError, type TransportSession } from '../transports/transport';
import { backoffSeconds } from './jobs';

const retryDelay = (env: Env, attempt: number) => backoffSeconds(attempt, Number(env.SEND_RETRY_BASE_SECONDS ?? 30));

/**
 * The queue's last attempt at a message: the first delivery plus max_retries (8, wrangler.toml). A
 * retry from this one goes to the dead-letter queue.
 */
export const MAX_SEND_ATTEMPTS = 9;
/** Mid-batch, the kill switch and the campaign's status are looked at again this often. */
const RECHECK_MS = 2000;

type QueueMessage = Message<SendJob>;

interface Claimed {
  id: string;
  contactId: string | null;
  email: string;
  variant: string | null;
}

const idsIn = (ids: string[]) => inArray(messages.id, jsonValues(ids));

/** Rows go back to `pending`: the runner hands them out again when sending may go on (resume, release, budget). */
async function backToPending(db: DB, ids: string[]) {
  if (ids.length) await db.update(messages).set({ status: 'pending', claimedAt: null }).where(and(idsIn(ids), sql`${messages.status} in ('queued', 'sending')`)).run();
}

/**
 * Takes the rows this batch may send: queued or pending ones, and ones whose previous consumer's
 * claim has run out. One statement, so two deliveries of the same job cannot both claim a row;
 * a row already sent is simply not returned — that is the exactly-once check.
 */
async function claim(env: Env, db: DB, campaignId: string, ids: string[], now: number): Promise<Claimed[]> {
  return db
    .update(messages)
    .set({ status: 'sending', claimedAt: new Date(now), attempts: sql`${messages.attempts} + 1` })
    .where(
      and(
        idsIn(ids),
        eq(messages.campaignId, campaignId),
        or(sql`${messages.status} in ('queued', 'pending')`, and(sql`${messages.status} = 'sending'`, lt(messages.claimedAt, new Date(now - claimLeaseMs(env))))),
      ),
    )
    .returning({ id: messages.id, contactId: messages.contactId, email: messages.email, variant: messages.variant })
    .all();
}

/** The campaign is no longer sending: its jobs are put back or dropped according to why. */
async function standDown(db: DB, campaign: Pick<Campaign, 'status'> | undefined, ids: string[]) {
  if (campaign?.status === 'paused') await backToPending(db, ids);
  else if (campaign?.status === 'cancelled') await db.update(messages).set({ status: 'cancelled' }).where(and(idsIn(ids), sql`${messages.status} in ('pending', 'queued')`)).run();
}

/**
 * The send consumer. Per campaign in the batch: stop if the campaign, the tenant or the kill switch
 * says so; claim the rows; take permits from the tenant's governor (rows without one go back to the
 * runner); render each message through the one pipeline; send them over one transport session; mark
 * each sent as soon as its provider accepted it.
 */
export async function handleSend(batch: MessageBatch<SendJob>, env: Env, _ctx: ExecutionContext) {
  const db = getDb(env);
  const byCampaign = new Map<string, QueueMessage[]>();
  for (const m of batch.messages) byCampaign.set(m.body.campaignId, [...(byCampaign.get(m.body.campaignId) ?? []), m]);
  for (const [campaignId, group] of byCampaign) {
    try {
      await sendCampaignBatch(env, db, campaignId, group);
    } catch (err) {
      log('error', 'send_batch_failed', { campaign_id: campaignId, count: group.length, ...errorFields(err) });
      for (const m of group) m.retry({ delaySeconds: retryDelay(env, m.attempts) });
    }
  }
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
  const claimed = await claim(env, db, campaignId, ids, now);
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

async function eligibleContacts(db: DB, tenantId: string, rows: Claimed[]) {
  const scope = tenantScope(db, tenantId);
  const contactIds = rows.map((r) => r.contactId).filter((id): id is string => Boolean(id));
  const list = await db.select().from(contacts).where(scope.own(contacts, inArray(contacts.id, jsonValues(contactIds)))).all();
  const suppressed = await suppressedAmong(scope, list.map((c) => c.email));
  const byId = new Map<string, Contact>();
  // Someone who unsubscribed, bounced or was suppressed since the fan-out is not mailed.
  for (const c of list) if (!c.deletedAt && c.status === 'subscribed' && !suppressed.has(c.email)) byId.set(c.id, c);
  return byId;
}

async function deliver(env: Env, db: DB, campaign: Campaign, tenant: typeof tenants.$inferSelect, rows: Claimed[], outcome: BatchOutcome) {
  const eligible = await eligibleContacts(db, tenant.id, rows);
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

/**
 * What happened to each claimed row, written as it happens (a sent row is marked before the next
 * message's reply is awaited, so a crash repeats at most the message in flight) and summed up once
 * per batch for the governor, the transport's health and the timeline.
 */
class BatchOutcome {
  transportId: string | null = null;
  private marking: Promise<unknown> = Promise.resolve();
  private readonly settled = new Set<string>();
  private readonly sentContacts: { contactId: string; messageId: string; email: string }[] = [];
  private readonly bounces: { contactId: string; messageId: string; email: string; code: string | number | undefined; message: string }[] = [];
  private unused = 0;
  private transportError: unknown = null;

  constructor(
    private readonly env: Env,
    private readonly db: DB,
    private readonly tenantId: string,
    private readonly campaignId: string,
    private readonly jobs: Map<string, QueueMessage>,
  ) {}

  private write(id: string, set: Partial<typeof messages.$inferInsert>, ack = true) {
    this.settled.add(id);
    const previous = this.marking;
    this.marking = previous.then(() => this.db.update(messages).set(set).where(eq(messages.id, id)).run());
    if (ack) this.jobs.get(id)?.ack();
  }

  sent({ id, email }: Claimed, contactId: string, externalId: string) {
    this.sentContacts.push({ contactId, messageId: id, email });
    this.write(id, { status: 'sent', sentAt: new Date(), providerMessageId: externalId, transportId: this.transportId, error: null, claimedAt: null });
  }

  bounced({ id, email }: Claimed, contactId: string, err: TransportError) {
    this.bounces.push({ contactId, messageId: id, email, code: err.opts.code, message: err.message });
    this.write(id, { status: 'bounced', transportId: this.transportId, error: err.message.slice(0, 500), claimedAt: null });
  }

  skip(id: string, reason: string) {
    this.unused++;
    this.write(id, { status: 'skipped', error: reason, claimedAt: null });
  }

  failed(id: string, reason: string) {
    this.unused++;
    this.write(id, { status: 'failed', error: reason.slice(0, 500), claimedAt: null });
  }

  /** Retried with backoff; after the last attempt it is marked failed and the retry sends it to the dead-letter queue. */
  temporary(id: string, err: unknown) {
    this.unused++;
    const job = this.jobs.get(id)!;
    const reason = (err as Error)?.message?.slice(0, 500) ?? String(err);
    const hinted = err instanceof TransportError ? err.opts.retryAfterSeconds : undefined;
    const delay = Math.max(hinted ?? 0, retryDelay(this.env, job.attempts));
    if (job.attempts >= MAX_SEND_ATTEMPTS) this.write(id, { status: 'failed', error: reason, claimedAt: null }, false);
    else this.write(id, { status: 'queued', queuedAt: new Date(Date.now() + delay * 1000), error: reason, claimedAt: null }, false);
    job.retry({ delaySeconds: delay });
  }

  transportFailed(err: unknown) {
    this.transportError = err;
  }

  /** Stopped mid-batch (pause, kill switch): the rest goes back to the runner untouched. */
  putBack(ids: string[]) {
    this.unused += ids.length;
    for (const id of ids) this.write(id, { status: 'pending', claimedAt: null });
  }

  async settle(rows: Claimed[]) {
    // Anything the loop never reached (an unexpected error) goes back to the runner, not lost.
    const untouched = rows.filter((r) => !this.settled.has(r.id)).map((r) => r.id);
    if (untouched.length) this.putBack(untouched);
    await this.marking;
    const scope = tenantScope(this.db, this.tenantId);
    const events = [
      ...this.sentContacts.map((s) => ({ contactId: s.contactId, type: 'sent' as const, campaignId: this.campaignId, data: { message_id: s.messageId } })),
      ...this.bounces.map((b) => ({ contactId: b.contactId, type: 'bounce' as const, campaignId: this.campaignId, data: { message_id: b.messageId, kind: 'hard', code: b.code ?? null, reason: b.message.slice(0, 300) } })),
    ];
    await Promise.all([
      recordContactEvents(scope, events),
      markHardBounces(scope, this.bounces),
      emitWebhookEventsSafely(this.env, this.db, this.tenantId, [
        ...this.sentContacts.map((s) => ({ type: 'sent' as const, data: { message_id: s.messageId, contact_id: s.contactId, campaign_id: this.campaignId, email: s.email } })),
        ...this.bounces.map((b) => ({ type: 'bounced' as const, data: { message_id: b.messageId, contact_id: b.contactId, campaign_id: this.campaignId, email: b.email, kind: 'hard', code: b.code ?? null, reason: b.message.slice(0, 300) } })),
      ]),
      this.unused ? releaseSendPermits(this.env, this.tenantId, this.unused) : undefined,
      this.sentContacts.length || this.bounces.length ? recordDeliveryOutcomes(this.env, this.db, this.tenantId, { sent: this.sentContacts.length + this.bounces.length, bounced: this.bounces.length }) : undefined,
      recordTransportOutcome(this.env, this.db, this.transportId, { ok: this.sentContacts.length, failed: this.transportError ? 1 : 0, error: this.transportError ? String((this.transportError as Error).message ?? this.transportError) : undefined }),
    ]);
  }
}

/**
 * A permanent rejection makes the contact `bounced` and suppresses the address (reason `bounce`), so no
 * later campaign or import tries it again; the contact's status changes only from a mailable one.
 */
async function markHardBounces(scope: ReturnType<typeof tenantScope>, bounces: { contactId: string; email: string }[]) {
  const statements = suppressContactsStatements(scope, bounces, { status: 'bounced', reason: 'bounce' });
  await runBatch(scope.db, statements);
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
