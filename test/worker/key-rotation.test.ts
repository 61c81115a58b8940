import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { users } from '../../worker/db/schema';
import { reencryptSecrets } from '../../worker/domain/key-rotation';
import { verifySecondFactor } from '../../worker/domain/two-factor';
import { decryptSecret } from '../../worker/lib/crypto';
import { signToken, verifyToken } from '../../worker/lib/signed-tokens';
import { enrollTotp, signupTenant } from './helpers';

const NEW_KEY = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';

describe('rotating keys without breaking what is out there', () => {
  it('ENCRYPTION_KEY: secrets sealed under the old key keep working, then get re-sealed under the new one', async () => {
    const s = await signupTenant();
    const totp = await enrollTotp(s);
    const db = getDb(env);
    const sealedBefore = (await db.select().from(users).where(eq(users.id, s.userId)).get())!.totpSecret!;
    const rotated = [NEW_KEY, env.ENCRYPTION_KEY] as const;

    // During rotation, 2FA still verifies with the old key as the previous one.
    const user = (await db.select().from(users).where(eq(users.id, s.userId)).get())!;
    expect(await verifySecondFactor(db, rotated, user, totp.backupCodes[0]!)).toBe(true);
    expect(await verifySecondFactor(db, rotated, user, totp.code(1))).toBe(true);

    const first = await reencryptSecrets(db, rotated);
    expect(first.reencrypted).toBeGreaterThanOrEqual(1);
    expect(first.unreadable).toBe(0);
    const sealedAfter = (await db.select().from(users).where(eq(users.id, s.userId)).get())!.totpSecret!;
    expect(sealedAfter).not.toBe(sealedBefore);
    expect(await decryptSecret([NEW_KEY], sealedAfter)).toBe(totp.secret);
    await expect(decryptSecret([env.ENCRYPTION_KEY], sealedAfter)).rejects.toThrow();
    // Idempotent: nothing left under the old key, so the old key can go.
    expect((await reencryptSecrets(db, rotated)).reencrypted).toBe(0);
  });

  it('TOKEN_SIGNING_KEYS: links signed before a rotation stay valid after it', async () => {
    const before = await signToken(env.TOKEN_SIGNING_KEYS, { kind: 'click', url: 'https://example.com' });
    const rotatedSpec = `k2:${'n'.repeat(40)},${env.TOKEN_SIGNING_KEYS}`;
    expect(await verifyToken(rotatedSpec, before)).toEqual({ kind: 'click', url: 'https://example.com' });
    expect((await signToken(rotatedSpec, { n: 1 })).split('.')[1]).toBe('k2');
  });
});
