import { CONTACT_STATUSES, type ContactFilter, type ContactSelection, type ContactStatus } from './api-types';
import { dayEnd, dayParam, dayStart } from './list-url';

/** The contacts list as the URL describes it: search, filters, the deleted view and the page. */
export interface ContactListFilters {
  q: string;
  status: ContactStatus | '';
  tag: string;
  list: string;
  /** Created on or after / on or before these days (YYYY-MM-DD, UTC), as date inputs give them. */
  from: string;
  to: string;
  /** One field equality: a contact field or `custom.<key>`, and its value (empty: contacts without one). */
  field: string;
  value: string;
  deleted: boolean;
  cursor: string;
}

export function contactFiltersOf(url: URL): ContactListFilters {
  const get = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const status = get('status');
  return {
    q: get('q'),
    status: (CONTACT_STATUSES as readonly string[]).includes(status) ? (status as ContactStatus) : '',
    tag: get('tag'),
    list: get('list'),
    from: dayParam(url, 'from'),
    to: dayParam(url, 'to'),
    field: get('field'),
    value: get('value'),
    deleted: get('deleted') === 'true',
    cursor: get('cursor'),
  };
}

/** The query of GET /v1/contacts for these filters. */
export function contactsQuery(f: ContactListFilters, limit: number) {
  return {
    limit,
    cursor: f.cursor,
    q: f.q,
    status: f.status,
    tag: f.tag,
    list: f.list,
    created_after: dayStart(f.from),
    created_before: dayEnd(f.to),
    field: fieldFilter(f),
    deleted: f.deleted ? 'true' : undefined,
  };
}

/** The API's `field` filter (`country:DE`) for the chosen field and value. */
const fieldFilter = (f: ContactListFilters) => (f.field ? `${f.field}:${f.value}` : undefined);

/** Whether anything narrows the list (the deleted view and paging do not count). */
export const isFiltered = (f: ContactListFilters) => Boolean(f.q || f.status || f.tag || f.list || f.from || f.to || f.field);

/**
 * The filter for "all contacts matching" in a bulk action or an export, or null when the API's
 * selection cannot say it (it has no date range), so the action never reaches more contacts than
 * the list shows.
 */
export function selectionFilter(f: ContactListFilters): ContactFilter | null {
  if (f.from || f.to || f.deleted) return null;
  return {
    ...(f.q ? { q: f.q } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.tag ? { tag: f.tag } : {}),
    ...(f.list ? { list: f.list } : {}),
    ...(f.field ? { field: [fieldFilter(f)!] } : {}),
  };
}

/** A contacts-list URL search for these filters with some changed; empty values are left out. */
export function contactsSearch(f: ContactListFilters, changes: Partial<ContactListFilters> = {}): string {
  const next = { ...f, ...changes };
  const params = new URLSearchParams();
  for (const name of ['q', 'status', 'tag', 'list', 'from', 'to', 'field', 'value', 'cursor'] as const) if (next[name]) params.set(name, next[name]);
  if (next.deleted) params.set('deleted', 'true');
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** A selection as hidden form fields (bulk action and export dialogs post it). */
export function selectionFields(selection: ContactSelection): Record<string, string | string[]> {
  if ('ids' in selection) return { selection: 'ids', ids: selection.ids };
  if ('segment_id' in selection) return { selection: 'segment', segment_id: selection.segment_id };
  return { selection: 'filter', filter: JSON.stringify(selection.filter) };
}

const invalidSelection = () => new Response('The selection is not valid. Reload the page and try again.', { status: 400 });

/** The selection a dialog posted, for the API; undefined when it posted none (all live contacts). */
export function selectionFromForm(form: FormData): ContactSelection | undefined {
  const kind = form.get('selection');
  if (kind === 'ids') return { ids: form.getAll('ids').map(String) };
  if (kind === 'segment') return { segment_id: String(form.get('segment_id') ?? '') };
  if (kind === 'filter') {
    // A filter that does not parse must never widen to "everyone": refuse it.
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(form.get('filter')));
    } catch {
      throw invalidSelection();
    }
    const filter: ContactFilter = {};
    if (parsed && typeof parsed === 'object') {
      // Only the keys the API's filter has, as strings: the API validates the values.
      // Dropping a condition would widen the selection: one that is not text (a list of texts for
      // `field`) is refused.
      for (const key of ['q', 'status', 'tag', 'list'] as const) {
        const value = (parsed as Record<string, unknown>)[key];
        if (value !== undefined && typeof value !== 'string') throw invalidSelection();
        if (value) Object.assign(filter, { [key]: value });
      }
      const fields = (parsed as Record<string, unknown>).field;
      if (fields !== undefined) {
        if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) throw invalidSelection();
        if (fields.length) filter.field = fields;
      }
    }
    return { filter };
  }
  return undefined;
}
