import { eq, isNotNull } from 'drizzle-orm';
import type { DB } from '../db/client';
import { dkimKeys, transports, users } from '../db/schema';
import { decryptSecret, encryptSecret } from '../lib/crypto';
import type { EncryptionKeys } from './two-factor';

/** A column of sealed secrets: how to read its rows and how to write one back. */
interface SealedColumn {
  rows(db: DB): Promise<{ id: string; sealed: string | null }[]>;
  write(db: DB, id: string, sealed: string): Promise<unknown>;
}

/** Every secret at rest. Later modules with secrets (webhook secrets) add their column here. */
const SEALED_COLUMNS: SealedColumn[] = [
  {
    rows: (db) => db.select({ id: users.id, sealed: users.totpSecret }).from(users).where(isNotNull(users.totpSecret)).all(),
    write: (db, id, sealed) => db.update(users).set({ totpSecret: sealed }).where(eq(users.id, id)).run(),
  },
  {
    rows: (db) => db.select({ id: dkimKeys.id, sealed: dkimKeys.privateKeyEnc }).from(dkimKeys).all(),
    write: (db, id, sealed) => db.update(dkimKeys).set({ privateKeyEnc: sealed }).where(eq(dkimKeys.id, id)).run(),
  },
  {
    rows: (db) => db.select({ id: transports.id, sealed: transports.credentialsEnc }).from(transports).where(isNotNull(transports.credentialsEnc)).all(),
    write: (db, id, sealed) => db.update(transports).set({ credentialsEnc: sealed }).where(eq(transports.id, id)).run(),
  },
];

/**
 * Step two of rotating ENCRYPTION_KEY (docs/operations.md): with the new key current and the old
 * one as ENCRYPTION_KEY_PREVIOUS, re-seal every stored secret under the new key. Idempotent; once
 * it reports nothing left under the old key, ENCRYPTION_KEY_PREVIOUS can be removed.
 */
export async function reencryptSecrets(db: DB, keys: EncryptionKeys) {
  const [current] = keys;
  let checked = 0;
  let reencrypted = 0;
  let unreadable = 0;
  for (const column of SEALED_COLUMNS) {
    for (const row of await column.rows(db)) {
      checked++;
      const underCurrent = await decryptSecret([current], row.sealed!).then(
        () => true,
        () => false,
      );
      if (underCurrent) continue;
      try {
        const plain = await decryptSecret(keys, row.sealed!);
        await column.write(db, row.id, await encryptSecret(current, plain));
        reencrypted++;
      } catch {
        unreadable++;
      }
    }
  }
  return { checked, reencrypted, unreadable };
}
