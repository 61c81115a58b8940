import type { StatsPeriod } from './api-types';

export const STATS_PERIODS: { value: StatsPeriod; label: string; previous: string }[] = [
  { value: '7d', label: 'Last 7 days', previous: 'previous 7 days' },
  { value: '30d', label: 'Last 30 days', previous: 'previous 30 days' },
  { value: '90d', label: 'Last 90 days', previous: 'previous 90 days' },
];

/** The overview's `?period=`: one the API knows, else the last 30 days. */
export function periodOf(url: URL) {
  const asked = url.searchParams.get('period');
  return STATS_PERIODS.find((p) => p.value === asked) ?? STATS_PERIODS[1]!;
}

/** `2026-11-03` → `Nov 3` (the series are UTC days, so they are named in UTC). */
export function dayLabel(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
