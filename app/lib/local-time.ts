/**
 * Wall-clock times in a named time zone, as the schedule API takes them (`2026-12-01T09:00` plus
 * `Europe/Berlin`): built with Intl, so the server and the browser agree on the zone's rules.
 */

/** `YYYY-MM-DDTHH:mm` of the instant `at` on the clocks of `timeZone` (what a datetime-local input holds). */
export function localDateTime(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** What the schedule field proposes: the top of a local hour, between one and two hours from now. */
export function defaultScheduleTime(now: number, timeZone: string): string {
  return `${localDateTime(now + 2 * 3_600_000, timeZone).slice(0, 14)}00`;
}

const wallClock = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** `2026-12-01T09:00` as people read it: "1 Dec 2026, 09:00" (the zone is said separately). */
export function formatWallClock(local: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) return local;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  // The digits read as UTC are the wall-clock digits: formatting in UTC changes none of them.
  return wallClock.format(Date.UTC(y, mo - 1, d, h, mi));
}
