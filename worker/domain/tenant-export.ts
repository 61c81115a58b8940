import { asc, eq } from 'drizzle-orm';
import { strToU8, zipSync } from 'fflate';
import type { DB } from '../db/client';
import { apiKeys, auditLog, memberships, users } from '../db/schema';
import { toCsv } from '../lib/csv';
import { getTenant, tenantSettingsView } from './tenant-settings';

/**
 * What a tenant's data export contains, one file per section. Later resources (contacts, templates,
 * campaigns, events) add their section here, so closing an account always hands over everything.
 */
type Section = (db: DB, tenantId: string) => Promise<[filename: string, content: string]>;

export const EXPORT_SECTIONS: Section[] = [
  async (db, tenantId) => ['workspace.json', JSON.stringify(tenantSettingsView(await getTenant(db, tenantId)), null, 2)],
  async (db, tenantId) => {
    const rows = await db
      .select({ email: users.email, name: users.name, role: memberships.role, joined: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.tenantId, tenantId))
      .all();
    return ['members.csv', toCsv(['email', 'name', 'role', 'joined_at'], rows.map((r) => [r.email, r.name, r.role, r.joined]))];
  },
  async (db, tenantId) => {
    const rows = await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).all();
    return ['api_keys.csv', toCsv(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at'], rows.map((k) => [k.id, k.name, k.prefix, k.scopes.join(' '), k.createdAt, k.lastUsedAt, k.revokedAt]))];
  },
  async (db, tenantId) => {
    const rows = await db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId)).orderBy(asc(auditLog.id)).all();
    return [
      'audit_log.csv',
      toCsv(['id', 'time', 'actor_type', 'actor_id', 'action', 'target_type', 'target_id', 'ip', 'metadata'], rows.map((e) => [e.id, e.createdAt, e.actorType, e.actorId, e.action, e.targetType, e.targetId, e.ip, e.metadata])),
    ];
  },
];

export async function buildTenantExportZip(db: DB, tenantId: string): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const section of EXPORT_SECTIONS) {
    const [name, content] = await section(db, tenantId);
    files[name] = strToU8(content);
  }
  files['README.txt'] = strToU8(`Edgepost data export of workspace ${tenantId}, made ${new Date().toISOString()}.\r\nCSV files are UTF-8, comma-separated (RFC 4180).\r\n`);
  return zipSync(files, { level: 6 });
}
