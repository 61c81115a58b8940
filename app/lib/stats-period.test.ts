import { describe, expect, it } from 'vitest';
import { dayLabel, periodOf } from './stats-period';

describe('periodOf', () => {
  it('takes a period the API knows and falls back to 30 days', () => {
    expect(periodOf(new URL('https://x/?period=7d')).value).toBe('7d');
    expect(periodOf(new URL('https://x/?period=90d')).previous).toBe('previous 90 days');
    expect(periodOf(new URL('https://x/?period=1y')).value).toBe('30d');
    expect(periodOf(new URL('https://x/')).value).toBe('30d');
  });
});

describe('dayLabel', () => {
  it('names a UTC day whatever the local time zone', () => {
    expect(dayLabel('2026-11-03')).toBe('Nov 3');
    expect(dayLabel('2026-01-01')).toBe('Jan 1');
  });
});
