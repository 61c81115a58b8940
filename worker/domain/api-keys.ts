import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { DB } from '../db/client';
import { apiKeys, tenants, type ApiKey } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { randomToken, sha256Hex } from '../lib/crypto';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { API_KEY_SCOPES, roleCan, type Permission } from './permissions';
import type { Role } from '../db/schema';

export const API_KEY_PREFIX = 'ep_live_';
/** Visible part of the secret kept for lists: `ep_live_` plus 6 characters. */
const VISIBLE = API_KEY_PREFIX.length + 6;
/** Writing last_used_at on every call would turn each API read into a write; a minute is precise enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const isApiKeyToken = (token: string) => token.startsWith(API_KEY_PREFIX);

export function apiKeyView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    created_by: k.createdBy,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    expires_at: k.expiresAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a key and returns its secret — the only time the secret exists outside the caller's hands. */
export async function createApiKey(
  scope: TenantScope,
  input: { name: string; scopes: string[]; expiresAt?: Date | null },
  creator: { userId: string | null; role: Role },
) {
  const unknown = input.scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length) {
    throw new Problem('validation-error', `Unknown scope: ${unknown.join(', ')}.`, {
      extensions: { errors: [{ field: 'scopes', message: `allowed: ${API_KEY_SCOPES.join(', ')}` }] },
    });
  }
  const beyondRole = input.scopes.filter((s) => !roleCan(creator.role, s as Permission));
  if (beyondRole.length) {
    throw new Problem('forbidden', `Your role cannot grant: ${beyondRole.join(', ')}.`);
  }
  const secret = API_KEY_PREFIX + randomToken(30);
  const key = await scope.insert(apiKeys, {
    id: newId(ID_PREFIX.apiKey),
    name: input.name,
    prefix: secret.slice(0, VISIBLE),
    keyHash: await sha256Hex(secret),
    scopes: [...new Set(input.scopes)],
    createdBy: creator.userId,
    expiresAt: input.expiresAt ?? null,
  });
  return { key, secret };
}

/** Resolves a presented secret to its active key, or null. Tenant must not be closed. */
export async function resolveApiKey(db: DB, secret: string, now = new Date()) {
  const row = await db
    .select({ key: apiKeys, tenantStatus: tenants.status })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(
      and(
        eq(apiKeys.keyHash, await sha256Hex(secret)),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
      ),
    )
    .get();
  if (!row || row.tenantStatus === 'closed') return null;
  return row.key;
}

export async function touchApiKey(db: DB, key: ApiKey, now = new Date()) {
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id)).run();
}

export async function revokeApiKey(scope: TenantScope, id: string, now = new Date()) {
  const key = await scope.get(apiKeys, id, 'API key');
  if (key.revokedAt) return key;
  return scope.update(apiKeys, id, { revokedAt: now }, 'API key');
}
