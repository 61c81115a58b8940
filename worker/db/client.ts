import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Env } from '../env';
import * as schema from './schema';

export type DB = ReturnType<typeof drizzle<typeof schema>>;

const cache = new WeakMap<D1Database, DB>();

/**
 * The platform database. Tenant data must be reached through `tenantScope()` (db/tenant-scope.ts);
 * this handle is for platform tables (users, sessions, plans) and for the scope itself.
 * Large tenants can later get their own D1 database: resolve it here from the tenant id.
 */
export function getDb(env: Pick<Env, 'DB'>): DB {
  let db = cache.get(env.DB);
  if (!db) {
    db = drizzle(env.DB, { schema });
    cache.set(env.DB, db);
  }
  return db;
}

/** One transaction of any number of statements (drizzle's `batch` wants a non-empty tuple); nothing to run is a no-op. */
export async function runBatch(db: DB, statements: BatchItem<'sqlite'>[]) {
  if (statements.length) await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
}
