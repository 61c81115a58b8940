import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from './signed-tokens';

const OLD = 'k1:old-secret-old-secret-old-secret-old-secret';
const ROTATED = 'k2:new-secret-new-secret-new-secret-new-secret,' + OLD;

describe('signed tokens', () => {
  it('round-trip their payload', async () => {
    const t = await signToken(OLD, { job: 'job_1', exp: 123 });
    expect(await verifyToken(OLD, t)).toEqual({ job: 'job_1', exp: 123 });
  });

  it('stay valid after key rotation, and new ones use the new key', async () => {
    const before = await signToken(OLD, { n: 1 });
    expect(await verifyToken(ROTATED, before)).toEqual({ n: 1 });
    const after = await signToken(ROTATED, { n: 2 });
    expect(after.split('.')[1]).toBe('k2');
    expect(await verifyToken(OLD, after)).toBeNull();
  });

  it('refuse tampering of payload, key id or signature', async () => {
    const t = await signToken(OLD, { target: 'https://good.example' });
    const [body, kid, sig] = t.split('.') as [string, string, string];
    const evil = btoa(JSON.stringify({ target: 'https://evil.example' })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    expect(await verifyToken(OLD, `${evil}.${kid}.${sig}`)).toBeNull();
    expect(await verifyToken(OLD, `${body}.k9.${sig}`)).toBeNull();
    expect(await verifyToken(OLD, `${body}.${kid}.${sig.slice(0, -2)}AA`)).toBeNull();
    expect(await verifyToken(OLD, `${body}.${kid}`)).toBeNull();
    expect(await verifyToken(OLD, '...')).toBeNull();
    expect(await verifyToken(OLD, `${body}.${kid}.!!!`)).toBeNull();
  });
});
