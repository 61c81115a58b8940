import type { CampaignChecklist, CheckState } from '~/lib/api-types';
import { Verdict, type VerdictTone } from '../molecules/Verdict';

const STATE: Record<CheckState, { tone: VerdictTone; label: string }> = {
  pass: { tone: 'good', label: 'Passed' },
  warn: { tone: 'warning', label: 'Warning' },
  fail: { tone: 'bad', label: 'Failed' },
};

/** The checklist the API runs before a send: each item's verdict in icon and words, and what to do about it. */
export function CampaignChecklistView({ checklist }: { checklist: CampaignChecklist }) {
  return (
    <ul className="send-checklist" aria-label="Checklist">
      {checklist.items.map((item) => {
        const state = STATE[item.state];
        return (
          <li key={item.key} className={`send-checklist__item send-checklist__item--${item.state}`} data-check={item.key} data-state={item.state}>
            <div className="send-checklist__head">
              <strong>{item.label}</strong>
              <Verdict tone={state.tone}>
                {state.label}
                {item.state !== 'pass' && !item.required ? ' (does not block sending)' : ''}
              </Verdict>
            </div>
            <p className="text-muted">{item.detail}</p>
          </li>
        );
      })}
    </ul>
  );
}

/** The failing required items in one sentence: why Send is disabled. */
export function blockingSummary(checklist: CampaignChecklist): string | null {
  const failing = checklist.items.filter((i) => i.required && i.state === 'fail');
  if (!failing.length) return null;
  return `Sending is blocked until ${failing.length === 1 ? 'this is' : 'these are'} fixed: ${failing.map((i) => i.label.toLowerCase()).join(', ')}.`;
}
