import { describe, expect, it } from 'vitest';
import { hashPassword as seedHash, verifyPassword as seedVerify } from '../../scripts/lib/password.mjs';
import { newId as seedId } from '../../scripts/lib/ids.mjs';
import { hashPassword, verifyPassword } from '../../worker/lib/crypto';
import { newId } from '../../worker/lib/ids';

// The seed (Node) keeps its own copies of the password hash and id formats; these tests fail if
// they drift from the worker's, which would make the seeded logins unusable.
describe('seed twins of worker helpers', () => {
  it('hashes passwords the worker verifies, and verifies the worker’s hashes', async () => {
    const password = 'Ünïcode-Pässword-ﬁ'; // NFKC matters: ﬁ → fi
    const fromSeed = await seedHash(password);
    expect(fromSeed).toMatch(/^pbkdf2-sha256\$100000\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword(password, fromSeed)).toBe(true);
    expect(await verifyPassword(password.normalize('NFKC'), fromSeed)).toBe(true);
    expect(await verifyPassword('wrong', fromSeed)).toBe(false);
    expect(await seedVerify(password, await hashPassword(password))).toBe(true);
    expect(await seedVerify('wrong', await hashPassword(password))).toBe(false);
  });

  it('makes ids of the same shape and time order', () => {
    const now = Date.UTC(2026, 0, 1);
    const [ours, theirs] = [seedId('ten', now), newId('ten', now)];
    expect(ours).toMatch(/^ten_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(ours.slice(0, 14)).toBe(theirs.slice(0, 14));
  });
});
