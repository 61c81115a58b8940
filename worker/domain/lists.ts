import { and, count, eq, inArray, isNull, ne } from 'drizzle-orm';
import { contacts, listMembers, lists } from '../db/schema';
import { jsonValues } from '../db/conditions';
import type { TenantScope } from '../db/tenant-scope';
import { Problem } from '../lib/problem';
import { auditStatement, type AuditInput } from './audit';
import { contactEventStatements } from './contact-events';

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

/** A list_members row binds 4 parameters, and D1 allows 100 per statement. */
const MEMBERS_PER_INSERT = 20;

const slices = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Which of these contacts already have a membership (any status) in the list. */
async function existingMembers(scope: TenantScope, listId: string, contactIds: string[]) {
  const rows = await scope.db.select({ id: listMembers.contactId }).from(listMembers).where(scope.own(listMembers, eq(listMembers.listId, listId), inArray(listMembers.contactId, jsonValues(contactIds)))).all();
  return new Set(rows.map((r) => r.id));
}

/**
 * Inserts of new memberships. An existing membership is never overwritten: a contact who
 * unsubscribed from the list stays unsubscribed, whoever adds them again (one by one or in bulk).
 */
export const joinListStatements = (scope: TenantScope, listId: string, contactIds: string[]) =>
  slices(contactIds, MEMBERS_PER_INSERT).map((slice) =>
    scope.db.insert(listMembers).values(slice.map((contactId) => ({ tenantId: scope.tenantId, listId, contactId }))).onConflictDoNothing(),
  );

/**
 * Adds contacts to a list. Only live contacts of this tenant count (others are reported as not
 * found); a contact who unsubscribed from the list stays unsubscribed: re-adding by hand must not
 * undo a recipient's choice. Only contacts that were not on the list get a `list_added` event.
 */
export async function addMembers(scope: TenantScope, listId: string, contactIds: string[], actor: AuditInput['actor']) {
  await scope.get(lists, listId, 'List');
  const unique = [...new Set(contactIds)];
  const ids = (await scope.db.select({ id: contacts.id }).from(contacts).where(scope.own(contacts, inArray(contacts.id, jsonValues(unique)), isNull(contacts.deletedAt))).all()).map((c) => c.id);
  const members = await existingMembers(scope, listId, ids);
  const added = ids.filter((id) => !members.has(id));
  await scope.db.batch([
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'list.members_added', target: { type: 'list', id: listId }, metadata: { count: ids.length } }),
    ...joinListStatements(scope, listId, added),
    ...contactEventStatements(scope, added.map((contactId) => ({ contactId, type: 'list_added', data: { list_id: listId } }))),
  ]);
  const found = new Set(ids);
  return { added: ids.length, not_found: unique.filter((id) => !found.has(id)) };
}

/**
 * Removes subscribed and pending memberships. An unsubscribed one stays as the record of the
 * recipient's choice: otherwise removing and re-adding a contact would quietly re-subscribe them.
 */
export async function removeMembers(scope: TenantScope, listId: string, contactIds: string[], actor: AuditInput['actor']) {
  await scope.get(lists, listId, 'List');
  const rows = await scope.db
    .select({ id: listMembers.contactId })
    .from(listMembers)
    .where(scope.own(listMembers, eq(listMembers.listId, listId), ne(listMembers.status, 'unsubscribed'), inArray(listMembers.contactId, jsonValues([...new Set(contactIds)]))))
    .all();
  const removed = rows.map((r) => r.id);
  await scope.db.batch([
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'list.members_removed', target: { type: 'list', id: listId }, metadata: { count: removed.length } }),
    scope.db.delete(listMembers).where(scope.own(listMembers, eq(listMembers.listId, listId), ne(listMembers.status, 'unsubscribed'), inArray(listMembers.contactId, jsonValues(removed)))),
    ...contactEventStatements(scope, removed.map((contactId) => ({ contactId, type: 'list_removed', data: { list_id: listId } }))),
  ]);
  return { removed: removed.length };
}

/** The subquery of contact ids subscribed to a list, for contact filters (and later, audiences). */
export const subscribedTo = (scope: TenantScope, listId: string) =>
  scope.db.select({ id: listMembers.contactId }).from(listMembers).where(scope.own(listMembers, and(eq(listMembers.listId, listId), eq(listMembers.status, 'subscribed'))));
