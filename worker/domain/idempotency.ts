import { and, eq, lt } from 'drizzle-orm';
import type { DB } from '../db/client';
import { idempotencyKeys } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { sha256Hex } from '../lib/crypto';
import { Problem, validationProblem } from '../lib/problem';

/** How long a key's first answer is given again (the IETF draft suggests at least 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * Runs `run` once per `Idempotency-Key` and request body: a retry of the same request gets the first
 * answer again (`replayed`), nothing is done twice; the same key with another body is a 422, and a
 * retry while the first is still running a 409 (draft-ietf-httpapi-idempotency-key-header §2.7).
 * Answers the caller caused (4xx) are kept like successes; when the server failed, the key is freed so
 * the retry can do the work.
 */
export async function withIdempotency(scope: TenantScope, key: string | undefined, request: unknown, run: () => Promise<{ status: number; body: unknown }>): Promise<StoredResponse> {
  if (key === undefined) return { ...(await run()), replayed: false };
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw validationProblem([{ field: 'Idempotency-Key', message: 'give 1 to 255 printable ASCII characters, e.g. a UUID' }]);
  const requestHash = await sha256Hex(JSON.stringify(request));
  const own = and(eq(idempotencyKeys.tenantId, scope.tenantId), eq(idempotencyKeys.key, key));
  const taken = await scope.db.insert(idempotencyKeys).values({ tenantId: scope.tenantId, key, requestHash }).onConflictDoNothing().returning({ key: idempotencyKeys.key }).get();
  if (!taken) {
    const row = await scope.db.select().from(idempotencyKeys).where(own).get();
    if (!row) throw new Problem('conflict', 'This Idempotency-Key was just released; send the request again.', { headers: { 'retry-after': '1' } });
    if (row.requestHash !== requestHash) throw new Problem('unprocessable', 'This Idempotency-Key was already used with a different request body. Use a new key for a new request.');
    if (row.responseStatus === null) throw new Problem('conflict', 'A request with this Idempotency-Key is still being processed.', { headers: { 'retry-after': '1' } });
    return { status: row.responseStatus, body: JSON.parse(row.responseBody ?? 'null'), replayed: true };
  }
  let result: { status: number; body: unknown };
  try {
    result = await run();
  } catch (err) {
    if (err instanceof Problem && err.status < 500) {
      await scope.db.update(idempotencyKeys).set({ responseStatus: err.status, responseBody: JSON.stringify(err.body()) }).where(own).run();
    } else {
      await scope.db.delete(idempotencyKeys).where(own).run();
    }
    throw err;
  }
  await scope.db.update(idempotencyKeys).set({ responseStatus: result.status, responseBody: JSON.stringify(result.body) }).where(own).run();
  return { ...result, replayed: false };
}

export async function purgeExpiredIdempotencyKeys(db: DB, now = Date.now()) {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now - IDEMPOTENCY_TTL_MS))).run();
}
