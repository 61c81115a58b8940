import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { runBatch, type DB } from '../db/client';
import { contacts, listMembers, lists, suppressions, tenants } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import type { TrackedRecipient } from '../mail/tracking-tokens';
import type { Env } from '../env';
import { contactEventStatements } from './contact-events';
import { suppressContactsStatements } from './suppressions';
import { emitWebhookEventsSafely } from './webhook-delivery';

/**
 * What a recipient does from a message's own links: unsubscribe (one click, RFC 8058), resubscribe,
 * and the preference center. The signed token is the only credential: it proves the person holds the
 * mailbox the message went to, as every ESP's links do. Nothing here reads or writes another contact.
 */
export type UnsubscribeSource = 'one_click' | 'page' | 'preferences';

export interface RecipientState {
  scope: TenantScope;
  owner: { name: string; brand: (typeof tenants.$inferSelect)['brand'] };
  contact: { id: string; email: string; status: (typeof contacts.$inferSelect)['status']; language: string | null };
  /** Why the address is suppressed, if it is. */
  suppressed: (typeof suppressions.$inferSelect)['reason'] | null;
  lists: { id: string; name: string; description: string | null; subscribed: boolean }[];
}

/** The recipient's workspace, contact and topics; null when the contact has been purged since. */
export async function recipientState(db: DB, r: TrackedRecipient): Promise<RecipientState | null> {
  const scope = tenantScope(db, r.tenantId);
  const [tenant, contact] = await Promise.all([
    db.select({ name: tenants.name, brand: tenants.brand }).from(tenants).where(eq(tenants.id, r.tenantId)).get(),
    scope.find(contacts, r.contactId),
  ]);
  if (!tenant || !contact || contact.deletedAt) return null;
  const [suppression, topics] = await Promise.all([
    db.select({ reason: suppressions.reason }).from(suppressions).where(scope.own(suppressions, eq(suppressions.kind, 'email'), eq(suppressions.value, contact.email))).get(),
    db
      .select({ id: lists.id, name: lists.name, description: lists.description, member: listMembers.status })
      .from(lists)
      .leftJoin(listMembers, and(eq(listMembers.listId, lists.id), eq(listMembers.contactId, contact.id)))
      .where(scope.own(lists))
      .orderBy(asc(lists.name))
      .all(),
  ]);
  return {
    scope,
    owner: tenant,
    contact: { id: contact.id, email: contact.email, status: contact.status, language: contact.language },
    suppressed: suppression?.reason ?? null,
    lists: topics.map((t) => ({ id: t.id, name: t.name, description: t.description, subscribed: t.member === 'subscribed' || t.member === 'pending' })),
  };
}

/**
 * Unsubscribes at once and suppresses the address, so no later import or form puts it back on a
 * campaign by accident. Idempotent: a second click (or a mail scanner replaying the POST) changes
 * nothing and writes no second event.
 */
export async function unsubscribeRecipient(env: Env, state: RecipientState, r: TrackedRecipient, source: UnsubscribeSource) {
  const { scope, contact } = state;
  const mailable = contact.status === 'subscribed' || contact.status === 'pending';
  if (!mailable && state.suppressed) return { changed: false };
  await runBatch(scope.db, [
    ...suppressContactsStatements(scope, [{ contactId: contact.id, email: contact.email }], { status: 'unsubscribed', reason: 'unsubscribe' }),
    ...contactEventStatements(scope, [{ contactId: contact.id, type: 'unsubscribed', campaignId: r.campaignId ?? null, data: { source, message_id: r.messageId } }]),
  ]);
  await emitWebhookEventsSafely(env, scope.db, scope.tenantId, [
    { type: 'unsubscribed', data: { contact_id: contact.id, email: contact.email, campaign_id: r.campaignId ?? null, message_id: r.messageId, source } },
  ]);
  return { changed: true };
}

/**
 * Undoes the recipient's own unsubscribe. A suppression for another reason (a bounce, a complaint, the
 * sender's own decision) is not the recipient's to lift.
 */
export async function resubscribeRecipient(state: RecipientState, r: TrackedRecipient): Promise<'resubscribed' | 'already' | 'not_allowed'> {
  const { scope, contact } = state;
  if (contact.status === 'subscribed' && !state.suppressed) return 'already';
  if (contact.status !== 'unsubscribed' || (state.suppressed && state.suppressed !== 'unsubscribe')) return 'not_allowed';
  await scope.db.batch([
    scope.db.delete(suppressions).where(scope.own(suppressions, eq(suppressions.kind, 'email'), eq(suppressions.value, contact.email), eq(suppressions.reason, 'unsubscribe'))),
    scope.db.update(contacts).set({ status: 'subscribed', updatedAt: new Date() }).where(scope.own(contacts, eq(contacts.id, contact.id), eq(contacts.status, 'unsubscribed'))),
    ...contactEventStatements(scope, [{ contactId: contact.id, type: 'subscribed', campaignId: r.campaignId ?? null, data: { source: 'resubscribe', message_id: r.messageId } }]),
  ]);
  return 'resubscribed';
}

/** The preference center's save: topics joined and left, and the language for future messages and pages. */
export async function savePreferences(state: RecipientState, r: TrackedRecipient, input: { lists: string[]; language: string | null }) {
  const { scope, contact } = state;
  const wanted = new Set(input.lists);
  const join = state.lists.filter((l) => wanted.has(l.id) && !l.subscribed).map((l) => l.id);
  const leave = state.lists.filter((l) => !wanted.has(l.id) && l.subscribed).map((l) => l.id);
  const statements = [
    ...join.map((listId) =>
      scope.db
        .insert(listMembers)
        .values({ tenantId: scope.tenantId, listId, contactId: contact.id, status: 'subscribed' })
        .onConflictDoUpdate({ target: [listMembers.listId, listMembers.contactId], set: { status: sql`'subscribed'` } }),
    ),
    ...(leave.length ? [scope.db.update(listMembers).set({ status: 'unsubscribed' }).where(scope.own(listMembers, eq(listMembers.contactId, contact.id), inArray(listMembers.listId, leave)))] : []),
    ...(input.language !== contact.language ? [scope.db.update(contacts).set({ language: input.language, updatedAt: new Date() }).where(scope.own(contacts, eq(contacts.id, contact.id)))] : []),
    ...contactEventStatements(scope, [
      ...join.map((listId) => ({ contactId: contact.id, type: 'list_added' as const, data: { list_id: listId, source: 'preferences', message_id: r.messageId } })),
      ...leave.map((listId) => ({ contactId: contact.id, type: 'list_removed' as const, data: { list_id: listId, source: 'preferences', message_id: r.messageId } })),
    ]),
  ];
  await runBatch(scope.db, statements);
  return { joined: join.length, left: leave.length };
}
