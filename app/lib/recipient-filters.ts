import { RECIPIENT_OUTCOMES, type RecipientOutcome } from './api-types';
import { listHref } from './list-url';

export interface RecipientFilters {
  outcome: RecipientOutcome | '';
  q: string;
  cursor: string;
}

export const OUTCOME_LABELS: Record<RecipientOutcome | '', string> = {
  '': 'Everyone',
  sent: 'Sent',
  opened: 'Opened',
  clicked: 'Clicked',
  bounced: 'Bounced',
  failed: 'Failed',
  complained: 'Complained',
  unsubscribed: 'Unsubscribed',
};

/** The campaign page's recipient filters from its URL; anything unknown is dropped. */
export function recipientFiltersOf(url: URL): RecipientFilters {
  const outcome = url.searchParams.get('outcome') ?? '';
  return {
    outcome: (RECIPIENT_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as RecipientOutcome) : '',
    q: (url.searchParams.get('q') ?? '').trim().slice(0, 254),
    cursor: url.searchParams.get('cursor') ?? '',
  };
}

/** The page at `path` with some filters changed; a changed filter starts at the first page. */
export function recipientsHref(path: string, filters: RecipientFilters, change: Partial<RecipientFilters>): string {
  const next = { ...filters, cursor: '', ...change };
  return listHref(path, { outcome: next.outcome, q: next.q, cursor: next.cursor });
}
