import type { CampaignStats } from './api-types';
import { formatRate } from './sender-health';

export const MAX_COMPARED = 4;

/** The campaigns to compare from `?ids=`: distinct, at most four, in the order given. */
export function compareIdsOf(url: URL): string[] {
  const ids = url.searchParams.getAll('ids').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return [...new Set(ids)].slice(0, MAX_COMPARED);
}

interface Metric {
  label: string;
  value: (s: CampaignStats) => number;
  format: (n: number) => string;
  /** Bounces, unsubscribes, complaints: the lowest is the best. */
  lowerIsBetter?: boolean;
}

const count = (n: number) => n.toLocaleString('en');

export const COMPARE_METRICS: Metric[] = [
  { label: 'Sent', value: (s) => s.sent, format: count },
  { label: 'Open rate', value: (s) => s.rates.open, format: formatRate },
  { label: 'Click rate', value: (s) => s.rates.click, format: formatRate },
  { label: 'Click-to-open rate', value: (s) => s.rates.click_to_open, format: formatRate },
  { label: 'Unique opens', value: (s) => s.opens.unique, format: count },
  { label: 'Unique clicks', value: (s) => s.clicks.unique, format: count },
  { label: 'Bounce rate', value: (s) => s.rates.bounce, format: formatRate, lowerIsBetter: true },
  { label: 'Unsubscribe rate', value: (s) => s.rates.unsubscribe, format: formatRate, lowerIsBetter: true },
  { label: 'Complaint rate', value: (s) => s.rates.complaint, format: formatRate, lowerIsBetter: true },
];

/** Which of the values is best (null when all are equal: nothing stands out). */
export function bestIndex(values: number[], lowerIsBetter = false): number | null {
  if (values.length < 2 || values.every((v) => v === values[0])) return null;
  const better = (a: number, b: number) => (lowerIsBetter ? a < b : a > b);
  return values.reduce((best, v, i) => (better(v, values[best]!) ? i : best), 0);
}
