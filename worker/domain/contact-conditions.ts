/**
 * Conditions over contacts that the contact filter (GET /v1/contacts, selections) and segment rules
 * share: the search, "carries tag T" and "subscribed to list L". Each can run two ways, selecting
 * the same contacts at different costs:
 *
 * - `index`: the matching contact ids are read from the condition's own index first (a set built
 *   once per statement), so the work follows the number of matches. Best for counts, and for pages
 *   when few contacts match.
 * - `scan`: each contact is checked as it is read, with one seek into a per-contact index. A newest
 *   first page stops as soon as it is full — within a few hundred contacts when many match — and a
 *   job walking a selection chunk by chunk reads each contact once instead of rebuilding the set
 *   for every chunk. When almost nothing matches, a page reads every contact.
 *
 * `planFilters` picks the cheaper way for one page by counting each condition's matches in its
 * index, capped at INDEXED_FILTER_LIMIT.
 */
import { and, count, eq, exists, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { likeText, prefixRange } from '../db/conditions';
import { contacts, contactTags, listMembers, tags } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';

export type FilterPlan = 'index' | 'scan';
export interface FilterPlans {
  search?: FilterPlan;
  tag?: FilterPlan;
  list?: FilterPlan;
}

/**
 * A condition matching fewer contacts than this runs from its index. About √(50 · 1,000,000): the
 * index way then reads under 5,000 entries, and a scan for a condition matching more finds a page of
 * 50 within about 1,000,000 / 5,000 · 50 = 10,000 contacts of a million.
 */
export const INDEXED_FILTER_LIMIT = 5000;

/**
 * The prefixes a search compares: emails are stored lower-cased, so the query is lower-cased for
 * them; names keep their case and compare with ASCII letters folded, as SQLite's lower() and LIKE
 * fold them ("Émile" finds "ÉMILE", "émile" does not find "Émile").
 */
function searchPrefixes(q: string) {
  const text = q.trim();
  return { email: text.toLowerCase(), name: text.replace(/[A-Z]/g, (ch) => ch.toLowerCase()) };
}

/** The search as ranges of three indexes: contacts_tenant_email, _first_name_lower, _last_name_lower. */
function searchRanges(q: string) {
  const p = searchPrefixes(q);
  return [prefixRange(contacts.email, p.email), prefixRange(sql`lower(${contacts.firstName})`, p.name), prefixRange(sql`lower(${contacts.lastName})`, p.name)];
}

const searchMatches = (scope: TenantScope, q: string) => searchRanges(q).map((range) => scope.db.select({ id: contacts.id }).from(contacts).where(scope.own(contacts, range)));

/** A prefix of the email or of either name, taken literally. */
export function searchCondition(scope: TenantScope, q: string, plan: FilterPlan): SQL {
  if (plan === 'index') {
    const [email, first, last] = searchMatches(scope, q);
    return inArray(contacts.id, email!.unionAll(first!).unionAll(last!));
  }
  // LIKE folds ASCII letters on both sides and takes the escaped text literally: the same matches
  // as the ranges above, checked row by row.
  const p = searchPrefixes(q);
  return or(likeText(contacts.email, p.email, 'start'), likeText(contacts.firstName, p.name, 'start'), likeText(contacts.lastName, p.name, 'start'))!;
}

/**
 * Contacts carrying the tag of this name, as a subquery of contact ids: the tag found by name, then
 * its members read from the contact_tags_tag index. The tenant id and the name travel as one bound
 * parameter (a JSON pair): segment rules may hold 50 tag conditions, and D1 binds at most 100
 * parameters per statement.
 */
export function taggedWith(scope: TenantScope, tagName: string) {
  const key = sql`(select ${JSON.stringify([scope.tenantId, tagName])} as pair) as tag_key`;
  return scope.db
    .select({ id: contactTags.contactId })
    .from(key)
    .innerJoin(tags, and(eq(tags.tenantId, sql`tag_key.pair ->> 0`), eq(tags.name, sql`tag_key.pair ->> 1`)))
    .innerJoin(contactTags, and(eq(contactTags.tenantId, tags.tenantId), eq(contactTags.tagId, tags.id)));
}

/**
 * The contact carries the tag of this name. `scan` seeks contact_tags_pk (contact, tag) for each
 * contact; it must not name contact_tags' tenant, or SQLite prefers the contact_tags_tag index and
 * reads every tag link of the tenant for each contact. The tag itself is this tenant's.
 */
export function tagCondition(scope: TenantScope, tagName: string, plan: FilterPlan): SQL {
  if (plan === 'index') return inArray(contacts.id, taggedWith(scope, tagName));
  const tagId = scope.db.select({ id: tags.id }).from(tags).where(and(eq(tags.tenantId, contacts.tenantId), eq(tags.name, tagName)));
  return exists(scope.db.select({ one: sql`1` }).from(contactTags).where(and(eq(contactTags.contactId, contacts.id), eq(contactTags.tagId, tagId))));
}

/** Subscribers of the list; the status is written into the SQL to leave D1's parameters to segment rules' own values. */
const subscribers = (scope: TenantScope, listId: string) =>
  scope.db.select({ id: listMembers.contactId }).from(listMembers).where(scope.own(listMembers, eq(listMembers.listId, listId), sql`${listMembers.status} = 'subscribed'`));

/** The contact is subscribed to this list; both ways read list_members_list_status. */
export function subscribedCondition(scope: TenantScope, listId: string, plan: FilterPlan): SQL {
  if (plan === 'index') return inArray(contacts.id, subscribers(scope, listId));
  const member = and(eq(listMembers.tenantId, contacts.tenantId), eq(listMembers.listId, listId), sql`${listMembers.status} = 'subscribed'`, eq(listMembers.contactId, contacts.id));
  return exists(scope.db.select({ one: sql`1` }).from(listMembers).where(member));
}

/**
 * The cheaper way to run each condition of a page of contacts (see the top of this file): the
 * matches of each are counted in its index, each count stopping at `limit` — at most a few thousand
 * index entries per condition, all in one round trip.
 */
export async function planFilters(scope: TenantScope, f: { q?: string; tag?: string; list?: string }, limit = INDEXED_FILTER_LIMIT): Promise<FilterPlans> {
  const capped = (matches: SQLWrapper) => scope.db.select({ n: count() }).from(sql`(select 1 from ${matches} limit ${limit}) as matches`);
  const q = f.q?.trim();
  const probes: [keyof FilterPlans, SQLWrapper[]][] = [
    ['search', q ? searchMatches(scope, q) : []],
    ['tag', f.tag ? [taggedWith(scope, f.tag)] : []],
    ['list', f.list ? [subscribers(scope, f.list)] : []],
  ];
  const statements = probes.flatMap(([, matches]) => matches.map(capped));
  if (!statements.length) return {};
  const counts = (await scope.db.batch(statements as [(typeof statements)[number], ...typeof statements])).map(([row]) => row?.n ?? 0);
  const plans: FilterPlans = {};
  for (const [filter, matches] of probes) {
    if (matches.length) plans[filter] = counts.splice(0, matches.length).reduce((a, b) => a + b, 0) < limit ? 'index' : 'scan';
  }
  return plans;
}
