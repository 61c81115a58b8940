import { describe, expect, it } from 'vitest';
import { Problem } from '../lib/problem';
import { coerceCustom, headerKey, readRecord, resolveMapping, suggestMapping, type FieldDef } from './import-mapping';

const FIELDS: FieldDef[] = [
  { key: 'score', label: 'Score', type: 'number' },
  { key: 'vip', label: 'VIP customer', type: 'boolean' },
  { key: 'birthday', label: 'Geburtstag', type: 'date' },
  { key: 'notes', label: 'Notes', type: 'text' },
];
const byKey = new Map(FIELDS.map((f) => [f.key, f]));

function problemOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
  throw new Error('no problem thrown');
}

describe('header keys', () => {
  it('ignore case, spacing, punctuation and accents', () => {
    expect(['E-mail', 'e_mail', ' EMAIL ', 'É-Mail'].map(headerKey)).toEqual(['email', 'email', 'email', 'email']);
    expect(headerKey('Prénom')).toBe('prenom');
    expect(headerKey('Straße')).toBe('strasse');
  });
});

describe('suggested mapping', () => {
  it('recognizes headers in the languages and spellings exports use', () => {
    const headers = ['E-mail', 'Vorname', 'Surname', 'Organisation', 'Tags', 'Telefon', 'Pays', 'Ort', 'Notes', 'Geburtstag', 'score', 'Favourite colour'];
    expect(suggestMapping(headers, FIELDS)).toEqual({
      'E-mail': 'email',
      Vorname: 'first_name',
      Surname: 'last_name',
      Organisation: 'company',
      Tags: 'tags',
      Telefon: 'phone',
      Pays: 'country',
      Ort: 'city',
      Notes: 'custom.notes',
      Geburtstag: 'custom.birthday',
      score: 'custom.score',
      'Favourite colour': null,
    });
    expect(suggestMapping(['Email Address', 'First Name', 'Last Name', 'Company'], [])).toEqual({ 'Email Address': 'email', 'First Name': 'first_name', 'Last Name': 'last_name', Company: 'company' });
    expect(suggestMapping(['mail', 'prénom', 'nom', 'Société'], [])).toEqual({ mail: 'email', prénom: 'first_name', nom: 'last_name', Société: 'company' });
  });

  it('gives a target to the first column that claims it only', () => {
    expect(suggestMapping(['Email', 'E-Mail (2)', 'E-mail'], [])).toEqual({ Email: 'email', 'E-Mail (2)': null, 'E-mail': null });
  });
});

describe('resolved mapping', () => {
  const headers = ['Courriel', 'Nom complet', 'Score', 'Secondary email'];

  it('applies overrides on top of the suggestion and lists the columns to read', () => {
    expect(resolveMapping(headers, FIELDS, { 'Nom complet': 'last_name', Score: null })).toEqual([
      { index: 0, target: 'email' },
      { index: 1, target: 'last_name' },
    ]);
    expect(resolveMapping(headers, FIELDS, { Courriel: null, 'Secondary email': 'email' })).toEqual([
      { index: 2, target: 'custom.score' },
      { index: 3, target: 'email' },
    ]);
  });

  it('refuses a mapping without an email column, naming it', () => {
    const p = problemOf(() => resolveMapping(['Name', 'Phone'], []));
    expect(p.status).toBe(400);
    expect(p.message).toMatch(/no column is mapped to email/);
    expect(p.extensions.errors).toEqual([{ field: 'mapping', message: 'no column is mapped to email (columns: Name, Phone)' }]);
  });

  it('refuses unknown columns, unknown targets and a target fed by two columns', () => {
    expect(problemOf(() => resolveMapping(headers, FIELDS, { Emial: 'email' })).extensions.errors).toEqual([{ field: 'mapping.Emial', message: expect.stringMatching(/not a column/) }]);
    expect(problemOf(() => resolveMapping(headers, FIELDS, { 'Nom complet': 'custom.shoe_size' })).message).toMatch(/not a contact field or a defined custom field/);
    expect(problemOf(() => resolveMapping(headers, FIELDS, { 'Secondary email': 'email' })).message).toMatch(/maps to email, as "Courriel" does already/);
  });
});

describe('custom values', () => {
  const number = byKey.get('score')!;
  it('reads numbers as people type them', () => {
    const cases: [string, number][] = [['42', 42], ['-3', -3], ['9,5', 9.5], ['1.234,5', 1234.5], ['1,234.5', 1234.5], ['1 234,5', 1234.5], ['1.234.567', 1234567], ['1,234', 1234], ['0,125', 0.125]];
    for (const [text, value] of cases) expect(coerceCustom(number, text)).toEqual({ value });
    for (const text of ['twelve', '1-2', '1,2,3.4.5', '--1']) expect(coerceCustom(number, text)).toHaveProperty('reason');
  });

  it('reads yes/no in several languages, and dates as ISO or day-first dotted', () => {
    const vip = byKey.get('vip')!;
    expect(['Yes', 'ja', 'TRUE', '1', 'oui'].map((t) => coerceCustom(vip, t))).toEqual(Array(5).fill({ value: true }));
    expect(['no', 'Nein', 'false', '0'].map((t) => coerceCustom(vip, t))).toEqual(Array(4).fill({ value: false }));
    expect(coerceCustom(vip, 'maybe')).toEqual({ reason: 'VIP customer must be yes or no (true/false), not "maybe"' });
    const birthday = byKey.get('birthday')!;
    expect(coerceCustom(birthday, '1990-12-10')).toEqual({ value: '1990-12-10' });
    expect(coerceCustom(birthday, '9.3.1986')).toEqual({ value: '1986-03-09' });
    for (const text of ['03/09/1986', '1986-02-30', '31.02.2024', 'soon']) expect(coerceCustom(birthday, text)).toHaveProperty('reason');
  });
});

describe('reading a row', () => {
  const columns = [
    { index: 0, target: 'email' as const },
    { index: 1, target: 'country' as const },
    { index: 2, target: 'tags' as const },
    { index: 3, target: 'custom.score' as const },
    { index: 4, target: 'first_name' as const },
  ];

  it('types the values and leaves empty cells out', () => {
    expect(readRecord(['ada@example.com', 'gb', 'vip; math ,', '7,5', ''], columns, byKey)).toEqual({
      email: 'ada@example.com',
      fields: { country: 'GB' },
      custom: { score: 7.5 },
      tags: ['vip', 'math'],
    });
  });

  it('gives the reason a row cannot be imported', () => {
    expect(readRecord(['a@example.com', 'Germany', '', '', ''], columns, byKey)).toEqual({ reason: 'country must be a two-letter ISO 3166-1 code such as DE, not "Germany"' });
    expect(readRecord(['a@example.com', '', '', 'lots', ''], columns, byKey)).toEqual({ reason: 'Score must be a number, not "lots"' });
    expect(readRecord(['a@example.com', '', '', '', 'x'.repeat(101)], columns, byKey)).toEqual({ reason: 'first_name is longer than 100 characters' });
    expect(readRecord(['a@example.com', '', 'y'.repeat(51), '', ''], columns, byKey)).toEqual({ reason: 'a tag is longer than 50 characters' });
  });
});
