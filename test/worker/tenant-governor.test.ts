import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { TenantGovernor } from '../../durable-objects/tenant-governor';

const bucketKeys = (stub: DurableObjectStub<TenantGovernor>) =>
  runInDurableObject(stub, (_instance, state) => [...state.storage.kv.list({ prefix: 'bucket:' })].map(([key]) => key));

describe('tenant governor token buckets', () => {
  it('refuse once empty and say when to retry', async () => {
    const stub = env.GOVERNOR.get(env.GOVERNOR.idFromName(`gov-${crypto.randomUUID()}`));
    const spec = { capacity: 2, windowSeconds: 60 };
    expect((await stub.take('api', spec)).allowed).toBe(true);
    expect((await stub.take('api', spec)).allowed).toBe(true);
    const refused = await stub.take('api', spec);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(refused.retryAfter).toBeLessThanOrEqual(30);
  });

  it('sweep refilled buckets so per-visitor buckets do not pile up, and keep the ones still in use', async () => {
    const stub = env.GOVERNOR.get(env.GOVERNOR.idFromName(`gov-${crypto.randomUUID()}`));
    // A visitor seen two hours ago (its bucket refilled long since) and one seen now.
    await stub.take('ip:old-visitor', { capacity: 10, windowSeconds: 600 }, 1, Date.now() - 2 * 3600_000);
    await stub.take('ip:current-visitor', { capacity: 10, windowSeconds: 600 });
    expect((await bucketKeys(stub)).sort()).toEqual(['bucket:ip:current-visitor', 'bucket:ip:old-visitor']);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await bucketKeys(stub)).toEqual(['bucket:ip:current-visitor']);
    // Still one bucket left: the sweep stays scheduled.
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).not.toBeNull();
  });
});
