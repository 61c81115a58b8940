import type { CustomField } from './api-types';
import { TEXT_FIELDS } from './segment-rules';

/**
 * The column mapping of the import wizard: which contact field each column of the file fills.
 * Targets are the import contract's (`email`, `first_name`, …, `tags`, `custom.<key>`); a column
 * mapped to nothing is ignored.
 */

export interface TargetOption {
  value: string;
  label: string;
}

/** The select's value for "ignore this column" (the API takes null). */
export const IGNORE = '';

const BUILT_IN: TargetOption[] = [...TEXT_FIELDS, { value: 'tags', label: 'Tags (separated by , or ;)' }];

export function mappingTargets(customFields: Pick<CustomField, 'key' | 'label'>[]): TargetOption[] {
  return [
    { value: IGNORE, label: 'Do not import' },
    ...BUILT_IN,
    ...customFields.map((f) => ({ value: `custom.${f.key}`, label: `${f.label} (custom field)` })),
  ];
}

/** Form field names by column position: headers may be any text, even empty or repeated. */
export const mappingFieldName = (column: number) => `mapping.${column}`;

/** The suggested target of each column, as the select's values. */
export function initialMapping(headers: string[], suggested: Record<string, string | null>, targets: TargetOption[]): string[] {
  const known = new Set(targets.map((t) => t.value));
  const taken = new Set<string>();
  return headers.map((header) => {
    const target = suggested[header] ?? IGNORE;
    // A suggestion for a field that does not exist here, or one already given to an earlier column, is no suggestion.
    if (!known.has(target) || taken.has(target)) return IGNORE;
    if (target !== IGNORE) taken.add(target);
    return target;
  });
}

/** What is wrong with a mapping before it is sent: no email column, or a field filled from two columns. */
export function mappingProblems(targets: string[], options: TargetOption[]): string[] {
  const problems: string[] = [];
  if (!targets.includes('email')) problems.push('Choose the column that holds the email address.');
  const label = (value: string) => options.find((o) => o.value === value)?.label ?? value;
  const seen = new Set<string>();
  for (const target of targets) {
    if (target === IGNORE) continue;
    if (seen.has(target)) problems.push(`${label(target)} is chosen for more than one column.`);
    seen.add(target);
  }
  return [...new Set(problems)];
}

/** The submitted mapping in the API's shape: header → target, or null to ignore the column. */
export function mappingFromForm(form: FormData, headers: string[]): Record<string, string | null> {
  const mapping: Record<string, string | null> = {};
  headers.forEach((header, column) => {
    const value = form.get(mappingFieldName(column));
    mapping[header] = typeof value === 'string' && value !== IGNORE ? value : null;
  });
  return mapping;
}
