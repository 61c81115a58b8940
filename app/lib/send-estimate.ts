import type { SendingStatus } from './api-types';

const HOUR_MS = 3_600_000;

export interface DeliveryEstimate {
  /** Hours from now until the last recipient's turn; Infinity when the limits allow nothing. */
  hours: number;
  /** The rate sending starts at. */
  ratePerHour: number;
}

/**
 * How long `recipients` messages take from `now` under the workspace's limits, as the API's own
 * estimate counts (worker/domain/send-permits.ts `sendEstimate`): the rate steps up along
 * `schedule` (the warm-up), and the daily cap, of which `today.sent` is used, waits for its reset.
 * Computed here so the wizard's count updates as the audience changes, without a round trip.
 */
export function estimateDelivery(status: Pick<SendingStatus, 'schedule' | 'today'>, recipients: number, now: number): DeliveryEstimate {
  const steps = [...status.schedule].sort((a, b) => a.starts_in_hours - b.starts_in_hours);
  const rateAt = (t: number) => steps.filter((s) => s.starts_in_hours <= t).at(-1)?.rate_per_hour ?? 0;
  const nextStepAfter = (t: number) => steps.find((s) => s.starts_in_hours > t)?.starts_in_hours ?? Number.POSITIVE_INFINITY;
  const ratePerHour = rateAt(0);
  const cap = status.today.limit;
  let left = Math.max(0, Math.ceil(recipients));
  if (left === 0) return { hours: 0, ratePerHour };
  if (cap <= 0 || steps.every((s) => s.rate_per_hour <= 0)) return { hours: Number.POSITIVE_INFINITY, ratePerHour };

  let t = 0;
  let usedToday = Math.max(0, status.today.sent);
  let dayEnd = Math.max(0, (Date.parse(status.today.resets_at) - now) / HOUR_MS);
  while (left > 0) {
    const rate = rateAt(t);
    const nextStep = nextStepAfter(t);
    if (rate <= 0 && nextStep === Number.POSITIVE_INFINITY) return { hours: Number.POSITIVE_INFINITY, ratePerHour };
    if (nextStep === Number.POSITIVE_INFINITY && usedToday === 0 && t === dayEnd - 24) {
      // Past the warm-up at the start of a day: whole days at once, not one loop turn per day.
      const perDay = Math.min(cap, rate * 24);
      const days = Math.floor((left - 1) / perDay);
      t += days * 24;
      dayEnd += days * 24;
      left -= days * perDay;
    }
    const segmentEnd = Math.min(dayEnd, nextStep);
    const room = Math.max(0, cap - usedToday);
    const bySegment = rate * (segmentEnd - t);
    if (left <= room && left <= bySegment) {
      t += left / rate;
      left = 0;
    } else if (room <= bySegment) {
      // The daily cap runs out first: nothing more until it resets.
      left -= room;
      t = dayEnd;
      dayEnd += 24;
      usedToday = 0;
    } else {
      left -= bySegment;
      usedToday += bySegment;
      t = segmentEnd;
      if (t === dayEnd) {
        dayEnd += 24;
        usedToday = 0;
      }
    }
  }
  return { hours: Math.round(t * 10) / 10, ratePerHour };
}

/** "under an hour", "about 7 h", "about 4 days", "never, at the current limits". */
export function formatDuration(hours: number): string {
  if (!Number.isFinite(hours)) return 'never, at the current limits';
  if (hours === 0) return 'no time';
  if (hours < 1) return 'under an hour';
  if (hours < 48) return `about ${Math.ceil(hours)} h`;
  return `about ${Math.ceil(hours / 24)} days`;
}
