import { useFetcher } from '@remix-run/react';
import { useEffect, useId, useRef, useState } from 'react';
import { contactName } from '~/lib/contacts';
import type { ContactChoice, loader as searchLoader } from '~/routes/templates.contact-search';
import { Input } from '../atoms/Input';
import { Select } from '../atoms/Select';
import { Spinner } from '../atoms/Spinner';

const SEARCH_DEBOUNCE_MS = 300;

const choiceLabel = (c: ContactChoice) => (contactName(c) === c.email ? c.email : `${contactName(c)} <${c.email}>`);

/** Whose data fills the merge tags in the preview: sample data, or a contact found by email or name. */
export function ContactPicker({ value, onChange }: { value: ContactChoice | null; onChange: (contact: ContactChoice | null) => void }) {
  const search = useFetcher<typeof searchLoader>();
  const [query, setQuery] = useState('');
  const load = useRef(search.load);
  load.current = search.load;
  const statusId = useId();

  useEffect(() => {
    const q = query.trim();
    if (!q) return;
    const timer = setTimeout(() => load.current(`/templates/contact-search?q=${encodeURIComponent(q)}`), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  const found = query.trim() ? search.data?.contacts ?? [] : [];
  const choices = value && !found.some((c) => c.id === value.id) ? [value, ...found] : found;
  const status = !query.trim()
    ? ''
    : search.state !== 'idle'
    ? 'Searching…'
    : search.data?.error
    ? `Cannot search contacts: ${search.data.error}`
    : `${found.length === 0 ? 'No contact' : found.length === 1 ? '1 contact' : `${found.length} contacts`} found`;

  return (
    <fieldset className="fieldset contact-picker">
      <legend className="field__label">Preview as</legend>
      <div className="contact-picker__controls">
        <Input
          type="search"
          aria-label="Find a contact by email or name"
          aria-describedby={statusId}
          placeholder="Find a contact…"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        <Select
          aria-label="Contact whose data fills the preview"
          value={value?.id ?? ''}
          onChange={(event) => onChange(choices.find((c) => c.id === event.currentTarget.value) ?? null)}
          options={[{ value: '', label: 'Sample data' }, ...choices.map((c) => ({ value: c.id, label: choiceLabel(c) }))]}
        />
      </div>
      <p className="field__hint" id={statusId} aria-live="polite">
        {search.state !== 'idle' && <Spinner size="sm" />} {status}
      </p>
    </fieldset>
  );
}
