import { eq, inArray } from 'drizzle-orm';
import type { DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { tenants, transactionalContents, type Tenant } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import { isSendingStopped } from '../domain/kill-switch';
import { acquireSendPermits, sendingLimits } from '../domain/send-permits';
import { platformDomain, senderIdentity, type SenderIdentity } from '../domain/sender-identity';
import { suppressedAmong } from '../domain/suppressions';
import { trackingBaseUrl } from '../domain/tracking-domains';
import { resolveTransport } from '../domain/transports';
import type { Env } from '../env';
import { toBase64 } from '../lib/encoding';
import { buildMessage } from '../mail/build-message';
import type { Attachment } from '../mail/mime';
import { TransportError, type TransportSession } from '../transports/transport';
import { BatchOutcome, backToPending, claim, type Claimed, type QueueMessage } from './send-batch';

/** While the workspace cannot send (kill switch, suspension, budget), its transactional mail waits this long before the cron tries again. */
const WAIT_WHILE_STOPPED_MS = 5 * 60_000;
const WAIT_FOR_BUDGET_MS = 60_000;

type Content = typeof transactionalContents.$inferSelect;

/**
 * Transactional messages of one workspace: the same checks as a campaign batch (tenant, kill switch,
 * exactly-once claim, governor permits), then each message built from the content stored when the
 * API accepted it and sent over the `transactional` route of its From domain. Messages that cannot go
 * now wait as `pending` for the cron rather than in the queue, so a long stop never runs them into
 * the dead-letter queue.
 */
export async function sendTransactionalBatch(env: Env, db: DB, tenantId: string, group: QueueMessage[]) {
  const jobs = new Map(group.map((m) => [m.body.messageId, m]));
  const ids = [...jobs.keys()];
  const ackAll = (which: Iterable<string>) => {
    for (const id of which) jobs.get(id)?.ack();
  };
  const now = Date.now();
  const tenant = await db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
  if (!tenant || tenant.status !== 'active' || (await isSendingStopped(env, tenantId))) {
    await backToPending(db, ids, new Date(now + WAIT_WHILE_STOPPED_MS));
    return ackAll(ids);
  }
  const claimed = await claim(env, db, { tenantId, campaignId: null }, ids, now);
  ackAll(ids.filter((id) => !claimed.some((c) => c.id === id)));
  if (!claimed.length) return;

  const grant = await acquireSendPermits(env, db, tenantId, await sendingLimits(db, tenantId), claimed.length, now);
  const excess = claimed.slice(grant.granted).map((c) => c.id);
  await backToPending(db, excess, new Date(now + WAIT_FOR_BUDGET_MS));
  ackAll(excess);
  const toSend = claimed.slice(0, grant.granted);
  if (!toSend.length) return;

  const outcome = new BatchOutcome(env, db, tenantId, null, jobs);
  try {
    await deliver(env, db, tenant, toSend, outcome);
  } finally {
    await outcome.settle(toSend);
  }
}

async function attachmentsOf(env: Env, c: Content): Promise<Attachment[]> {
  return Promise.all(
    c.attachments.map(async (a) => {
      const file = await env.FILES.get(a.key);
      if (!file) throw new Error(`attachment ${a.filename} is missing from storage`);
      return { filename: a.filename, contentType: a.contentType, content: toBase64(new Uint8Array(await file.arrayBuffer())) };
    }),
  );
}

/** Sessions opened on first use, one per transport the batch's From domains route to. */
class Sessions {
  private readonly open = new Map<string, Promise<{ id: string | null; session: TransportSession }>>();
  constructor(
    private readonly env: Env,
    private readonly db: DB,
    private readonly tenantId: string,
  ) {}

  for(fromDomain: string) {
    let s = this.open.get(fromDomain);
    if (!s) {
      s = resolveTransport(this.env, this.db, this.tenantId, 'transactional', fromDomain).then(async (route) => ({ id: route.id, session: await route.transport.open() }));
      this.open.set(fromDomain, s);
    }
    return s;
  }

  async closeAll() {
    await Promise.all([...this.open.values()].map((s) => s.then((x) => x.session.close()).catch(() => undefined)));
  }
}

async function deliver(env: Env, db: DB, tenant: Tenant, rows: Claimed[], outcome: BatchOutcome) {
  const scope = tenantScope(db, tenant.id);
  const contents = new Map(
    (await db.select().from(transactionalContents).where(scope.own(transactionalContents, inArray(transactionalContents.messageId, jsonValues(rows.map((r) => r.id)))))).map((c) => [c.messageId, c]),
  );
  // A scheduled message may have waited days: an address that bounced or complained since is not mailed.
  const everyone = [...contents.values()].flatMap((c) => [...c.to, ...c.cc, ...c.bcc]);
  const blocked = await suppressedAmong(scope, everyone, ['unsubscribe']);
  const senders = new Map<string, Promise<SenderIdentity>>();
  const sessions = new Sessions(env, db, tenant.id);
  // Attachments are kept until their message is handed over, then deleted: the content row keeps the list.
  const handedOver: string[] = [];
  try {
    for (const [i, row] of rows.entries()) {
      const c = contents.get(row.id);
      if (!c) {
        outcome.failed(row.id, 'The message content is missing.');
        continue;
      }
      const keep = (list: string[]) => list.filter((e) => !blocked.has(e));
      const [to, cc, bcc] = [keep(c.to), keep(c.cc), keep(c.bcc)];
      if (!to.length) {
        outcome.skip(row.id, 'Every To address was suppressed (a bounce, a complaint or the suppression list) before the message was sent.');
        continue;
      }
      const senderKey = c.fromEmail ?? '';
      let sender = senders.get(senderKey);
      if (!sender) {
        sender = senderIdentity(env, db, tenant, c.fromEmail ? { email: c.fromEmail, name: c.fromName } : undefined);
        senders.set(senderKey, sender);
      }
      let identity: SenderIdentity;
      let built;
      let attachments: Attachment[];
      try {
        identity = await sender;
        attachments = await attachmentsOf(env, c);
        built = await buildMessage({
          messageId: row.id,
          tenant,
          contact: { id: row.contactId ?? '', email: to[0]! },
          from: { name: c.fromName?.trim() || identity.from.name, email: identity.from.email },
          replyTo: c.replyTo ? { email: c.replyTo } : identity.replyTo ? { email: identity.replyTo } : null,
          subject: c.subject,
          html: c.html,
          text: c.text,
          tracking: { opens: c.trackOpens, clicks: c.trackClicks },
          baseUrl: trackingBaseUrl(env, tenant),
          signingKeys: env.TOKEN_SIGNING_KEYS,
          dkim: identity.dkim,
          platformDomain: platformDomain(env),
          headers: c.headers,
          transactional: { to: to.map((email) => ({ email })), cc: cc.map((email) => ({ email })), attachments },
        });
      } catch (err) {
        // The From domain lost its verification, an attachment is gone, the content cannot be built: retrying will not help.
        outcome.failed(row.id, `The message could not be built: ${(err as Error).message}`);
        continue;
      }
      const fromDomain = identity.from.email.slice(identity.from.email.lastIndexOf('@') + 1);
      let route: { id: string | null; session: TransportSession };
      try {
        route = await sessions.for(fromDomain);
      } catch (err) {
        for (const r of rows.slice(i)) outcome.temporary(r.id, err);
        outcome.transportFailed(err);
        return;
      }
      outcome.transportId = route.id;
      try {
        const result = await route.session.send({
          id: row.id,
          envelopeFrom: identity.returnPath,
          from: { email: identity.from.email, name: c.fromName?.trim() || identity.from.name },
          to,
          cc,
          bcc,
          replyTo: c.replyTo ?? identity.replyTo,
          subject: c.subject,
          html: built.html,
          text: built.text,
          headers: built.headers,
          raw: built.raw,
          stream: 'transactional',
          attachments,
        });
        outcome.sent(row, row.contactId, result.externalId);
        handedOver.push(...c.attachments.map((a) => a.key));
      } catch (err) {
        if (err instanceof TransportError && err.opts.scope !== 'connection') {
          // A message to several mailboxes refused as a whole says nothing certain about one address.
          if (err.kind === 'permanent') outcome.bounced(row, row.contactId, err, to.length + cc.length + bcc.length === 1);
          else outcome.temporary(row.id, err);
          continue;
        }
        // The session is unusable or the provider is struggling: this and the rest wait for a retry.
        for (const r of rows.slice(i)) outcome.temporary(r.id, err);
        outcome.transportFailed(err);
        return;
      }
    }
  } finally {
    await sessions.closeAll();
    await Promise.all(handedOver.map((key) => env.FILES.delete(key).catch(() => undefined)));
  }
}
