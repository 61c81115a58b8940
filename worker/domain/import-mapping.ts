import type { CUSTOM_FIELD_TYPES } from '../db/schema';
import { Problem, type FieldError } from '../lib/problem';

/**
 * Which column of an import feeds which contact field: suggested from the header names (in the
 * languages customers' spreadsheets come in), overridable by the caller, and then applied to each
 * row, turning cell text into typed values or a reason the row is refused.
 */

export const CONTACT_TARGETS = ['email', 'first_name', 'last_name', 'phone', 'company', 'city', 'country', 'language', 'timezone', 'tags'] as const;
export type ContactTarget = (typeof CONTACT_TARGETS)[number];
export type ImportTarget = ContactTarget | `custom.${string}`;
export type ImportMapping = Record<string, ImportTarget | null>;

export interface FieldDef {
  key: string;
  label: string;
  type: (typeof CUSTOM_FIELD_TYPES)[number];
}

/** A column the import reads: its position in each row and where its value goes. */
export interface MappedColumn {
  index: number;
  target: ImportTarget;
}

/** Lower-case letters and digits only, accents folded: "E-Mail Adresse", "e_mail_adresse" and "EmailAdresse" are one key. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');
}

/** Header names seen in exports of mail tools, CRMs and spreadsheets, in English, German, French, Spanish, Dutch, Italian and Portuguese. */
const SYNONYMS: Record<ContactTarget, string[]> = {
  email: ['email', 'emailaddress', 'mail', 'mailaddress', 'emailadresse', 'mailadresse', 'adresseemail', 'adressemail', 'courriel', 'adressecourriel', 'correo', 'correoelectronico', 'emailadres', 'indirizzoemail', 'epost', 'primaryemail', 'workemail'],
  first_name: ['firstname', 'first', 'givenname', 'forename', 'fname', 'vorname', 'prenom', 'nombre', 'voornaam', 'nome'],
  last_name: ['lastname', 'last', 'surname', 'familyname', 'lname', 'nachname', 'familienname', 'nom', 'nomdefamille', 'apellido', 'apellidos', 'achternaam', 'cognome', 'sobrenome'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone', 'telefon', 'telefonnummer', 'handy', 'mobil', 'portable', 'telefono', 'telefoon', 'telefone', 'celular'],
  company: ['company', 'companyname', 'organisation', 'organization', 'org', 'employer', 'business', 'account', 'accountname', 'firma', 'unternehmen', 'firmenname', 'entreprise', 'societe', 'empresa', 'bedrijf', 'azienda'],
  city: ['city', 'town', 'stadt', 'ort', 'wohnort', 'ville', 'ciudad', 'plaats', 'woonplaats', 'citta', 'cidade'],
  country: ['country', 'countrycode', 'land', 'pays', 'pais', 'paese'],
  language: ['language', 'lang', 'locale', 'sprache', 'langue', 'idioma', 'taal', 'lingua'],
  timezone: ['timezone', 'tz', 'zeitzone', 'fuseauhoraire', 'zonahoraria', 'tijdzone'],
  tags: ['tags', 'tag', 'labels', 'label', 'schlagworte', 'schlagwort', 'etiquettes', 'etiquetas', 'etiketten'],
};

const BUILT_IN_BY_KEY = new Map<string, ContactTarget>(Object.entries(SYNONYMS).flatMap(([target, keys]) => keys.map((k) => [k, target as ContactTarget] as const)));

/** Each header's likely target; a target goes to the first header that claims it, so two "Email" columns do not collide. */
export function suggestMapping(headers: string[], fields: FieldDef[]): ImportMapping {
  const custom = new Map<string, ImportTarget>();
  for (const f of fields) {
    custom.set(headerKey(f.label), `custom.${f.key}`);
    custom.set(headerKey(f.key), `custom.${f.key}`);
  }
  const taken = new Set<ImportTarget>();
  const mapping: ImportMapping = {};
  for (const header of headers) {
    const key = headerKey(header);
    const target = BUILT_IN_BY_KEY.get(key) ?? custom.get(key) ?? null;
    mapping[header] = target && !taken.has(target) ? target : null;
    if (target) taken.add(target);
  }
  return mapping;
}

const isTarget = (t: string, fieldKeys: Set<string>) => (CONTACT_TARGETS as readonly string[]).includes(t) || (t.startsWith('custom.') && fieldKeys.has(t.slice(7)));

/**
 * The suggestion with the caller's overrides applied, checked: every overridden header exists,
 * every target is a contact field or a defined custom field, no target is fed by two columns,
 * and some column feeds `email`.
 */
export function resolveMapping(headers: string[], fields: FieldDef[], overrides: Record<string, string | null> = {}): MappedColumn[] {
  const fieldKeys = new Set(fields.map((f) => f.key));
  const mapping = { ...suggestMapping(headers, fields) };
  const errors: FieldError[] = [];
  for (const [header, target] of Object.entries(overrides)) {
    if (!headers.includes(header)) errors.push({ field: `mapping.${header}`, message: `is not a column of the file (columns: ${headers.join(', ')})` });
    else if (target !== null && !isTarget(target, fieldKeys)) {
      errors.push({ field: `mapping.${header}`, message: `"${target}" is not a contact field or a defined custom field (see /v1/fields)` });
    } else mapping[header] = target as ImportTarget | null;
  }
  const columns: MappedColumn[] = [];
  const byTarget = new Map<ImportTarget, string>();
  headers.forEach((header, index) => {
    const target = mapping[header];
    if (!target) return;
    const other = byTarget.get(target);
    if (other) errors.push({ field: `mapping.${header}`, message: `maps to ${target}, as "${other}" does already` });
    byTarget.set(target, header);
    columns.push({ index, target });
  });
  if (!errors.length && !byTarget.has('email')) {
    errors.push({ field: 'mapping', message: `no column is mapped to email (columns: ${headers.join(', ')})` });
  }
  if (errors.length) throw new Problem('validation-error', errors.map((e) => `${e.field} ${e.message}`).join('; '), { extensions: { errors } });
  return columns;
}

// ---------------------------------------------------------------------------------------------------
// Rows

export type CustomValue = string | number | boolean;

/** One row, read: the raw address (validated by the caller) and the values to store; empty cells are absent. */
export interface ImportRecord {
  email: string;
  fields: Partial<Record<Exclude<ContactTarget, 'email' | 'tags'>, string>>;
  custom: Record<string, CustomValue>;
  tags: string[];
}

/** The same limits as the contacts API, so an imported contact could have been created by hand. */
const TEXT_LIMITS = { first_name: 100, last_name: 100, phone: 40, company: 200, city: 100, timezone: 64 } as const;
const COUNTRY = /^[A-Z]{2}$/;
const LANGUAGE = /^[a-z]{2}(-[A-Za-z]{2,4})?$/;
export const MAX_TAG_LENGTH = 50;
const MAX_TAGS = 50;
const MAX_CUSTOM_TEXT = 1000;

const TRUE = new Set(['true', 'yes', 'y', '1', 'x', 'ja', 'j', 'oui', 'si', 'sí', 'wahr', 'vrai']);
const FALSE = new Set(['false', 'no', 'n', '0', 'nein', 'non', 'falsch', 'faux']);

/** `1,234,567` or `1.234`: groups of three digits after a first group of one to three. */
const isGrouped = (digits: string, separator: string) => new RegExp(`^\\d{1,3}(\\${separator}\\d{3})+$`).test(digits);

/**
 * Number cells as people type them: `1234.5`, `1,234.5`, `1.234,5`, `1 234,5`, `1.234.567`, `-3`.
 * The last separator is the decimal one, unless the number is nothing but groups of three digits
 * (`1,234`, `1.234.567`, but not `0,125`): then they are thousands, the ambiguous `1.234` included.
 */
function parseNumber(text: string): number | null {
  const m = /^([+-]?)(\d[\d.,]*)$/.exec(text.replace(/[\s\u00a0\u202f']/g, ''));
  if (!m) return null;
  const [, sign, body] = m as unknown as [string, string, string];
  const at = Math.max(body.lastIndexOf('.'), body.lastIndexOf(','));
  if (at < 0) return Number(sign + body);
  const separator = body[at]!;
  const other = separator === '.' ? ',' : '.';
  const integer = body.slice(0, at);
  const fraction = body.slice(at + 1);
  if (!body.includes(other) && isGrouped(body, separator) && (body.split(separator).length > 2 || !/^0+$/.test(integer))) return Number(sign + body.replaceAll(separator, ''));
  if (/^\d+$/.test(fraction) && (/^\d+$/.test(integer) || isGrouped(integer, other))) return Number(`${sign}${integer.replaceAll(other, '')}.${fraction}`);
  return null;
}

/** ISO dates (`2024-03-31`, with a time if given) and day-first dotted dates (`31.03.2024`); slashed dates are ambiguous between US and European order. */
function parseDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (!y || !m || !d) return null;
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const check = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== date) return null;
  return iso && iso[4] ? text : date;
}

/** A cell's text quoted in a reason, shortened: a cell can be of any length. */
const quoted = (text: string) => `"${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`;

/** A cell's text as a value of the custom field's type, or why it is not one. */
export function coerceCustom(def: FieldDef, text: string): { value: CustomValue } | { reason: string } {
  switch (def.type) {
    case 'text':
      return text.length <= MAX_CUSTOM_TEXT ? { value: text } : { reason: `${def.label} is longer than ${MAX_CUSTOM_TEXT} characters` };
    case 'number': {
      const n = parseNumber(text);
      return n === null ? { reason: `${def.label} must be a number, not ${quoted(text)}` } : { value: n };
    }
    case 'boolean': {
      const t = text.toLowerCase();
      return TRUE.has(t) ? { value: true } : FALSE.has(t) ? { value: false } : { reason: `${def.label} must be yes or no (true/false), not ${quoted(text)}` };
    }
    case 'date': {
      const d = parseDate(text);
      return d === null ? { reason: `${def.label} must be a date as YYYY-MM-DD or DD.MM.YYYY, not ${quoted(text)}` } : { value: d };
    }
  }
}

/** Tags in a cell, separated by commas or semicolons. */
export const splitTags = (cell: string) => cell.split(/[,;]/).map((t) => t.trim()).filter(Boolean);

/**
 * Applies the mapping to a row's values (in the order of `columns`): typed and checked, or the
 * first reason the row cannot be imported. Values are already trimmed.
 */
export function readRecord(values: string[], columns: MappedColumn[], fields: Map<string, FieldDef>): ImportRecord | { reason: string } {
  const record: ImportRecord = { email: '', fields: {}, custom: {}, tags: [] };
  for (let i = 0; i < columns.length; i++) {
    const target = columns[i]!.target;
    const text = values[i] ?? '';
    if (target === 'email') {
      record.email = text;
      continue;
    }
    if (!text) continue;
    if (target === 'tags') {
      const tags = splitTags(text);
      if (tags.some((t) => t.length > MAX_TAG_LENGTH)) return { reason: `a tag is longer than ${MAX_TAG_LENGTH} characters` };
      record.tags.push(...tags);
    } else if (target === 'country') {
      const code = text.toUpperCase();
      if (!COUNTRY.test(code)) return { reason: `country must be a two-letter ISO 3166-1 code such as DE, not ${quoted(text)}` };
      record.fields.country = code;
    } else if (target === 'language') {
      if (!LANGUAGE.test(text)) return { reason: `language must be a code such as en or pt-BR, not ${quoted(text)}` };
      record.fields.language = text;
    } else if (target.startsWith('custom.')) {
      const def = fields.get(target.slice(7));
      if (!def) continue;
      const coerced = coerceCustom(def, text);
      if ('reason' in coerced) return coerced;
      record.custom[def.key] = coerced.value;
    } else {
      const field = target as keyof typeof TEXT_LIMITS;
      if (text.length > TEXT_LIMITS[field]) return { reason: `${field} is longer than ${TEXT_LIMITS[field]} characters` };
      record.fields[field] = text;
    }
  }
  if (record.tags.length > MAX_TAGS) return { reason: `more than ${MAX_TAGS} tags` };
  return record;
}
