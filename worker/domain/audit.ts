import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';
import type { DB } from '../db/client';
import { auditLog, type AuditEntry } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { decodeCursor, toPage } from '../lib/pagination';
import type { Principal } from '../types';

export interface AuditInput {
  tenantId: string | null;
  actor: { type: 'user' | 'api_key' | 'system' | 'anonymous'; id: string | null };
  action: string;
  target?: { type: string; id: string };
  ip?: string | null;
  /** Ids, counts, roles, scopes — never emails, names, passwords or tokens. */
  metadata?: Record<string, unknown>;
}

export const actorOf = (p: Principal) =>
  p.kind === 'user' ? { type: 'user' as const, id: p.userId } : { type: 'api_key' as const, id: p.keyId };

export function auditStatement(db: DB, e: AuditInput) {
  return db.insert(auditLog).values({
    id: newId(ID_PREFIX.audit),
    tenantId: e.tenantId,
    actorType: e.actor.type,
    actorId: e.actor.id,
    action: e.action,
    targetType: e.target?.type ?? null,
    targetId: e.target?.id ?? null,
    ip: e.ip ?? null,
    metadata: e.metadata ?? null,
  });
}

export async function audit(db: DB, e: AuditInput): Promise<void> {
  await auditStatement(db, e).run();
}

export function auditView(e: AuditEntry) {
  return {
    id: e.id,
    actor_type: e.actorType,
    actor_id: e.actorId,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    ip: e.ip,
    metadata: e.metadata ?? {},
    created_at: e.createdAt.toISOString(),
  };
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
}

/** Newest first; `action` may end in `.*` to match a family (`auth.*`). */
export async function listAudit(scope: TenantScope, f: AuditFilter, page: { limit: number; cursor?: string }) {
  const { db } = scope;
  const after = decodeCursor(page.cursor);
  const actionCond = f.action
    ? f.action.endsWith('.*')
      ? and(gte(auditLog.action, f.action.slice(0, -1)), lt(auditLog.action, f.action.slice(0, -2) + '/'))
      : eq(auditLog.action, f.action)
    : undefined;
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      scope.own(
        auditLog,
        after ? lt(auditLog.id, after) : undefined,
        actionCond,
        f.actorId ? eq(auditLog.actorId, f.actorId) : undefined,
        f.targetType ? eq(auditLog.targetType, f.targetType) : undefined,
        f.targetId ? eq(auditLog.targetId, f.targetId) : undefined,
        f.since ? gte(auditLog.createdAt, f.since) : undefined,
        f.until ? lte(auditLog.createdAt, f.until) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(page.limit + 1)
    .all();
  return toPage(rows, page.limit, auditView);
}
