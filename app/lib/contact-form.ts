import { CONTACT_STATUSES, type Contact, type CustomField, type CustomValue } from './api-types';

/** The contact fields the detail page edits as text (empty means "not set"). */
export const TEXT_FIELDS = ['first_name', 'last_name', 'phone', 'company', 'city', 'country', 'language', 'timezone'] as const;

/** Form names of custom field inputs, apart from the built-in ones. */
export const customInputName = (key: string) => `custom.${key}`;

/** A custom value as its input shows it. */
export function customInputValue(field: Pick<CustomField, 'type'>, value: CustomValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (field.type === 'date') return String(value).slice(0, 10);
  return String(value);
}

/**
 * The PATCH for what the form changed, and only that: the API records which fields changed, and
 * an untouched field must never overwrite a newer value. Empty inputs clear a field (null).
 */
export function contactPatch(form: FormData, current: Contact, customFields: Pick<CustomField, 'key' | 'type'>[]): Record<string, unknown> {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const patch: Record<string, unknown> = {};
  const email = text('email');
  if (email && email !== current.email) patch.email = email;
  for (const name of TEXT_FIELDS) {
    const value = name === 'country' ? text(name).toUpperCase() : text(name);
    if (value !== (current[name] ?? '')) patch[name] = value === '' ? null : value;
  }
  const status = text('status');
  if ((CONTACT_STATUSES as readonly string[]).includes(status) && status !== current.status) patch.status = status;

  const custom: Record<string, CustomValue> = {};
  for (const field of customFields) {
    const before = current.custom[field.key] ?? null;
    const raw = text(customInputName(field.key));
    let next: CustomValue;
    if (field.type === 'boolean') {
      const checked = form.get(customInputName(field.key)) === 'on';
      // An unchecked box on a field never set says nothing: it stays unset rather than turning false.
      next = checked ? true : before === null ? null : false;
    } else if (raw === '') next = null;
    else if (field.type === 'number') next = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else next = raw;
    if (next !== before && !(field.type === 'date' && typeof before === 'string' && before.slice(0, 10) === next)) custom[field.key] = next;
  }
  if (Object.keys(custom).length) patch.custom = custom;
  return patch;
}
