import { describe, expect, test } from 'vitest';
import type { Contact } from './api-types';
import { contactPatch, customInputName, customInputValue } from './contact-form';

const contact: Contact = {
  id: 'con_1', email: 'ada@example.com', first_name: 'Ada', last_name: null, phone: null, company: 'Analytical', city: null,
  country: 'GB', language: 'en', timezone: null, status: 'subscribed', consent: null,
  custom: { seats: 3, vip: true, renewal: '2026-05-01' }, tags: [], flags: { disposable: false, role: false },
  created_at: '2026-01-01T00:00:00Z', updated_at: null, deleted_at: null, purge_after: null,
};
const FIELDS = [
  { key: 'seats', type: 'number' as const },
  { key: 'vip', type: 'boolean' as const },
  { key: 'renewal', type: 'date' as const },
  { key: 'plan', type: 'text' as const },
  { key: 'beta', type: 'boolean' as const },
];

/** The form as the page renders it for this contact, with some inputs changed. */
function submitted(changes: Record<string, string | null>) {
  const form = new FormData();
  const values: Record<string, string | null> = {
    email: contact.email, first_name: 'Ada', last_name: '', phone: '', company: 'Analytical', city: '', country: 'GB', language: 'en', timezone: '', status: 'subscribed',
    [customInputName('seats')]: '3', [customInputName('vip')]: 'on', [customInputName('renewal')]: '2026-05-01', [customInputName('plan')]: '', [customInputName('beta')]: null,
    ...changes,
  };
  for (const [name, value] of Object.entries(values)) if (value !== null) form.set(name, value);
  return form;
}

describe('contact edit form', () => {
  test('an untouched form changes nothing', () => {
    expect(contactPatch(submitted({}), contact, FIELDS)).toEqual({});
  });

  test('sends only what changed; an emptied field becomes null, a country upper case', () => {
    expect(contactPatch(submitted({ first_name: '', city: ' London ', country: 'fr', status: 'unsubscribed' }), contact, FIELDS)).toEqual({
      first_name: null, city: 'London', country: 'FR', status: 'unsubscribed',
    });
  });

  test('custom values are sent typed, and only the changed ones', () => {
    expect(contactPatch(submitted({ [customInputName('seats')]: '12', [customInputName('plan')]: 'pro' }), contact, FIELDS)).toEqual({ custom: { seats: 12, plan: 'pro' } });
    expect(contactPatch(submitted({ [customInputName('renewal')]: '' }), contact, FIELDS)).toEqual({ custom: { renewal: null } });
  });

  test('a checkbox clears a yes to no, but an unchecked box on a field never set leaves it unset', () => {
    expect(contactPatch(submitted({ [customInputName('vip')]: null }), contact, FIELDS)).toEqual({ custom: { vip: false } });
    expect(contactPatch(submitted({ [customInputName('beta')]: 'on' }), contact, FIELDS)).toEqual({ custom: { beta: true } });
  });

  test('inputs show custom values as they take them', () => {
    expect(customInputValue({ type: 'date' }, '2026-05-01T00:00:00Z')).toBe('2026-05-01');
    expect(customInputValue({ type: 'number' }, 3)).toBe('3');
    expect(customInputValue({ type: 'text' }, null)).toBe('');
  });
});
