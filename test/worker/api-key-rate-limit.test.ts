import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { tenants } from '../../worker/db/schema';
import { call, createApiKey, expectProblem, setPlan, signupTenant } from './helpers';

async function tenantWithApiRate(perMinute: number) {
  const owner = await signupTenant('Integrator Co');
  await getDb(env).update(tenants).set({ limitOverrides: { api_rate_per_minute: perMinute } }).where(eq(tenants.id, owner.tenantId)).run();
  return owner;
}

describe('per-API-key rate limit by plan', () => {
  it('answers 429 with Retry-After once a key is over its per-minute limit, and counts down in RateLimit headers', async () => {
    const owner = await tenantWithApiRate(3);
    const key = await createApiKey(owner, ['tenant:read']);
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await call('/v1/tenant', { token: key.secret });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await call('/v1/tenant', { token: key.secret });
    expectProblem(refused, 429, 'rate-limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('gives each key its own bucket', async () => {
    const owner = await tenantWithApiRate(1);
    const [first, second] = [await createApiKey(owner, ['tenant:read'], 'first'), await createApiKey(owner, ['tenant:read'], 'second')];
    expect((await call('/v1/tenant', { token: first.secret })).status).toBe(200);
    expect((await call('/v1/tenant', { token: first.secret })).status).toBe(429);
    expect((await call('/v1/tenant', { token: second.secret })).status).toBe(200);
  });

  it('counts requests a key may not make, and puts the headers on their errors too', async () => {
    const owner = await tenantWithApiRate(2);
    const key = await createApiKey(owner, ['tenant:read']);
    const forbidden = await call('/v1/contacts', { token: key.secret });
    expectProblem(forbidden, 403, 'insufficient-scope');
    expect(forbidden.headers.get('ratelimit-remaining')).toBe('1');
    await call('/v1/contacts', { token: key.secret });
    expectProblem(await call('/v1/tenant', { token: key.secret }), 429, 'rate-limited');
  });

  it('sizes the bucket by the plan without an override', async () => {
    const owner = await signupTenant('Plan Rate Co');
    const key = await createApiKey(owner, ['tenant:read']);
    expect((await call('/v1/tenant', { token: key.secret })).headers.get('ratelimit-limit')).toBe('60');
    await setPlan(owner.tenantId, 'pro');
    const other = await createApiKey(owner, ['tenant:read'], 'pro key');
    expect((await call('/v1/tenant', { token: other.secret })).headers.get('ratelimit-limit')).toBe('1000');
  });

  it('leaves people signed in to the dashboard alone', async () => {
    const owner = await tenantWithApiRate(1);
    for (let i = 0; i < 4; i++) {
      const res = await call('/v1/tenant', { token: owner.token });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});
