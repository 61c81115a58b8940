import { describe, expect, test } from 'vitest';
import { estimateDelivery, formatDuration } from './send-estimate';

const NOW = Date.parse('2026-03-10T12:00:00Z');
/** The day's cap resets at the next UTC midnight: 12 h from NOW. */
const today = (sent: number, limit: number) => ({ sent, limit, resets_at: '2026-03-11T00:00:00Z' });

describe('estimateDelivery', () => {
  test('at a flat rate well under the daily cap, the time is recipients over rate', () => {
    const e = estimateDelivery({ schedule: [{ starts_in_hours: 0, rate_per_hour: 1000 }], today: today(0, 100_000) }, 2500, NOW);
    expect(e).toEqual({ hours: 2.5, ratePerHour: 1000 });
  });

  test('the warm-up steps the rate up: 50/h for the first 10 h, then 200/h', () => {
    const schedule = [
      { starts_in_hours: 0, rate_per_hour: 50 },
      { starts_in_hours: 10, rate_per_hour: 200 },
    ];
    // 500 in the first 10 h, the remaining 400 at 200/h: 2 h more.
    expect(estimateDelivery({ schedule, today: today(0, 1_000_000) }, 900, NOW).hours).toBe(12);
  });

  test('a used-up daily cap waits for its reset at midnight', () => {
    const e = estimateDelivery({ schedule: [{ starts_in_hours: 0, rate_per_hour: 10_000 }], today: today(1000, 1000) }, 500, NOW);
    // Nothing until midnight (12 h), then 500 at 10,000/h.
    expect(e.hours).toBe(12.1);
  });

  test('large audiences past the warm-up count whole days at the cap', () => {
    const e = estimateDelivery({ schedule: [{ starts_in_hours: 0, rate_per_hour: 100_000 }], today: today(0, 1000) }, 10_500, NOW);
    // 1000 today, then 1000 a day from tonight's reset: the last 500 go in the first minutes of the 10th day.
    expect(e.hours).toBe(12 + 9 * 24);
  });

  test('nothing to send takes no time; no rate or no cap never finishes', () => {
    expect(estimateDelivery({ schedule: [{ starts_in_hours: 0, rate_per_hour: 50 }], today: today(0, 100) }, 0, NOW).hours).toBe(0);
    expect(estimateDelivery({ schedule: [{ starts_in_hours: 0, rate_per_hour: 0 }], today: today(0, 100) }, 5, NOW).hours).toBe(Number.POSITIVE_INFINITY);
    expect(estimateDelivery({ schedule: [{ starts_in_hours: 0, rate_per_hour: 50 }], today: today(0, 0) }, 5, NOW).hours).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('formatDuration', () => {
  test('reads as people say it', () => {
    expect(formatDuration(0.4)).toBe('under an hour');
    expect(formatDuration(6.2)).toBe('about 7 h');
    expect(formatDuration(94)).toBe('about 4 days');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('never, at the current limits');
  });
});
