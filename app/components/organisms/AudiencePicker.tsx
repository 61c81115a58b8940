import { Link, useFetcher } from '@remix-run/react';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ContactList, Segment, SendingStatus, Tag } from '~/lib/api-types';
import { hasIncludes, INACTIVE_CHOICES, toAudience, type AudienceDraft, type AudienceSet, type InactiveChoice } from '~/lib/campaign-form';
import { plural } from '~/lib/format';
import { estimateDelivery, formatDuration } from '~/lib/send-estimate';
import type { loader as countLoader } from '~/routes/campaigns.audience-count';
import { Checkbox } from '../atoms/Checkbox';
import { Icon } from '../atoms/Icon';
import { Input } from '../atoms/Input';
import { Spinner } from '../atoms/Spinner';
import { Switch } from '../atoms/Switch';
import { HiddenFields } from '../molecules/HiddenFields';
import { WarmupNote } from './SenderHealthCard';

const COUNT_DEBOUNCE_MS = 400;
/** Longer choice lists get a filter box. */
const FILTER_FROM = 10;

interface Choice {
  value: string;
  label: string;
  detail: string;
}

interface AudiencePickerProps {
  draft: AudienceDraft;
  onChange: (draft: AudienceDraft) => void;
  lists: ContactList[];
  segments: Segment[];
  tags: Tag[];
  sending: SendingStatus | null;
  /** The campaign whose unopened recipients this follow-up goes to, when it is one. */
  unopenedOfName?: string | null;
  error?: string;
}

/** Whom the campaign goes to: all subscribed, or lists, segments and tags, minus exclusions, with the live count. */
export function AudiencePicker({ draft, onChange, lists, segments, tags, sending, unopenedOfName, error }: AudiencePickerProps) {
  const choices = useMemo(
    () => ({
      lists: lists.map((l) => ({ value: l.id, label: l.name, detail: plural(l.subscribers, 'subscriber') })),
      segments: segments.map((s) => ({ value: s.id, label: s.name, detail: s.description ?? '' })),
      tags: tags.map((t) => ({ value: t.name, label: t.name, detail: plural(t.contacts, 'contact') })),
    }),
    [lists, segments, tags],
  );
  const set = (name: AudienceSet) => (values: string[]) => onChange({ ...draft, [name]: values });
  return (
    <div className="stack">
      <HiddenFields fields={{ contact_ids: draft.contact_ids, unopened_of: draft.unopened_of ? [draft.unopened_of] : [] }} />
      {draft.unopened_of ? (
        <p className="banner banner--info">
          This follow-up goes to the recipients of {unopenedOfName ? <strong>{unopenedOfName}</strong> : 'the original campaign'} who did not open it. You can leave
          people out below.
        </p>
      ) : (
        <fieldset className="fieldset-reset stack">
          <legend className="section__title">Send to</legend>
          <Switch name="all" label="All subscribed contacts" checked={draft.all} onChange={(event) => onChange({ ...draft, all: event.currentTarget.checked })} />
          {!draft.all && (
            <div className="audience-grid">
              <ChoiceGroup title="Lists" name="lists" choices={choices.lists} selected={draft.lists} onChange={set('lists')} empty={<Link to="/lists">Create a list</Link>} />
              <ChoiceGroup title="Segments" name="segments" choices={choices.segments} selected={draft.segments} onChange={set('segments')} empty={<Link to="/segments/new">Create a segment</Link>} />
              <ChoiceGroup title="Tags" name="tags" choices={choices.tags} selected={draft.tags} onChange={set('tags')} empty="Tag contacts to send by tag." />
            </div>
          )}
        </fieldset>
      )}
      <details className="audience-exclude" open={draft.exclude_lists.length + draft.exclude_segments.length + draft.exclude_tags.length > 0}>
        <summary>
          <Icon name="chevron-right" />
          Leave out (optional)
        </summary>
        <div className="audience-grid">
          <ChoiceGroup title="Lists to leave out" name="exclude_lists" choices={choices.lists} selected={draft.exclude_lists} onChange={set('exclude_lists')} empty="No lists." />
          <ChoiceGroup title="Segments to leave out" name="exclude_segments" choices={choices.segments} selected={draft.exclude_segments} onChange={set('exclude_segments')} empty="No segments." />
          <ChoiceGroup title="Tags to leave out" name="exclude_tags" choices={choices.tags} selected={draft.exclude_tags} onChange={set('exclude_tags')} empty="No tags." />
        </div>
      </details>
      <InactiveContacts value={draft.inactive} onChange={(inactive) => onChange({ ...draft, inactive })} />
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <RecipientCount draft={draft} sending={sending} />
    </div>
  );
}

const INACTIVE_LABELS: Record<InactiveChoice, { label: string; detail: string }> = {
  exclude: { label: 'Leave them out', detail: 'The usual choice: mailing people who stopped engaging hurts where your mail lands.' },
  include: { label: 'Include inactive contacts', detail: 'They get this campaign with everyone else chosen above.' },
  only: { label: 'Only inactive contacts', detail: 'A re-engagement campaign: only the contacts chosen above whom the sunset made inactive. An open or a click makes them subscribed again.' },
};

/** Contacts the sunset made inactive (no opens or clicks for the workspace's period): left out unless the campaign asks for them. */
function InactiveContacts({ value, onChange }: { value: InactiveChoice; onChange: (value: InactiveChoice) => void }) {
  return (
    <fieldset className="fieldset">
      <legend className="field__label">Inactive contacts</legend>
      <p className="field__hint">Contacts who opened and clicked nothing for the sunset period set in Settings.</p>
      {INACTIVE_CHOICES.map((choice) => (
        <label key={choice} className="checkbox">
          <input type="radio" name="inactive" value={choice} checked={value === choice} onChange={() => onChange(choice)} />
          <span>
            {INACTIVE_LABELS[choice].label}
            <span className="text-muted"> · {INACTIVE_LABELS[choice].detail}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function ChoiceGroup({ title, name, choices, selected, onChange, empty }: { title: string; name: AudienceSet; choices: Choice[]; selected: string[]; onChange: (values: string[]) => void; empty: ReactNode }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const chosen = new Set(selected);
  // Chosen ones stay visible whatever the filter, so a checked box never hides.
  const shown = choices.filter((c) => !needle || chosen.has(c.value) || c.label.toLowerCase().includes(needle));
  return (
    <fieldset className="fieldset choice-group">
      <legend className="field__label">
        {title}
        {selected.length > 0 && <span className="text-muted"> ({selected.length} chosen)</span>}
      </legend>
      {choices.length === 0 ? (
        <p className="text-muted">{empty}</p>
      ) : (
        <>
          {choices.length >= FILTER_FROM && <Input type="search" aria-label={`Filter ${title.toLowerCase()}`} placeholder="Filter…" value={filter} onChange={(event) => setFilter(event.currentTarget.value)} />}
          <div className="choice-group__options">
            {shown.map((c) => (
              <Checkbox
                key={c.value}
                name={name}
                value={c.value}
                checked={chosen.has(c.value)}
                onChange={(event) => onChange(event.currentTarget.checked ? [...selected, c.value] : selected.filter((v) => v !== c.value))}
                label={
                  <span className="choice-group__label">
                    {c.label}
                    {c.detail && <span className="text-muted"> · {c.detail}</span>}
                  </span>
                }
              />
            ))}
          </div>
        </>
      )}
    </fieldset>
  );
}

/** The live count of who would receive the campaign now, and how long sending them takes at the current limits. */
function RecipientCount({ draft, sending }: { draft: AudienceDraft; sending: SendingStatus | null }) {
  const counter = useFetcher<typeof countLoader>();
  const load = useRef(counter.load);
  load.current = counter.load;
  const audience = toAudience(draft);
  const key = JSON.stringify(audience);
  const any = hasIncludes(audience);
  const statusId = useId();
  useEffect(() => {
    if (!any) return;
    const timer = setTimeout(() => load.current(`/campaigns/audience-count?audience=${encodeURIComponent(key)}`), COUNT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, any]);

  const counting = counter.state !== 'idle';
  const result = counter.data;
  let text: string;
  if (!any) text = 'Choose whom to send to.';
  else if (!result) text = 'Counting recipients…';
  else if (result.error) text = `Cannot count: ${result.error}`;
  else text = `${plural(result.count ?? 0, 'recipient')}`;
  const estimate = any && sending && result?.count ? estimateDelivery(sending, result.count, Date.now()) : null;
  return (
    <section className="card recipient-count" aria-labelledby={statusId}>
      <p id={statusId} className={any && result && !result.error ? 'live-count' : 'live-count live-count--idle'} aria-live="polite" aria-busy={counting} data-testid="recipient-count">
        {counting && <Spinner size="sm" />} {text}
        {counting && result && <span className="text-muted"> (updating…)</span>}
      </p>
      <p className="text-muted">
        Only {draft.inactive === 'only' ? 'inactive' : draft.inactive === 'include' ? 'subscribed and inactive' : 'subscribed'} contacts who are not suppressed receive it; someone in
        several lists gets it once.
      </p>
      {estimate && (
        <p data-testid="delivery-estimate">
          At {estimate.ratePerHour.toLocaleString('en')}/h, sending takes {formatDuration(estimate.hours)}.
        </p>
      )}
      {sending && <WarmupNote warmup={sending.warmup} />}
    </section>
  );
}
