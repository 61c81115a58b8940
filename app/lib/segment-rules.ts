import { CONTACT_STATUSES, type CustomField, type SegmentCondition, type SegmentGroup, type SegmentMatch } from './api-types';

/**
 * The segment builder's state and the pure functions over it: the rule tree as the API takes it
 * (`{ match, conditions }`, see the segments contract), plus ids so React can keep each row's
 * inputs, and input values kept as typed until they are sent.
 */

/** What the builder needs to know of the custom fields: their types decide operators and inputs. */
type FieldTypes = Pick<CustomField, 'key' | 'type'>[];

/** The API's limits on a rule tree: the root group counts as depth 1. */
export const MAX_DEPTH = 4;
export const MAX_CONDITIONS = 50;

export type FieldKind = 'text' | 'number' | 'date' | 'boolean' | 'status' | 'tag' | 'list' | 'activity';
/** What the value input of a condition is, given its field and operator. */
export type ValueKind = 'none' | 'text' | 'number' | 'date' | 'days' | 'status' | 'statuses' | 'tag' | 'list' | 'activity';

export interface Option {
  value: string;
  label: string;
}

export const OPERATORS: Record<FieldKind, Option[]> = {
  text: [
    { value: 'eq', label: 'is' },
    { value: 'neq', label: 'is not' },
    { value: 'contains', label: 'contains' },
    { value: 'not_contains', label: 'does not contain' },
    { value: 'starts_with', label: 'starts with' },
    { value: 'ends_with', label: 'ends with' },
    { value: 'is_set', label: 'is set' },
    { value: 'is_not_set', label: 'is empty' },
  ],
  number: [
    { value: 'eq', label: 'equals' },
    { value: 'neq', label: 'does not equal' },
    { value: 'gt', label: 'is greater than' },
    { value: 'gte', label: 'is at least' },
    { value: 'lt', label: 'is less than' },
    { value: 'lte', label: 'is at most' },
    { value: 'is_set', label: 'is set' },
    { value: 'is_not_set', label: 'is empty' },
  ],
  date: [
    { value: 'before', label: 'is before' },
    { value: 'after', label: 'is after' },
    { value: 'on', label: 'is on' },
    { value: 'within_last_days', label: 'is within the last … days' },
    { value: 'not_within_last_days', label: 'is not within the last … days' },
    { value: 'is_set', label: 'is set' },
    { value: 'is_not_set', label: 'is empty' },
  ],
  boolean: [
    { value: 'is_true', label: 'is yes' },
    { value: 'is_false', label: 'is no' },
    { value: 'is_set', label: 'is set' },
    { value: 'is_not_set', label: 'is empty' },
  ],
  status: [
    { value: 'eq', label: 'is' },
    { value: 'neq', label: 'is not' },
    { value: 'in', label: 'is one of' },
  ],
  tag: [
    { value: 'has', label: 'has' },
    { value: 'has_not', label: 'does not have' },
  ],
  list: [
    { value: 'member', label: 'is subscribed to' },
    { value: 'not_member', label: 'is not subscribed to' },
  ],
  activity: [
    { value: 'opened', label: 'opened' },
    { value: 'clicked', label: 'clicked' },
    { value: 'not_opened', label: 'did not open' },
    { value: 'not_clicked', label: 'did not click' },
  ],
};

/** A contact's own text fields, as every field select names them (segments, the contacts filter, import mapping). */
export const TEXT_FIELDS: Option[] = [
  { value: 'email', label: 'Email' },
  { value: 'first_name', label: 'First name' },
  { value: 'last_name', label: 'Last name' },
  { value: 'phone', label: 'Phone' },
  { value: 'company', label: 'Company' },
  { value: 'city', label: 'City' },
  { value: 'country', label: 'Country (ISO code)' },
  { value: 'language', label: 'Language' },
  { value: 'timezone', label: 'Time zone' },
];

export interface FieldGroup {
  label: string;
  options: Option[];
}

/** Every field a condition can test, grouped for the field select. */
export function fieldGroups(customFields: Pick<CustomField, 'key' | 'label'>[]): FieldGroup[] {
  return [
    { label: 'Contact', options: [...TEXT_FIELDS, { value: 'status', label: 'Status' }, { value: 'created_at', label: 'Created' }] },
    { label: 'Audience', options: [{ value: 'tag', label: 'Tag' }, { value: 'list', label: 'List' }, { value: 'activity', label: 'Email activity' }] },
    ...customGroup(customFields),
  ];
}

const customGroup = (customFields: Pick<CustomField, 'key' | 'label'>[]): FieldGroup[] =>
  customFields.length ? [{ label: 'Custom fields', options: customFields.map((f) => ({ value: `custom.${f.key}`, label: f.label })) }] : [];

/** The fields the contacts list filters by value: a contact's text fields and the custom fields. */
export function valueFilterGroups(customFields: Pick<CustomField, 'key' | 'label'>[]): FieldGroup[] {
  return [
    { label: 'No field filter', options: [{ value: '', label: 'Any field' }] },
    { label: 'Contact', options: TEXT_FIELDS.filter((f) => f.value !== 'email') },
    ...customGroup(customFields),
  ];
}

/** The kind of a field, which decides its operators; custom fields by their defined type. */
export function fieldKind(field: string, customFields: FieldTypes): FieldKind {
  if (field.startsWith('custom.')) return customFields.find((f) => `custom.${f.key}` === field)?.type ?? 'text';
  if (field === 'status' || field === 'tag' || field === 'list' || field === 'activity') return field;
  if (field === 'created_at') return 'date';
  return 'text';
}

const NO_VALUE = new Set(['is_set', 'is_not_set', 'is_true', 'is_false']);

export function valueKind(kind: FieldKind, op: string): ValueKind {
  if (NO_VALUE.has(op)) return 'none';
  switch (kind) {
    case 'date':
      return op === 'within_last_days' || op === 'not_within_last_days' ? 'days' : 'date';
    case 'status':
      return op === 'in' ? 'statuses' : 'status';
    case 'boolean':
      return 'none';
    default:
      return kind;
  }
}

/** Activity: which campaign (any when empty) and how far back (ever when empty). */
export interface ActivityValue {
  campaign_id: string;
  within_days: string;
}

/** Values as the inputs hold them: text for text, number, date and day inputs. */
export type EditorValue = string | string[] | ActivityValue | null;

export interface EditorCondition {
  kind: 'condition';
  id: string;
  field: string;
  op: string;
  value: EditorValue;
}

export interface EditorGroup {
  kind: 'group';
  id: string;
  match: SegmentMatch;
  children: EditorNode[];
}

export type EditorNode = EditorCondition | EditorGroup;

export interface BuilderState {
  root: EditorGroup;
  /** Ids are handed out from a counter, so the reducer stays pure. */
  nextId: number;
  customFields: FieldTypes;
}

export type BuilderAction =
  | { type: 'add-condition'; groupId: string }
  | { type: 'add-group'; groupId: string }
  | { type: 'remove'; id: string }
  | { type: 'set-match'; groupId: string; match: SegmentMatch }
  | { type: 'set-field'; id: string; field: string }
  | { type: 'set-op'; id: string; op: string }
  | { type: 'set-value'; id: string; value: EditorValue };

function defaultValue(kind: ValueKind): EditorValue {
  switch (kind) {
    case 'none':
      return null;
    case 'statuses':
      return [];
    case 'status':
      return CONTACT_STATUSES[0];
    case 'activity':
      return { campaign_id: '', within_days: '' };
    default:
      return '';
  }
}

const NEW_CONDITION = { field: 'email', op: 'contains' } as const;

function newCondition(id: string): EditorCondition {
  return { kind: 'condition', id, ...NEW_CONDITION, value: defaultValue('text') };
}

/** The builder for a segment's rules (a new segment starts with one empty condition). */
export function initialState(rules: SegmentGroup | null, customFields: FieldTypes): BuilderState {
  let next = 0;
  const id = () => `n${next++}`;
  const toEditor = (group: SegmentGroup): EditorGroup => ({
    kind: 'group',
    id: id(),
    match: group.match,
    children: group.conditions.map((node) => ('conditions' in node ? toEditor(node) : conditionFromApi(node, id(), customFields))),
  });
  const root = rules ? toEditor(rules) : { kind: 'group' as const, id: id(), match: 'all' as const, children: [newCondition(id())] };
  return { root, nextId: next, customFields };
}

function conditionFromApi(condition: SegmentCondition, id: string, customFields: FieldTypes): EditorCondition {
  const kind = valueKind(fieldKind(condition.field, customFields), condition.op);
  const raw = condition.value;
  let value: EditorValue = defaultValue(kind);
  if (kind === 'statuses') value = Array.isArray(raw) ? raw.map(String) : [];
  else if (kind === 'activity') {
    const activity = (raw ?? {}) as { campaign_id?: unknown; within_days?: unknown };
    value = { campaign_id: typeof activity.campaign_id === 'string' ? activity.campaign_id : '', within_days: activity.within_days == null ? '' : String(activity.within_days) };
  } else if (kind !== 'none' && raw != null) value = String(raw);
  return { kind: 'condition', id, field: condition.field, op: condition.op, value };
}

export function countConditions(group: EditorGroup): number {
  return group.children.reduce((sum, node) => sum + (node.kind === 'group' ? countConditions(node) : 1), 0);
}

/** Depth of the group with this id (the root is 1), or 0 when there is none. */
export function depthOf(group: EditorGroup, id: string, depth = 1): number {
  if (group.id === id) return depth;
  for (const node of group.children) {
    if (node.kind !== 'group') continue;
    const found = depthOf(node, id, depth + 1);
    if (found) return found;
  }
  return 0;
}

export const canAddCondition = (state: BuilderState) => countConditions(state.root) < MAX_CONDITIONS;
export const canAddGroup = (state: BuilderState, groupId: string) => canAddCondition(state) && depthOf(state.root, groupId) < MAX_DEPTH;

/** Applies `change` to the node with this id, anywhere in the tree. */
function mapNode(group: EditorGroup, id: string, change: (node: EditorNode) => EditorNode): EditorGroup {
  const changed = change(group);
  if (changed !== group) return changed as EditorGroup;
  let touched = false;
  const children = group.children.map((node) => {
    const next = node.id === id ? change(node) : node.kind === 'group' ? mapNode(node, id, change) : node;
    if (next !== node) touched = true;
    return next;
  });
  return touched ? { ...group, children } : group;
}

/** Removes the node; a nested group left without conditions goes with it. */
function removeNode(group: EditorGroup, id: string): EditorGroup {
  const children = group.children
    .filter((node) => node.id !== id)
    .map((node) => (node.kind === 'group' ? removeNode(node, id) : node))
    .filter((node) => node.kind === 'condition' || node.children.length > 0);
  return { ...group, children };
}

export function builderReducer(state: BuilderState, action: BuilderAction): BuilderState {
  const { root, nextId, customFields } = state;
  const kindOf = (field: string) => fieldKind(field, customFields);
  const onCondition = (id: string, change: (c: EditorCondition) => EditorCondition) =>
    ({ ...state, root: mapNode(root, id, (node) => (node.id === id && node.kind === 'condition' ? change(node) : node)) });
  const onGroup = (id: string, change: (g: EditorGroup) => EditorGroup) =>
    ({ ...state, root: mapNode(root, id, (node) => (node.id === id && node.kind === 'group' ? change(node) : node)) });

  switch (action.type) {
    case 'add-condition':
      if (!canAddCondition(state)) return state;
      return { ...onGroup(action.groupId, (g) => ({ ...g, children: [...g.children, newCondition(`n${nextId}`)] })), nextId: nextId + 1 };
    case 'add-group': {
      if (!canAddGroup(state, action.groupId)) return state;
      const group: EditorGroup = { kind: 'group', id: `n${nextId}`, match: 'any', children: [newCondition(`n${nextId + 1}`)] };
      return { ...onGroup(action.groupId, (g) => ({ ...g, children: [...g.children, group] })), nextId: nextId + 2 };
    }
    case 'remove':
      return action.id === root.id ? state : { ...state, root: removeNode(root, action.id) };
    case 'set-match':
      return onGroup(action.groupId, (g) => ({ ...g, match: action.match }));
    case 'set-field':
      return onCondition(action.id, (c) => {
        // The operator list depends on the field, so a new field starts from its first operator.
        const kind = kindOf(action.field);
        const op = OPERATORS[kind][0]!.value;
        return { ...c, field: action.field, op, value: defaultValue(valueKind(kind, op)) };
      });
    case 'set-op':
      return onCondition(action.id, (c) => {
        const kind = kindOf(c.field);
        const sameInput = valueKind(kind, c.op) === valueKind(kind, action.op);
        return { ...c, op: action.op, value: sameInput ? c.value : defaultValue(valueKind(kind, action.op)) };
      });
    case 'set-value':
      return onCondition(action.id, (c) => ({ ...c, value: action.value }));
  }
}

/** Why a condition cannot be sent yet (a value missing or malformed), or null when it is complete. */
export function conditionProblem(condition: EditorCondition, customFields: FieldTypes): string | null {
  const kind = valueKind(fieldKind(condition.field, customFields), condition.op);
  const value = condition.value;
  switch (kind) {
    case 'none':
    case 'activity':
      if (kind === 'activity') {
        const days = (value as ActivityValue).within_days.trim();
        if (days && !isPositiveInteger(days)) return 'Enter a whole number of days.';
      }
      return null;
    case 'statuses':
      return (value as string[]).length ? null : 'Choose at least one status.';
    case 'number':
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? null : 'Enter a number.';
    case 'days':
      return typeof value === 'string' && isPositiveInteger(value.trim()) ? null : 'Enter a whole number of days.';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'Choose a date.';
    default:
      return typeof value === 'string' && value.trim() !== '' ? null : 'Enter a value.';
  }
}

const isPositiveInteger = (text: string) => /^\d+$/.test(text) && Number(text) > 0;

/** Whether every condition in the tree has what it needs, so the rules can be counted or saved. */
export function isComplete(group: EditorGroup, customFields: FieldTypes): boolean {
  return group.children.every((node) => (node.kind === 'group' ? isComplete(node, customFields) : conditionProblem(node, customFields) === null));
}

/** The rules in the API's shape: values typed (numbers as numbers), empty activity options left out. */
export function toRules(group: EditorGroup, customFields: FieldTypes): SegmentGroup {
  return {
    match: group.match,
    conditions: group.children.map((node) => (node.kind === 'group' ? toRules(node, customFields) : conditionToApi(node, customFields))),
  };
}

function conditionToApi(condition: EditorCondition, customFields: FieldTypes): SegmentCondition {
  const { field, op, value } = condition;
  const kind = valueKind(fieldKind(field, customFields), op);
  switch (kind) {
    case 'none':
      return { field, op };
    case 'number':
    case 'days':
      return { field, op, value: Number(value) };
    case 'activity': {
      const { campaign_id, within_days } = value as ActivityValue;
      return {
        field,
        op,
        value: { ...(campaign_id.trim() ? { campaign_id: campaign_id.trim() } : {}), ...(within_days.trim() ? { within_days: Number(within_days) } : {}) },
      };
    }
    case 'text':
      return { field, op, value: (value as string).trim() };
    default:
      return { field, op, value };
  }
}
