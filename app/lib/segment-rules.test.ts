import { describe, expect, test } from 'vitest';
import type { SegmentGroup } from './api-types';
import {
  MAX_CONDITIONS,
  MAX_DEPTH,
  builderReducer,
  canAddGroup,
  conditionProblem,
  countConditions,
  fieldKind,
  initialState,
  isComplete,
  toRules,
  valueKind,
  type BuilderAction,
  type BuilderState,
  type EditorCondition,
  type EditorGroup,
} from './segment-rules';

const FIELDS = [
  { key: 'plan', type: 'text' as const },
  { key: 'seats', type: 'number' as const },
  { key: 'vip', type: 'boolean' as const },
  { key: 'renewal', type: 'date' as const },
];

const run = (state: BuilderState, ...actions: BuilderAction[]) => actions.reduce(builderReducer, state);
const conditions = (group: EditorGroup) => group.children.filter((n): n is EditorCondition => n.kind === 'condition');
const groups = (group: EditorGroup) => group.children.filter((n): n is EditorGroup => n.kind === 'group');

describe('segment builder state', () => {
  test('a new segment starts with one condition that still needs a value', () => {
    const state = initialState(null, FIELDS);
    expect(state.root.match).toBe('all');
    expect(conditions(state.root)).toHaveLength(1);
    expect(isComplete(state.root, FIELDS)).toBe(false);
  });

  test('saved rules load into the editor and come back out unchanged', () => {
    const rules: SegmentGroup = {
      match: 'all',
      conditions: [
        { field: 'email', op: 'ends_with', value: '@example.com' },
        { field: 'custom.seats', op: 'gte', value: 5 },
        { field: 'status', op: 'in', value: ['subscribed', 'pending'] },
        { field: 'custom.vip', op: 'is_true' },
        { field: 'created_at', op: 'within_last_days', value: 30 },
        {
          match: 'any',
          conditions: [
            { field: 'tag', op: 'has', value: 'customer' },
            { field: 'list', op: 'member', value: 'lst_1' },
            { field: 'activity', op: 'opened', value: { campaign_id: 'cmp_1', within_days: 7 } },
            { field: 'activity', op: 'not_clicked', value: {} },
          ],
        },
      ],
    };
    const state = initialState(rules, FIELDS);
    expect(isComplete(state.root, FIELDS)).toBe(true);
    expect(toRules(state.root, FIELDS)).toEqual(rules);
  });

  test('conditions and nested groups are added where asked, with ids that never repeat', () => {
    const start = initialState(null, FIELDS);
    const withGroup = run(start, { type: 'add-group', groupId: start.root.id });
    const nested = groups(withGroup.root)[0]!;
    expect(nested.match).toBe('any');
    expect(conditions(nested)).toHaveLength(1);
    const more = run(withGroup, { type: 'add-condition', groupId: nested.id }, { type: 'add-condition', groupId: start.root.id });
    expect(countConditions(more.root)).toBe(4);
    const ids: string[] = [];
    const collect = (g: EditorGroup) => g.children.forEach((n) => (ids.push(n.id), n.kind === 'group' && collect(n)));
    collect(more.root);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('removing the last condition of a nested group removes the group; the root stays', () => {
    const start = initialState(null, FIELDS);
    const withGroup = run(start, { type: 'add-group', groupId: start.root.id });
    const nested = groups(withGroup.root)[0]!;
    const after = run(withGroup, { type: 'remove', id: nested.children[0]!.id });
    expect(groups(after.root)).toHaveLength(0);
    expect(run(after, { type: 'remove', id: after.root.id }).root).toBe(after.root);
  });

  test('changing the field picks its first operator and a fitting empty value', () => {
    const start = initialState(null, FIELDS);
    const id = start.root.children[0]!.id;
    const first = (s: BuilderState) => s.root.children[0] as EditorCondition;

    expect(first(run(start, { type: 'set-field', id, field: 'status' }))).toMatchObject({ op: 'eq', value: 'subscribed' });
    expect(first(run(start, { type: 'set-field', id, field: 'custom.vip' }))).toMatchObject({ op: 'is_true', value: null });
    expect(first(run(start, { type: 'set-field', id, field: 'activity' }))).toMatchObject({ op: 'opened', value: { campaign_id: '', within_days: '' } });
    expect(first(run(start, { type: 'set-field', id, field: 'custom.renewal' }))).toMatchObject({ op: 'before', value: '' });
  });

  test('changing the operator keeps a value the new operator takes the same way, and resets one it does not', () => {
    const start = initialState(null, FIELDS);
    const id = start.root.children[0]!.id;
    const typed = run(start, { type: 'set-value', id, value: 'acme' });
    expect((run(typed, { type: 'set-op', id, op: 'starts_with' }).root.children[0] as EditorCondition).value).toBe('acme');
    expect((run(typed, { type: 'set-op', id, op: 'is_set' }).root.children[0] as EditorCondition).value).toBeNull();

    const dated = run(start, { type: 'set-field', id, field: 'created_at' }, { type: 'set-value', id, value: '2026-01-31' });
    expect((run(dated, { type: 'set-op', id, op: 'after' }).root.children[0] as EditorCondition).value).toBe('2026-01-31');
    expect((run(dated, { type: 'set-op', id, op: 'within_last_days' }).root.children[0] as EditorCondition).value).toBe('');
  });

  test(`groups nest at most ${MAX_DEPTH} deep`, () => {
    let state = initialState(null, FIELDS);
    let groupId = state.root.id;
    for (let depth = 1; depth < MAX_DEPTH; depth++) {
      state = run(state, { type: 'add-group', groupId });
      let node: EditorGroup = state.root;
      while (groups(node).length) node = groups(node)[0]!;
      groupId = node.id;
    }
    expect(canAddGroup(state, groupId)).toBe(false);
    expect(run(state, { type: 'add-group', groupId })).toBe(state);
  });

  test(`a tree holds at most ${MAX_CONDITIONS} conditions`, () => {
    let state = initialState(null, FIELDS);
    for (let i = 0; i < MAX_CONDITIONS + 5; i++) state = run(state, { type: 'add-condition', groupId: state.root.id });
    expect(countConditions(state.root)).toBe(MAX_CONDITIONS);
  });

  test('values are sent typed: numbers as numbers, text trimmed, empty activity options left out', () => {
    const start = initialState(null, FIELDS);
    const id = start.root.children[0]!.id;
    const seats = run(start, { type: 'set-field', id, field: 'custom.seats' }, { type: 'set-value', id, value: '12' });
    expect(toRules(seats.root, FIELDS).conditions[0]).toEqual({ field: 'custom.seats', op: 'eq', value: 12 });
    const name = run(start, { type: 'set-value', id, value: '  ada ' });
    expect(toRules(name.root, FIELDS).conditions[0]).toEqual({ field: 'email', op: 'contains', value: 'ada' });
    const opened = run(start, { type: 'set-field', id, field: 'activity' }, { type: 'set-value', id, value: { campaign_id: '', within_days: '14' } });
    expect(toRules(opened.root, FIELDS).conditions[0]).toEqual({ field: 'activity', op: 'opened', value: { within_days: 14 } });
  });

  test('an incomplete condition says what is missing', () => {
    const condition = (field: string, op: string, value: EditorCondition['value']): EditorCondition => ({ kind: 'condition', id: 'x', field, op, value });
    expect(conditionProblem(condition('email', 'eq', ' '), FIELDS)).toBe('Enter a value.');
    expect(conditionProblem(condition('custom.seats', 'gt', 'many'), FIELDS)).toBe('Enter a number.');
    expect(conditionProblem(condition('created_at', 'within_last_days', '0'), FIELDS)).toBe('Enter a whole number of days.');
    expect(conditionProblem(condition('created_at', 'on', ''), FIELDS)).toBe('Choose a date.');
    expect(conditionProblem(condition('status', 'in', []), FIELDS)).toBe('Choose at least one status.');
    expect(conditionProblem(condition('activity', 'clicked', { campaign_id: '', within_days: 'x' }), FIELDS)).toBe('Enter a whole number of days.');
    expect(conditionProblem(condition('email', 'is_not_set', null), FIELDS)).toBeNull();
  });

  test('custom fields take their defined type; unknown ones are treated as text', () => {
    expect(fieldKind('custom.seats', FIELDS)).toBe('number');
    expect(fieldKind('custom.gone', FIELDS)).toBe('text');
    expect(fieldKind('created_at', FIELDS)).toBe('date');
    expect(valueKind('boolean', 'is_true')).toBe('none');
    expect(valueKind('status', 'in')).toBe('statuses');
  });
});
