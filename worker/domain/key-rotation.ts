import { eq, isNotNull } from 'drizzle-orm';
import type { DB } from '../db/client';
import { users } from '../db/schema';
import { decryptSecret, encryptSecret } from '../lib/crypto';
import type { EncryptionKeys } from './two-factor';

/**
 * Step two of rotating ENCRYPTION_KEY (docs/operations.md): with the new key current and the old
 * one as ENCRYPTION_KEY_PREVIOUS, re-seal every stored secret under the new key. Idempotent; once
 * it reports nothing left under the old key, ENCRYPTION_KEY_PREVIOUS can be removed.
 * Later modules with secrets at rest (transport credentials, webhook secrets) add their column here.
 */
export async function reencryptSecrets(db: DB, keys: EncryptionKeys) {
  const [current] = keys;
  let reencrypted = 0;
  let unreadable = 0;
  const rows = await db.select({ id: users.id, sealed: users.totpSecret }).from(users).where(isNotNull(users.totpSecret)).all();
  for (const row of rows) {
    const underCurrent = await decryptSecret([current], row.sealed!).then(
      () => true,
      () => false,
    );
    if (underCurrent) continue;
    try {
      const plain = await decryptSecret(keys, row.sealed!);
      await db.update(users).set({ totpSecret: await encryptSecret(current, plain) }).where(eq(users.id, row.id)).run();
      reencrypted++;
    } catch {
      unreadable++;
    }
  }
  return { checked: rows.length, reencrypted, unreadable };
}
