import { z } from '@hono/zod-openapi';
import { inArray, isNull, type SQL } from 'drizzle-orm';
import { jsonValues } from '../db/conditions';
import { CONTACT_STATUSES, contacts, lists, type ContactStatus } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { contactFilterWhere } from './contacts';
import { FieldFilters, fieldFilterRules, rulesWhere, type RuleGroup } from './segment-rules';
import { segmentRules } from './segments';

/** Ids a selection may name directly (a dashboard's checked rows, an integrator's list). */
export const MAX_SELECTED_IDS = 10_000;

export interface SelectionFilter {
  q?: string;
  status?: ContactStatus;
  tag?: string;
  list?: string;
  /** Field equalities as the API takes them (`country:DE`); resolved into `fields`. */
  field?: string[];
}

/** Whom a bulk action or an export is about, as the API takes it. */
export type ContactSelection = { ids: string[] } | { filter: SelectionFilter } | { segment_id: string };

/**
 * A selection with its references checked and a segment's rules pinned: what jobs store, so every
 * chunk of a long job sees the same audience even if the segment is edited meanwhile.
 */
export type ResolvedSelection = { ids: string[] } | { filter: SelectionFilter & { fields?: RuleGroup } } | { rules: RuleGroup };

export const SelectionSchema = z
  .union([
    z.object({ ids: z.array(z.string().min(3).max(64)).min(1).max(MAX_SELECTED_IDS) }).strict(),
    z
      .object({
        filter: z
          .object({
            q: z.string().trim().min(1).max(200).optional(),
            status: z.enum(CONTACT_STATUSES).optional(),
            tag: z.string().max(50).optional(),
            list: z.string().min(3).max(64).optional().openapi({ description: 'Subscribed to this list id' }),
            field: FieldFilters,
          })
          .strict(),
      })
      .strict(),
    z.object({ segment_id: z.string().min(3).max(64) }).strict(),
  ])
  .openapi('ContactSelection', { description: 'Contact ids, a contact filter (as on GET /v1/contacts) or a saved segment. Only live contacts of the workspace are selected: other ids are skipped.' });

/** 404 for another tenant's segment or list, as everywhere. */
export async function resolveSelection(scope: TenantScope, selection: ContactSelection): Promise<ResolvedSelection> {
  if ('segment_id' in selection) return { rules: await segmentRules(scope, selection.segment_id) };
  if (!('filter' in selection)) return selection;
  const { filter } = selection;
  if (filter.list) await scope.get(lists, filter.list, 'List');
  return filter.field?.length ? { filter: { ...filter, fields: await fieldFilterRules(scope, filter.field, 'selection.filter.field') } } : selection;
}

/** The selection as a WHERE clause over `contacts`: live contacts of this tenant only. */
export function resolvedSelectionWhere(scope: TenantScope, selection: ResolvedSelection, now: Date): SQL {
  if ('ids' in selection) return scope.own(contacts, isNull(contacts.deletedAt), inArray(contacts.id, jsonValues(selection.ids)))!;
  if ('rules' in selection) return rulesWhere(scope, selection.rules, now);
  return contactFilterWhere(scope, selection.filter);
}

/** For modules that use a selection once (campaign audiences, counts): resolve and compile in one go. */
export async function selectionWhere(scope: TenantScope, selection: ContactSelection, now = new Date()): Promise<SQL> {
  return resolvedSelectionWhere(scope, await resolveSelection(scope, selection), now);
}

export const selectionKind = (selection: ContactSelection | ResolvedSelection) =>
  'ids' in selection ? 'ids' : 'filter' in selection ? 'filter' : 'segment';
