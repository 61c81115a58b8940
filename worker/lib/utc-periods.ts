/** Calendar periods in UTC: sending caps reset at UTC midnight, quotas on the 1st of the month UTC. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** `2026-11-30` */
export const utcDayKey = (t: number) => new Date(t).toISOString().slice(0, 10);
/** `2026-11` */
export const utcMonthKey = (t: number) => new Date(t).toISOString().slice(0, 7);

export const startOfUtcDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
export const nextUtcDay = (t: number) => startOfUtcDay(t) + DAY_MS;

export function startOfUtcMonth(t: number) {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextUtcMonth(t: number) {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Whole seconds from `now` until `then`, at least 1 so a client never retries at once. */
export const secondsUntil = (then: number, now: number) => Math.max(1, Math.ceil((then - now) / 1000));
