import type { BucketSpec } from '../../durable-objects/tenant-governor';
import type { Env } from '../env';
import { Problem } from '../lib/problem';

export interface RateBucket {
  /** Unique within the tenant, e.g. `form:<id>`; never raw personal data (hash IPs and addresses). */
  name: string;
  spec: BucketSpec;
}

/** One token from a bucket in the tenant's TenantGovernor, the strongly consistent counters of a tenant. */
export async function takeToken(env: Env, tenantId: string, bucket: RateBucket, count = 1) {
  return env.GOVERNOR.get(env.GOVERNOR.idFromName(tenantId)).take(bucket.name, bucket.spec, count);
}

/** Takes `count` tokens from each bucket in turn and answers 429 with Retry-After at the first that has too few. */
export async function assertWithinRate(env: Env, tenantId: string, buckets: RateBucket[], what = 'requests', count = 1) {
  for (const b of buckets) {
    const r = await takeToken(env, tenantId, b, count);
    if (!r.allowed) {
      throw new Problem('rate-limited', `Too many ${what}. Try again in ${r.retryAfter} seconds.`, {
        headers: { 'retry-after': String(r.retryAfter), 'ratelimit-limit': String(r.limit), 'ratelimit-remaining': '0', 'ratelimit-reset': String(r.reset) },
        extensions: { retry_after: r.retryAfter },
      });
    }
  }
}
