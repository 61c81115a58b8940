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
