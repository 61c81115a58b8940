import { describe, expect, test } from 'vitest';
import { overridesFromForm } from './admin-overrides';

const formOf = (entries: [string, string][]) => {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
};

describe('the overrides form', () => {
  test('blank fields follow the plan; numbers typed with separators are read as numbers', () => {
    expect(overridesFromForm(formOf([['override.max_contacts', '20,000'], ['override.monthly_emails', ''], ['override.send_rate_per_hour', ' 5 000 ']]))).toEqual({
      max_contacts: 20000,
      send_rate_per_hour: 5000,
    });
  });

  test('the warm-up switch is kept with the overrides, since the API replaces them whole', () => {
    expect(overridesFromForm(formOf([['override.warmup_complete', 'on']]))).toEqual({ warmup_complete: true });
    expect(overridesFromForm(formOf([]))).toEqual({});
  });

  test('something that is not a number is sent for the API to refuse by name', () => {
    expect(overridesFromForm(formOf([['override.max_users', 'lots']]))).toEqual({ max_users: Number.NaN });
  });
});
