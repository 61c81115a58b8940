import { Problem } from '../lib/problem';

/**
 * What the inbound webhook verifiers share: the refusal, the timestamp window, the secret lookup. Every provider's check runs before anything is parsed or queued.
 */

/** A signed timestamp further than this from now (either way) is refused: a captured request cannot be replayed later. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export const invalidSignature = (detail: string) => new Problem('invalid-signature', detail);

export function assertFreshTimestamp(seconds: number, now = Date.now()) {
  if (!Number.isFinite(seconds) || Math.abs(now / 1000 - seconds) > TIMESTAMP_TOLERANCE_SECONDS) {
    throw invalidSignature(`The signed timestamp is missing or more than ${TIMESTAMP_TOLERANCE_SECONDS / 60} minutes from now.`);
  }
}

/** The webhook secret a provider needs, or a 401 telling the tenant where to set it. */
export function requireSecret(credentials: Record<string, string>, field: string, provider: string): string {
  const value = credentials[field];
  if (!value) throw invalidSignature(`This ${provider} transport has no ${field} yet: set it with PATCH /v1/transports/{id} before pointing the webhook here.`);
  return value;
}

/** Seconds or milliseconds since the epoch, or an ISO date, as milliseconds (now when absent or unreadable). */
export function timeOf(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return Date.now();
  if (typeof value === 'number') return value < 1e12 ? Math.round(value * 1000) : value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? Date.now() : parsed;
}
