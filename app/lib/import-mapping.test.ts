import { describe, expect, test } from 'vitest';
import { formatBytes } from './format';
import { IGNORE, initialMapping, mappingFieldName, mappingFromForm, mappingProblems, mappingTargets } from './import-mapping';

const targets = mappingTargets([{ key: 'plan', label: 'Plan' }]);

describe('import column mapping', () => {
  test('offers every contact field, the custom fields and "do not import"', () => {
    const values = targets.map((t) => t.value);
    expect(values[0]).toBe(IGNORE);
    expect(values).toEqual(expect.arrayContaining(['email', 'first_name', 'tags', 'custom.plan']));
  });

  test('starts from the suggestion, dropping unknown targets and a target suggested twice', () => {
    const headers = ['E-mail', 'Vorname', 'Mail 2', 'Plan', 'Notes'];
    const suggested = { 'E-mail': 'email', Vorname: 'first_name', 'Mail 2': 'email', Plan: 'custom.plan', Notes: 'custom.notes' };
    expect(initialMapping(headers, suggested, targets)).toEqual(['email', 'first_name', IGNORE, 'custom.plan', IGNORE]);
    expect(initialMapping(['x'], {}, targets)).toEqual([IGNORE]);
  });

  test('asks for an email column and refuses a field filled from two columns', () => {
    expect(mappingProblems(['first_name', IGNORE], targets)).toEqual(['Choose the column that holds the email address.']);
    expect(mappingProblems(['email', 'last_name', 'last_name', 'last_name'], targets)).toEqual(['Last name is chosen for more than one column.']);
    expect(mappingProblems(['email', IGNORE, IGNORE], targets)).toEqual([]);
  });

  test('reads the submitted selects back by column, whatever the header text', () => {
    const headers = ['Email address', 'name "first"', ''];
    const form = new FormData();
    form.set(mappingFieldName(0), 'email');
    form.set(mappingFieldName(1), 'first_name');
    form.set(mappingFieldName(2), IGNORE);
    expect(mappingFromForm(form, headers)).toEqual({ 'Email address': 'email', 'name "first"': 'first_name', '': null });
  });

  test('file sizes read as people say them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(52_428_800)).toBe('50 MB');
  });
});
