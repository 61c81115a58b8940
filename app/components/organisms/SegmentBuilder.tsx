import { useFetcher } from '@remix-run/react';
import { useEffect, useId, useRef, type Dispatch } from 'react';
import { CONTACT_STATUSES, type ContactList, type CustomField, type Tag } from '~/lib/api-types';
import { plural } from '~/lib/format';
import {
  OPERATORS,
  canAddCondition,
  canAddGroup,
  conditionProblem,
  fieldGroups,
  fieldKind,
  valueKind,
  type ActivityValue,
  type BuilderAction,
  type BuilderState,
  type EditorCondition,
  type EditorGroup,
} from '~/lib/segment-rules';
import type { loader as countLoader } from '~/routes/segments.count';
import { Button, IconButton } from '../atoms/Button';
import { Checkbox } from '../atoms/Checkbox';
import { Input } from '../atoms/Input';
import { Select } from '../atoms/Select';
import { STATUS_LABELS } from '../molecules/ContactStatusBadge';

interface Choices {
  lists: Pick<ContactList, 'id' | 'name'>[];
  tags: Pick<Tag, 'name'>[];
  customFields: Pick<CustomField, 'key' | 'label' | 'type'>[];
}

interface SegmentBuilderProps extends Choices {
  state: BuilderState;
  dispatch: Dispatch<BuilderAction>;
  /** Marks incomplete conditions (after a save was tried). */
  showProblems: boolean;
  disabled?: boolean;
}

/** The rule tree as nested groups of conditions: each group matches all or any of what it holds. */
export function SegmentBuilder({ state, dispatch, showProblems, disabled = false, ...choices }: SegmentBuilderProps) {
  return (
    <fieldset className="fieldset-reset" disabled={disabled}>
      <GroupEditor group={state.root} path="" state={state} dispatch={dispatch} showProblems={showProblems} choices={choices} />
    </fieldset>
  );
}

interface EditorProps {
  state: BuilderState;
  dispatch: Dispatch<BuilderAction>;
  showProblems: boolean;
  choices: Choices;
}

const MATCH_OPTIONS = [
  { value: 'all', label: 'all of these conditions' },
  { value: 'any', label: 'any of these conditions' },
];

/**
 * `path` numbers a node by its place in the tree ("3", then "3.1" inside group 3), so every input's
 * label is unique and says where it is: "Field of condition 3.1".
 */
const childPath = (path: string, index: number) => (path ? `${path}.${index + 1}` : `${index + 1}`);

function GroupEditor({ group, path, state, dispatch, showProblems, choices }: EditorProps & { group: EditorGroup; path: string }) {
  const labelId = useId();
  const nested = path !== '';
  return (
    <div className={nested ? 'rule-group rule-group--nested' : 'rule-group'} role="group" aria-labelledby={labelId}>
      <div className="rule-group__header">
        <span id={labelId}>{nested ? `Group ${path}: contacts who match` : 'Contacts who match'}</span>
        <Select
          aria-label={nested ? `Match of group ${path}` : 'Match of the segment'}
          value={group.match}
          onChange={(event) => dispatch({ type: 'set-match', groupId: group.id, match: event.currentTarget.value === 'any' ? 'any' : 'all' })}
          options={MATCH_OPTIONS}
        />
        {nested && <IconButton icon="trash" label={`Remove group ${path}`} onClick={() => dispatch({ type: 'remove', id: group.id })} />}
      </div>
      {group.children.length === 0 ? (
        <p className="text-muted">No conditions: {group.match === 'all' ? 'every contact matches.' : 'no contact matches.'}</p>
      ) : (
        <ol className="rule-group__list">
          {group.children.map((node, index) => (
            <li key={node.id} className="rule-group__item">
              {index > 0 && (
                <span className="rule-group__joiner" aria-hidden="true">
                  {group.match === 'all' ? 'and' : 'or'}
                </span>
              )}
              {node.kind === 'group' ? (
                <GroupEditor group={node} path={childPath(path, index)} state={state} dispatch={dispatch} showProblems={showProblems} choices={choices} />
              ) : (
                <ConditionRow condition={node} position={childPath(path, index)} dispatch={dispatch} showProblems={showProblems} choices={choices} />
              )}
            </li>
          ))}
        </ol>
      )}
      <div className="row">
        <Button size="sm" icon="plus" disabled={!canAddCondition(state)} onClick={() => dispatch({ type: 'add-condition', groupId: group.id })} aria-label={nested ? `Add condition to group ${path}` : undefined}>
          Add condition
        </Button>
        <Button size="sm" variant="ghost" icon="layers" disabled={!canAddGroup(state, group.id)} onClick={() => dispatch({ type: 'add-group', groupId: group.id })} aria-label={nested ? `Add group to group ${path}` : undefined}>
          Add group
        </Button>
      </div>
    </div>
  );
}

function ConditionRow({ condition, position, dispatch, showProblems, choices }: Omit<EditorProps, 'state'> & { condition: EditorCondition; position: string }) {
  const { customFields } = choices;
  const kind = fieldKind(condition.field, customFields);
  const problem = showProblems ? conditionProblem(condition, customFields) : null;
  const errorId = useId();
  const name = `condition ${position}`;
  return (
    <div className={problem ? 'condition condition--invalid' : 'condition'} data-testid="condition">
      <Select
        aria-label={`Field of ${name}`}
        value={condition.field}
        onChange={(event) => dispatch({ type: 'set-field', id: condition.id, field: event.currentTarget.value })}
        groups={fieldGroups(customFields)}
      />
      <Select aria-label={`Comparison of ${name}`} value={condition.op} onChange={(event) => dispatch({ type: 'set-op', id: condition.id, op: event.currentTarget.value })} options={OPERATORS[kind]} />
      <ValueInput condition={condition} name={name} kind={valueKind(kind, condition.op)} dispatch={dispatch} choices={choices} describedBy={problem ? errorId : undefined} />
      <IconButton icon="close" label={`Remove ${name}`} onClick={() => dispatch({ type: 'remove', id: condition.id })} />
      {problem && (
        <p className="field__error condition__error" id={errorId}>
          {problem}
        </p>
      )}
    </div>
  );
}

function ValueInput({
  condition,
  name,
  kind,
  dispatch,
  choices,
  describedBy,
}: {
  condition: EditorCondition;
  name: string;
  kind: ReturnType<typeof valueKind>;
  dispatch: Dispatch<BuilderAction>;
  choices: Choices;
  describedBy?: string;
}) {
  const set = (value: EditorCondition['value']) => dispatch({ type: 'set-value', id: condition.id, value });
  const text = typeof condition.value === 'string' ? condition.value : '';
  const common = { 'aria-describedby': describedBy, 'aria-invalid': describedBy ? (true as const) : undefined };
  switch (kind) {
    case 'none':
      return null;
    case 'text':
      return <Input aria-label={`Value of ${name}`} value={text} maxLength={200} onChange={(e) => set(e.currentTarget.value)} {...common} />;
    case 'number':
      return <Input aria-label={`Value of ${name}`} type="number" step="any" value={text} onChange={(e) => set(e.currentTarget.value)} {...common} />;
    case 'date':
      return <Input aria-label={`Date of ${name}`} type="date" value={text} onChange={(e) => set(e.currentTarget.value)} {...common} />;
    case 'days':
      return (
        <span className="condition__days">
          <Input aria-label={`Days of ${name}`} type="number" min={1} step={1} value={text} onChange={(e) => set(e.currentTarget.value)} {...common} />
          <span aria-hidden="true">days</span>
        </span>
      );
    case 'status':
      return <Select aria-label={`Status of ${name}`} value={text} onChange={(e) => set(e.currentTarget.value)} options={CONTACT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} />;
    case 'statuses': {
      const chosen = Array.isArray(condition.value) ? condition.value : [];
      return (
        <fieldset className="fieldset condition__statuses" {...common}>
          <legend className="visually-hidden">Statuses of {name}</legend>
          {CONTACT_STATUSES.map((status) => (
            <Checkbox
              key={status}
              label={status}
              checked={chosen.includes(status)}
              onChange={(e) => set(e.currentTarget.checked ? [...chosen, status] : chosen.filter((s) => s !== status))}
            />
          ))}
        </fieldset>
      );
    }
    case 'tag': {
      // A tag the workspace no longer has stays choosable, so a saved condition shows what it tests.
      const names = [...new Set([...choices.tags.map((t) => t.name), ...(text ? [text] : [])])];
      return (
        <Select aria-label={`Tag of ${name}`} value={text} onChange={(e) => set(e.currentTarget.value)} options={[{ value: '', label: 'Choose a tag' }, ...names.map((t) => ({ value: t, label: t }))]} {...common} />
      );
    }
    case 'list':
      return (
        <Select
          aria-label={`List of ${name}`}
          value={text}
          onChange={(e) => set(e.currentTarget.value)}
          options={[{ value: '', label: 'Choose a list' }, ...choices.lists.map((l) => ({ value: l.id, label: l.name })), ...(text && !choices.lists.some((l) => l.id === text) ? [{ value: text, label: '(deleted list)' }] : [])]}
          {...common}
        />
      );
    case 'activity': {
      const activity = (condition.value ?? { campaign_id: '', within_days: '' }) as ActivityValue;
      return (
        <span className="condition__activity">
          <Input aria-label={`Campaign id of ${name} (empty: any campaign)`} placeholder="Any campaign (or a campaign id)" value={activity.campaign_id} onChange={(e) => set({ ...activity, campaign_id: e.currentTarget.value })} />
          <span className="condition__days">
            <span>in the last</span>
            <Input aria-label={`Days of ${name} (empty: ever)`} type="number" min={1} step={1} placeholder="any" value={activity.within_days} onChange={(e) => set({ ...activity, within_days: e.currentTarget.value })} {...common} />
            <span aria-hidden="true">days</span>
          </span>
        </span>
      );
    }
  }
}

/** How long the builder waits after the last change before it counts again. */
const COUNT_DEBOUNCE_MS = 400;

/**
 * "N contacts match", recounted shortly after each change while the rules are complete (through
 * /segments/count, which asks POST /v1/segments/count). Announced politely to screen readers.
 */
export function LiveCount({ rules, complete }: { rules: string; complete: boolean }) {
  const counter = useFetcher<typeof countLoader>();
  // Through a ref: the fetcher object changes with its own state, which must not start another count.
  const load = useRef(counter.load);
  load.current = counter.load;
  useEffect(() => {
    if (!complete) return;
    const timer = setTimeout(() => load.current(`/segments/count?rules=${encodeURIComponent(rules)}`), COUNT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [rules, complete]);
  const counting = counter.state !== 'idle';
  const result = counter.data;
  let text: string;
  if (!complete) text = 'Complete the conditions to see how many contacts match.';
  else if (!result) text = 'Counting…';
  else if (result.error) text = `Cannot count: ${result.error}`;
  else text = `${plural(result.count ?? 0, 'contact')} match${result.count === 1 ? 'es' : ''}`;
  return (
    <p className={complete && result && !result.error ? 'live-count' : 'live-count live-count--idle'} aria-live="polite" aria-busy={counting} data-testid="live-count">
      {text}
      {counting && result && <span className="text-muted"> (updating…)</span>}
    </p>
  );
}
