import { useId, useState } from 'react';
import type { MergeTags } from '~/lib/api-types';
import { Icon } from '../atoms/Icon';
import { Input } from '../atoms/Input';

/**
 * The merge tags the API knows, grouped and searchable; choosing one calls `onInsert` with the
 * text to insert. A mouse click keeps the focus (and so the cursor) in the field being edited.
 */
export function MergeTagInserter({ mergeTags, target, onInsert }: { mergeTags: MergeTags; target: string; onInsert: (text: string) => void }) {
  const [query, setQuery] = useState('');
  const hintId = useId();
  const needle = query.trim().toLowerCase();
  const groups = mergeTags.groups
    .map((group) => ({ ...group, variables: group.variables.filter((v) => !needle || `${v.tag} ${v.description}`.toLowerCase().includes(needle)) }))
    .filter((group) => group.variables.length > 0);
  return (
    <details className="disclosure merge-tags">
      <summary>
        <Icon name="tag" />
        Insert a merge tag
      </summary>
      <div className="disclosure__panel stack stack--tight">
        <Input
          type="search"
          aria-label="Filter merge tags"
          aria-describedby={hintId}
          placeholder="Filter, e.g. name"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        <p className="field__hint" id={hintId}>
          Inserts at the cursor in {target}.
        </p>
        {groups.length === 0 && <p className="text-muted">No merge tag matches “{query}”.</p>}
        {groups.map((group) => (
          <section key={group.name} className="merge-tags__group" aria-label={group.name}>
            <h3 className="merge-tags__heading">{group.name}</h3>
            <ul className="merge-tags__list">
              {group.variables.map((v) => (
                <li key={v.tag}>
                  <button type="button" className="merge-tags__tag" onMouseDown={(event) => event.preventDefault()} onClick={() => onInsert(v.insert)}>
                    <code>{v.tag}</code>
                    <span>{v.description}</span>
                    {v.example && <span className="text-muted">e.g. {v.example}</span>}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        {mergeTags.filters.length > 0 && (
          <section className="merge-tags__group" aria-label="Filters">
            <h3 className="merge-tags__heading">Filters</h3>
            <ul className="merge-tags__filters">
              {mergeTags.filters.map((f) => (
                <li key={f.name}>
                  <code>{f.example ?? f.name}</code> {f.description && <span className="text-muted">{f.description}</span>}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </details>
  );
}

/** How to vary wording between recipients with spintax, in the API's own syntax. */
export function SpintaxHelp({ spintax }: { spintax: MergeTags['spintax'] }) {
  return (
    <details className="disclosure">
      <summary>
        <Icon name="info" />
        Spintax: vary the wording
      </summary>
      <div className="disclosure__panel stack stack--tight">
        <p>Each recipient gets one of the choices, picked at random, so not every message reads the same.</p>
        <p>
          Syntax: <code>{spintax.syntax}</code>
        </p>
        <p>
          Example: <code>{spintax.example}</code>
        </p>
      </div>
    </details>
  );
}
