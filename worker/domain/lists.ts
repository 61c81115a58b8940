import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { contacts, listMembers, lists } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { Problem } from '../lib/problem';
import { audit, type AuditInput } from './audit';

export function listView(l: typeof lists.$inferSelect, members: number) {
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    double_opt_in: l.doubleOptIn,
    subscribers: members,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt?.toISOString() ?? null,
  };
}

/** Subscribed members per list, in one grouped query. */
export async function subscriberCounts(scope: TenantScope, listIds: string[]) {
  if (!listIds.length) return new Map<string, number>();
  const rows = await scope.db
    .select({ listId: listMembers.listId, n: count() })
    .from(listMembers)
    .where(scope.own(listMembers, inArray(listMembers.listId, listIds), eq(listMembers.status, 'subscribed')))
    .groupBy(listMembers.listId)
    .all();
  return new Map(rows.map((r) => [r.listId, r.n]));
}

export async function assertUniqueListName(scope: TenantScope, name: string, exceptId?: string) {
  const same = await scope.db.select({ id: lists.id }).from(lists).where(scope.own(lists, eq(lists.name, name))).get();
  if (same && same.id !== exceptId) throw new Problem('conflict', `A list named "${name}" exists already.`);
}

/**
 * Adds contacts to a list. Only live contacts of this tenant count (others are reported as not
 * found); a contact who unsubscribed from the list stays unsubscribed: re-adding by hand must not
 * undo a recipient's choice.
 */
export async function addMembers(scope: TenantScope, listId: string, contactIds: string[], actor: AuditInput['actor']) {
  await scope.get(lists, listId, 'List');
  const unique = [...new Set(contactIds)];
  const found = await scope.db.select({ id: contacts.id }).from(contacts).where(scope.own(contacts, inArray(contacts.id, unique), isNull(contacts.deletedAt))).all();
  const ids = found.map((c) => c.id);
  if (ids.length) {
    await scope.db
      .insert(listMembers)
      .values(ids.map((contactId) => ({ tenantId: scope.tenantId, listId, contactId })))
      .onConflictDoNothing()
      .run();
  }
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'list.members_added', target: { type: 'list', id: listId }, metadata: { count: ids.length } });
  return { added: ids.length, not_found: unique.filter((id) => !ids.includes(id)) };
}

export async function removeMembers(scope: TenantScope, listId: string, contactIds: string[], actor: AuditInput['actor']) {
  await scope.get(lists, listId, 'List');
  const removed = await scope.db
    .delete(listMembers)
    .where(scope.own(listMembers, eq(listMembers.listId, listId), inArray(listMembers.contactId, [...new Set(contactIds)])))
    .returning({ id: listMembers.contactId });
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'list.members_removed', target: { type: 'list', id: listId }, metadata: { count: removed.length } });
  return { removed: removed.length };
}

/** The subquery of contact ids subscribed to a list, for contact filters (and later, audiences). */
export const subscribedTo = (scope: TenantScope, listId: string) =>
  scope.db.select({ id: listMembers.contactId }).from(listMembers).where(scope.own(listMembers, and(eq(listMembers.listId, listId), eq(listMembers.status, 'subscribed'))));
