import type { CampaignSchedule } from '../db/schema';

/** Offset of `timeZone` from UTC at `instant`, in minutes (e.g. +60 for Europe/Berlin in winter). */
function offsetMinutes(timeZone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The UTC instant of a wall-clock time in a zone. The zone's offsets a day before and a day after
 * are the only candidates; the ones that map back to the same wall-clock time are real. Of an
 * ambiguous time (fall-back) the first occurrence wins; a time in the spring-forward gap does not
 * exist and is moved forward by the gap, as clocks do.
 */
export function zonedTimeToUtc(localTime: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(localTime);
  if (!m) throw new RangeError(`not a local date-time: ${localTime}`);
  const naive = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  const before = offsetMinutes(timeZone, naive - 86_400_000);
  const after = offsetMinutes(timeZone, naive + 86_400_000);
  const real = [before, after].map((o) => naive - o * 60_000).filter((t, i) => offsetMinutes(timeZone, t) === [before, after][i]);
  return real.length ? Math.min(...real) : naive - before * 60_000;
}

/** The zone furthest ahead (UTC+14; the POSIX name's sign is inverted): a local time comes there first. */
const FIRST_ZONE = 'Etc/GMT-14';

/** When the campaign starts: the instant itself, or (per recipient time zone) the first zone's turn. */
export function scheduleStart(s: CampaignSchedule): number {
  return zonedTimeToUtc(s.local_time, s.recipient_timezone ? FIRST_ZONE : s.timezone);
}

/**
 * A recipient's own moment for a "same local time everywhere" campaign; contacts without a valid
 * time zone get the campaign's. Recipients whose moment has already passed get it now.
 */
export function recipientSendAfter(s: CampaignSchedule, contactTimeZone: string | null, now: number, cache: Map<string, number>): number {
  if (!s.recipient_timezone) return now;
  const tz = contactTimeZone && isTimeZone(contactTimeZone) ? contactTimeZone : s.timezone;
  let at = cache.get(tz);
  if (at === undefined) {
    at = zonedTimeToUtc(s.local_time, tz);
    cache.set(tz, at);
  }
  return Math.max(at, now);
}
