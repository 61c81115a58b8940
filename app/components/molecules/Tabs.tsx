import { useRef, type KeyboardEvent } from 'react';

export interface TabItem<K extends string> {
  id: K;
  label: string;
}

const tabId = (prefix: string, id: string) => `${prefix}-${id}-tab`;
const panelId = (prefix: string, id: string) => `${prefix}-${id}-panel`;

/**
 * Tabs that switch panels on the page (WAI-ARIA tabs: one tab stop, arrow keys, Home and End move
 * between tabs and show their panel). For tabs that are links to other pages use `.tabs` links.
 */
export function TabList<K extends string>({
  label,
  tabs,
  current,
  onChange,
  idPrefix,
}: {
  label: string;
  tabs: TabItem<K>[];
  current: K;
  onChange: (id: K) => void;
  idPrefix: string;
}) {
  const refs = useRef(new Map<K, HTMLButtonElement>());
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = tabs.findIndex((t) => t.id === current);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length]!;
    onChange(target.id);
    refs.current.get(target.id)?.focus();
  }
  return (
    <div className="tablist" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          ref={(element) => {
            if (element) refs.current.set(tab.id, element);
            else refs.current.delete(tab.id);
          }}
          type="button"
          role="tab"
          id={tabId(idPrefix, tab.id)}
          className="tablist__tab"
          aria-selected={tab.id === current}
          aria-controls={panelId(idPrefix, tab.id)}
          tabIndex={tab.id === current ? 0 : -1}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

/** The attributes of the panel that belongs to tab `id` of the TabList with `idPrefix`. */
export function tabPanelProps(idPrefix: string, id: string, current: string) {
  return { role: 'tabpanel', id: panelId(idPrefix, id), 'aria-labelledby': tabId(idPrefix, id), hidden: id !== current } as const;
}
