import { and, count, eq, exists, inArray, isNull, not, or, sql, type SQL } from 'drizzle-orm';
import { jsonValues } from '../db/conditions';
import { contactEvents, contacts, lists, messages, suppressions, type CampaignAudience } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { validationProblem } from '../lib/problem';
import { subscribedCondition, tagCondition, type FilterPlan } from './contact-conditions';
import { rulesWhere, type RuleGroup } from './segment-rules';
import { segmentRules } from './segments';

/**
 * An audience with every reference checked and each segment's rules copied: what the CampaignRunner
 * keeps, so the campaign goes to the audience as it was when sending started even if a segment is
 * edited halfway.
 */
export interface PinnedAudience {
  all: boolean;
  lists: string[];
  segments: RuleGroup[];
  tags: string[];
  contactIds: string[];
  unopenedOf: string | null;
  excludeLists: string[];
  excludeSegments: RuleGroup[];
  excludeTags: string[];
  inactive: NonNullable<CampaignAudience['inactive']>;
}

export const audienceIsEmpty = (a: CampaignAudience) =>
  !a.all && !a.lists?.length && !a.segments?.length && !a.tags?.length && !a.contact_ids?.length && !a.unopened_of;

/** 404-free: a missing list or segment is a validation error naming the field, not a missing campaign. */
export async function pinAudience(scope: TenantScope, a: CampaignAudience): Promise<PinnedAudience> {
  const errors: { field: string; message: string }[] = [];
  const listIds = [...(a.lists ?? []), ...(a.exclude_lists ?? [])];
  if (listIds.length) {
    const found = new Set((await scope.db.select({ id: lists.id }).from(lists).where(scope.own(lists, inArray(lists.id, listIds))).all()).map((l) => l.id));
    for (const [field, ids] of [['audience.lists', a.lists], ['audience.exclude_lists', a.exclude_lists]] as const) {
      ids?.forEach((id, i) => found.has(id) || errors.push({ field: `${field}.${i}`, message: `List ${id} does not exist in this workspace.` }));
    }
  }
  const rulesOf = async (field: string, ids: string[] | undefined) =>
    Promise.all(
      (ids ?? []).map((id, i) =>
        segmentRules(scope, id).catch(() => {
          errors.push({ field: `${field}.${i}`, message: `Segment ${id} does not exist in this workspace.` });
          return null;
        }),
      ),
    );
  const [segments, excludeSegments] = await Promise.all([rulesOf('audience.segments', a.segments), rulesOf('audience.exclude_segments', a.exclude_segments)]);
  if (errors.length) throw validationProblem(errors, 'The audience names lists or segments that do not exist.');
  return {
    all: Boolean(a.all),
    lists: a.lists ?? [],
    segments: segments.filter((r): r is RuleGroup => r !== null),
    tags: a.tags ?? [],
    contactIds: a.contact_ids ?? [],
    unopenedOf: a.unopened_of ?? null,
    excludeLists: a.exclude_lists ?? [],
    excludeSegments: excludeSegments.filter((r): r is RuleGroup => r !== null),
    excludeTags: a.exclude_tags ?? [],
    inactive: a.inactive ?? 'exclude',
  };
}

/** Suppressed by address or by the address's whole domain: each an index seek on suppressions_tenant_kind_value. */
function notSuppressed(): SQL {
  const by = (kind: 'email' | 'domain', value: SQL) =>
    exists(
      sql`(select 1 from ${suppressions} where ${suppressions.tenantId} = ${contacts.tenantId} and ${suppressions.kind} = ${sql.raw(`'${kind}'`)} and ${suppressions.value} = ${value})`,
    );
  return not(or(by('email', sql`${contacts.email}`), by('domain', sql`substr(${contacts.email}, instr(${contacts.email}, '@') + 1)`))!);
}

/** Contacts of the parent campaign that were sent it and have not opened it (resend to unopened). */
function unopenedOf(scope: TenantScope, campaignId: string): SQL {
  const sent = scope.db.select({ id: messages.contactId }).from(messages).where(and(eq(messages.campaignId, campaignId), sql`${messages.status} = 'sent'`));
  const opened = scope.db
    .select({ id: contactEvents.contactId })
    .from(contactEvents)
    .where(and(eq(contactEvents.tenantId, scope.tenantId), sql`${contactEvents.type} = 'open'`, eq(contactEvents.campaignId, campaignId)));
  return and(inArray(contacts.id, sent), not(inArray(contacts.id, opened)))!;
}

/**
 * Who receives the campaign, as a WHERE clause over `contacts`: live, subscribed contacts of this
 * tenant in any of the includes, in none of the excludes, and not suppressed. Status is checked here
 * and not left to the segments: an audience never reaches an unsubscribed or bounced address.
 */
export function audienceWhere(scope: TenantScope, a: PinnedAudience, now: Date, sets: FilterPlan = 'scan'): SQL {
  const includes: SQL[] = a.all
    ? [sql`1`]
    : [
        ...a.lists.map((id) => subscribedCondition(scope, id, sets)),
        ...a.tags.map((name) => tagCondition(scope, name, sets)),
        ...a.segments.map((rules) => rulesWhere(scope, rules, now, sets)),
        ...(a.contactIds.length ? [inArray(contacts.id, jsonValues(a.contactIds))] : []),
        ...(a.unopenedOf ? [unopenedOf(scope, a.unopenedOf)] : []),
      ];
  const excludes: SQL[] = [
    ...a.excludeLists.map((id) => subscribedCondition(scope, id, sets)),
    ...a.excludeTags.map((name) => tagCondition(scope, name, sets)),
    ...a.excludeSegments.map((rules) => rulesWhere(scope, rules, now, sets)),
  ];
  return scope.own(
    contacts,
    isNull(contacts.deletedAt),
    a.inactive === 'exclude' ? sql`${contacts.status} = 'subscribed'` : a.inactive === 'only' ? sql`${contacts.status} = 'inactive'` : sql`${contacts.status} in ('subscribed', 'inactive')`,
    includes.length ? or(...includes) : sql`0`,
    excludes.length ? not(or(...excludes)!) : undefined,
    notSuppressed(),
  )!;
}

export async function countAudience(scope: TenantScope, a: CampaignAudience, now = new Date()): Promise<number> {
  if (audienceIsEmpty(a)) return 0;
  const pinned = await pinAudience(scope, a);
  const [row] = await scope.db.select({ n: count() }).from(contacts).where(audienceWhere(scope, pinned, now, 'index'));
  return row?.n ?? 0;
}
