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
  /** When the bucket is full again: from then on it is the same as no bucket, so the sweep deletes it. */
  fullAt: number;
}

/** How often stale buckets are swept; per-visitor buckets (hashed IPs) would otherwise pile up forever. */
export const BUCKET_SWEEP_MS = 3600_000;

/**
 * One per tenant (`idFromName(tenantId)`): the strongly consistent counters of a tenant.
 * This issue provides the token buckets (API rate limits, throttles); the delivery issue adds
 * send permits, warm-up, quotas and reputation on the same object.
 */
export class TenantGovernor extends DurableObject {
  private sweepScheduled = false;

  /** Take `n` tokens from the named bucket, refilled continuously. */
  async take(name: string, spec: BucketSpec, n = 1, now = Date.now()): Promise<TakeResult> {
    const key = `bucket:${name}`;
    const ratePerMs = spec.capacity / (spec.windowSeconds * 1000);
    const stored = this.ctx.storage.kv.get<Bucket>(key);
    const tokens = stored ? Math.min(spec.capacity, stored.tokens + (now - stored.updatedAt) * ratePerMs) : spec.capacity;
    const allowed = tokens >= n;
    const left = allowed ? tokens - n : tokens;
    const fullAt = now + Math.ceil((spec.capacity - left) / ratePerMs);
    this.ctx.storage.kv.put(key, { tokens: left, updatedAt: now, fullAt } satisfies Bucket);
    await this.scheduleSweep();
    return {
      allowed,
      limit: spec.capacity,
      remaining: Math.floor(left),
      retryAfter: allowed ? 0 : Math.ceil((n - left) / ratePerMs / 1000),
      reset: Math.ceil((spec.capacity - left) / ratePerMs / 1000),
    };
  }

  private async scheduleSweep() {
    if (this.sweepScheduled) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + BUCKET_SWEEP_MS);
    this.sweepScheduled = true;
  }

  /** Deletes buckets that have refilled; keeps sweeping while any remain. */
  override async alarm() {
    const now = Date.now();
    let remaining = 0;
    for (const [key, bucket] of this.ctx.storage.kv.list<Bucket>({ prefix: 'bucket:' })) {
      // Buckets written before fullAt existed are treated as refilled.
      if ((bucket.fullAt ?? 0) <= now) this.ctx.storage.kv.delete(key);
      else remaining++;
    }
    this.sweepScheduled = false;
    if (remaining) await this.scheduleSweep();
  }
}
