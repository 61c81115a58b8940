import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { runBatch, type DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { messages } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import { claimLeaseMs } from '../domain/campaign-dispatch';
import { recordContactEvents } from '../domain/contact-events';
import { recordDeliveryOutcomes, releaseSendPermits } from '../domain/send-permits';
import { suppressContactsStatements } from '../domain/suppressions';
import { recordTransportOutcome } from '../domain/transports';
import { emitWebhookEventsSafely } from '../domain/webhook-delivery';
import type { Env, SendJob } from '../env';
import { TransportError } from '../transports/transport';
import { backoffSeconds } from './jobs';

/**
 * What campaign and transactional sends share: claiming rows exactly once, and recording what
 * happened to each of them.
 */

export const retryDelay = (env: Env, attempt: number) => backoffSeconds(attempt, Number(env.SEND_RETRY_BASE_SECONDS ?? 30));

/**
 * The queue's last attempt at a message: the first delivery plus max_retries (8, wrangler.toml). A
 * retry from this one goes to the dead-letter queue.
 */
export const MAX_SEND_ATTEMPTS = 9;
export type QueueMessage = Message<SendJob>;

export interface Claimed {
  id: string;
  contactId: string | null;
  email: string;
  variant: string | null;
}

export const idsIn = (ids: string[]) => inArray(messages.id, jsonValues(ids));

/**
 * Rows go back to `pending`: the runner hands a campaign's rows out again when sending may go on
 * (resume, release, budget); the cron queues a transactional row again from `retryAt`.
 */
export async function backToPending(db: DB, ids: string[], retryAt?: Date) {
  if (ids.length) await db.update(messages).set({ status: 'pending', claimedAt: null, ...(retryAt ? { sendAfter: retryAt } : {}) }).where(and(idsIn(ids), sql`${messages.status} in ('queued', 'sending')`)).run();
}

/**
 * Takes the rows this batch may send: queued or pending ones, and ones whose previous consumer's
 * claim has run out. One statement, so two deliveries of the same job cannot both claim a row;
 * a row already sent is simply not returned — that is the exactly-once check.
 */
export async function claim(env: Env, db: DB, job: Pick<SendJob, 'tenantId' | 'campaignId'>, ids: string[], now: number): Promise<Claimed[]> {
  return db
    .update(messages)
    .set({ status: 'sending', claimedAt: new Date(now), attempts: sql`${messages.attempts} + 1` })
    .where(
      and(
        idsIn(ids),
        eq(messages.tenantId, job.tenantId),
        job.campaignId ? eq(messages.campaignId, job.campaignId) : isNull(messages.campaignId),
        or(sql`${messages.status} in ('queued', 'pending')`, and(sql`${messages.status} = 'sending'`, lt(messages.claimedAt, new Date(now - claimLeaseMs(env))))),
      ),
    )
    .returning({ id: messages.id, contactId: messages.contactId, email: messages.email, variant: messages.variant })
    .all();
}

/**
 * What happened to each claimed row, written as it happens (a sent row is marked before the next
 * message's reply is awaited, so a crash repeats at most the message in flight) and summed up once
 * per batch for the governor, the transport's health and the timeline.
 */
export class BatchOutcome {
  transportId: string | null = null;
  private marking: Promise<unknown> = Promise.resolve();
  private readonly settled = new Set<string>();
  private readonly sentContacts: { contactId: string | null; messageId: string; email: string }[] = [];
  private readonly bounces: { contactId: string | null; messageId: string; email: string; code: string | number | undefined; message: string; suppress: boolean }[] = [];
  private unused = 0;
  private transportError: unknown = null;

  constructor(
    private readonly env: Env,
    private readonly db: DB,
    private readonly tenantId: string,
    private readonly campaignId: string | null,
    private readonly jobs: Map<string, QueueMessage>,
  ) {}

  private write(id: string, set: Partial<typeof messages.$inferInsert>, ack = true) {
    this.settled.add(id);
    const previous = this.marking;
    this.marking = previous.then(() => this.db.update(messages).set(set).where(eq(messages.id, id)).run());
    if (ack) this.jobs.get(id)?.ack();
  }

  sent({ id, email }: Claimed, contactId: string | null, externalId: string) {
    this.sentContacts.push({ contactId, messageId: id, email });
    this.write(id, { status: 'sent', sentAt: new Date(), providerMessageId: externalId, transportId: this.transportId, error: null, claimedAt: null });
  }

  /** `suppress`: whether the rejection is known to be the address's (a message to several mailboxes rejected as a whole is not). */
  bounced({ id, email }: Claimed, contactId: string | null, err: TransportError, suppress = true) {
    this.bounces.push({ contactId, messageId: id, email, code: err.opts.code, message: err.message, suppress });
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

  /**
   * Stopped mid-batch (pause, kill switch): the rest goes back untouched, to the campaign's runner, or
   * for a transactional message to the cron, which queues it again from `retryAt`.
   */
  putBack(ids: string[], retryAt?: Date) {
    this.unused += ids.length;
    for (const id of ids) this.write(id, { status: 'pending', claimedAt: null, ...(retryAt ? { sendAfter: retryAt } : {}) });
  }

  async settle(rows: Claimed[]) {
    // Anything the loop never reached (an unexpected error) goes back to the runner, not lost.
    const untouched = rows.filter((r) => !this.settled.has(r.id)).map((r) => r.id);
    if (untouched.length) this.putBack(untouched);
    await this.marking;
    const scope = tenantScope(this.db, this.tenantId);
    const events = [
      ...this.sentContacts.flatMap((s) => (s.contactId ? [{ contactId: s.contactId, type: 'sent' as const, campaignId: this.campaignId, data: { message_id: s.messageId } }] : [])),
      ...this.bounces.flatMap((b) => (b.contactId ? [{ contactId: b.contactId, type: 'bounce' as const, campaignId: this.campaignId, data: { message_id: b.messageId, kind: 'hard', code: b.code ?? null, reason: b.message.slice(0, 300) } }] : [])),
    ];
    await Promise.all([
      recordContactEvents(scope, events),
      markHardBounces(scope, this.bounces.filter((b) => b.suppress)),
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
async function markHardBounces(scope: ReturnType<typeof tenantScope>, bounces: { contactId: string | null; email: string }[]) {
  const statements = suppressContactsStatements(scope, bounces, { status: 'bounced', reason: 'bounce' });
  await runBatch(scope.db, statements);
}

