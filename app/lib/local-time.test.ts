import { describe, expect, test } from 'vitest';
import { defaultScheduleTime, formatWallClock, localDateTime } from './local-time';

describe('local times for the schedule', () => {
  const at = Date.parse('2026-07-01T10:25:00Z');

  test('an instant reads differently on each zone’s clocks, daylight saving included', () => {
    expect(localDateTime(at, 'UTC')).toBe('2026-07-01T10:25');
    expect(localDateTime(at, 'Europe/Berlin')).toBe('2026-07-01T12:25');
    expect(localDateTime(at, 'America/New_York')).toBe('2026-07-01T06:25');
    expect(localDateTime(Date.parse('2026-01-01T10:25:00Z'), 'Europe/Berlin')).toBe('2026-01-01T11:25');
  });

  test('the proposed time is the top of a local hour one to two hours ahead, across midnight too', () => {
    expect(defaultScheduleTime(at, 'Europe/Berlin')).toBe('2026-07-01T14:00');
    expect(defaultScheduleTime(Date.parse('2026-07-01T22:40:00Z'), 'UTC')).toBe('2026-07-02T00:00');
    // Half-hour zones stay on their own hour marks.
    expect(defaultScheduleTime(at, 'Asia/Kolkata')).toBe('2026-07-01T17:00');
  });

  test('a wall-clock time reads as a date and time, unchanged by any zone', () => {
    expect(formatWallClock('2026-12-01T09:00')).toBe('1 Dec 2026, 09:00');
    expect(formatWallClock('not a time')).toBe('not a time');
  });
});
