import { describe, expect, it } from 'vitest';
import { recipientSendAfter, scheduleStart, zonedTimeToUtc } from './campaign-schedule';

describe('campaign schedule time zones', () => {
  it('converts a wall-clock time in a zone to UTC, in winter and in summer', () => {
    expect(new Date(zonedTimeToUtc('2026-01-15T09:00', 'Europe/Berlin')).toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(new Date(zonedTimeToUtc('2026-07-15T09:00', 'Europe/Berlin')).toISOString()).toBe('2026-07-15T07:00:00.000Z');
    expect(new Date(zonedTimeToUtc('2026-07-15T09:00', 'America/New_York')).toISOString()).toBe('2026-07-15T13:00:00.000Z');
    expect(new Date(zonedTimeToUtc('2026-07-15T09:00', 'Asia/Kolkata')).toISOString()).toBe('2026-07-15T03:30:00.000Z');
  });

  it('puts a time inside the spring-forward gap just after it and an ambiguous time on its first occurrence', () => {
    // 2026-03-29 02:30 does not exist in Berlin (clocks go 02:00 → 03:00): it becomes 03:30 CEST.
    expect(new Date(zonedTimeToUtc('2026-03-29T02:30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 2026-10-25 02:30 happens twice; the first is at UTC+2.
    expect(new Date(zonedTimeToUtc('2026-10-25T02:30', 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('starts a recipient-time-zone campaign when the first zone (UTC+14) reaches the local time', () => {
    const s = { local_time: '2026-07-15T09:00', timezone: 'UTC', recipient_timezone: true };
    expect(new Date(scheduleStart(s)).toISOString()).toBe('2026-07-14T19:00:00.000Z');
    expect(new Date(scheduleStart({ ...s, recipient_timezone: false })).toISOString()).toBe('2026-07-15T09:00:00.000Z');
  });

  it("gives each recipient their own zone's moment, the campaign's zone when theirs is unknown, and now when it has passed", () => {
    const s = { local_time: '2026-07-15T09:00', timezone: 'Europe/Berlin', recipient_timezone: true };
    const now = Date.parse('2026-07-15T05:00:00Z');
    const cache = new Map<string, number>();
    expect(new Date(recipientSendAfter(s, 'America/New_York', now, cache)).toISOString()).toBe('2026-07-15T13:00:00.000Z');
    expect(new Date(recipientSendAfter(s, null, now, cache)).toISOString()).toBe('2026-07-15T07:00:00.000Z');
    expect(new Date(recipientSendAfter(s, 'Not/AZone', now, cache)).toISOString()).toBe('2026-07-15T07:00:00.000Z');
    expect(recipientSendAfter(s, 'Asia/Tokyo', now, cache)).toBe(now);
  });
});
