/** A list page's URL with only the filters that are set: `listHref('/campaigns', { deleted: true, cursor: '' })` → `/campaigns?deleted=true`. */
export function listHref(path: string, params: Record<string, string | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === true) search.set(name, 'true');
    else if (typeof value === 'string' && value) search.set(name, value);
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A whole-day filter (YYYY-MM-DD, UTC, as date inputs give it) from a list page's URL; '' when absent or malformed. */
export function dayParam(url: URL, name: string): string {
  const value = url.searchParams.get(name)?.trim() ?? '';
  return DAY.test(value) ? value : '';
}

/** A day filter as the API's instants: from the day's first millisecond, to its last (UTC); '' stays ''. */
export const dayStart = (day: string) => day && `${day}T00:00:00Z`;
export const dayEnd = (day: string) => day && `${day}T23:59:59.999Z`;
