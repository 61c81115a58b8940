import { DurableObject } from 'cloudflare:workers';

export interface BucketSpec {
  /** Tokens the bucket holds when full (the burst). */
  capacity: number;
  /** Seconds to refill the whole bucket (e.g. 60 for "N per minute"). */
  windowSeconds: number;
}

export interface TakeResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until `n` tokens are available again (0 when allowed). */
  retryAfter: number;
  /** Seconds until the bucket is full again. */
  reset: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One per tenant (`idFromName(tenantId)`): the strongly consistent counters of a tenant.
 * This issue provides the token buckets (API rate limits, throttles); the delivery issue adds
 * send permits, warm-up, quotas and reputation on the same object.
 */
export class TenantGovernor extends DurableObject {
  /** Take `n` tokens from the named bucket, refilled continuously. */
  async take(name: string, spec: BucketSpec, n = 1, now = Date.now()): Promise<TakeResult> {
    const key = `bucket:${name}`;
    const ratePerMs = spec.capacity / (spec.windowSeconds * 1000);
    const stored = this.ctx.storage.kv.get<Bucket>(key);
    const tokens = stored ? Math.min(spec.capacity, stored.tokens + (now - stored.updatedAt) * ratePerMs) : spec.capacity;
    const allowed = tokens >= n;
    const left = allowed ? tokens - n : tokens;
    this.ctx.storage.kv.put(key, { tokens: left, updatedAt: now } satisfies Bucket);
    return {
      allowed,
      limit: spec.capacity,
      remaining: Math.floor(left),
      retryAfter: allowed ? 0 : Math.ceil((n - left) / ratePerMs / 1000),
      reset: Math.ceil((spec.capacity - left) / ratePerMs / 1000),
    };
  }
}
