import type { Contact } from './api-types';

/** A contact's display name: the name when there is one, else the address. */
export function contactName(c: Pick<Contact, 'email' | 'first_name' | 'last_name'>): string {
  return [c.first_name, c.last_name].filter(Boolean).join(' ') || c.email;
}

/** Tags typed as "a, b; c": trimmed, empty ones dropped, each once. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,;]/).map((t) => t.trim()).filter(Boolean))];
}
