import type { BucketSpec, TakeResult } from '../../durable-objects/tenant-governor';
import type { DB } from '../db/client';
import type { Env } from '../env';
import { Problem } from '../lib/problem';
import { effectiveLimits } from './plan-limits';

export interface RateBucket {
  /** Unique within the tenant, e.g. `form:<id>`; never raw personal data (hash IPs and addresses). */
  name: string;
  spec: BucketSpec;
}

/** The tenant's TenantGovernor, the strongly consistent counters of a tenant. */
export const governorOf = (env: Pick<Env, 'GOVERNOR'>, tenantId: string) => env.GOVERNOR.get(env.GOVERNOR.idFromName(tenantId));

/** One token from a bucket in the tenant's governor. */
export async function takeToken(env: Env, tenantId: string, bucket: RateBucket, count = 1) {
  return governorOf(env, tenantId).take(bucket.name, bucket.spec, count);
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) of a bucket after a take. */
export function rateLimitHeaders(r: TakeResult): Record<string, string> {
  return { 'ratelimit-limit': String(r.limit), 'ratelimit-remaining': String(r.remaining), 'ratelimit-reset': String(r.reset) };
}

/** The 429 for a refused take, with Retry-After. */
export function rateLimited(r: TakeResult, what: string) {
  return new Problem('rate-limited', `Too many ${what}. Try again in ${r.retryAfter} seconds.`, {
    headers: { 'retry-after': String(r.retryAfter), ...rateLimitHeaders(r), 'ratelimit-remaining': '0' },
    extensions: { retry_after: r.retryAfter },
  });
}

/** Takes `count` tokens from each bucket in turn and answers 429 with Retry-After at the first that has too few. */
export async function assertWithinRate(env: Env, tenantId: string, buckets: RateBucket[], what = 'requests', count = 1) {
  for (const b of buckets) {
    const r = await takeToken(env, tenantId, b, count);
    if (!r.allowed) throw rateLimited(r, what);
  }
}

/** One request of an API key: each key has its own per-minute bucket, sized by the tenant's plan (`api_rate_per_minute`) or override. */
export async function takeApiKeyToken(env: Env, db: DB, key: { keyId: string; tenantId: string }) {
  const { apiRatePerMinute } = await effectiveLimits(db, key.tenantId);
  return takeToken(env, key.tenantId, { name: `api-key:${key.keyId}`, spec: { capacity: apiRatePerMinute, windowSeconds: 60 } });
}
