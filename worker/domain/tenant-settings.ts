import { eq } from 'drizzle-orm';
import type { DB } from '../db/client';
import { tenants, users, type Brand, type PostalAddress, type Tenant } from '../db/schema';
import { Problem, notFound } from '../lib/problem';
import { auditStatement, type AuditInput } from './audit';

export interface TenantSettingsPatch {
  name?: string;
  country?: string | null;
  postal_address?: PostalAddress | null;
  default_from_name?: string | null;
  default_reply_to?: string | null;
  timezone?: string;
  language?: string;
  brand?: Brand | null;
  require_2fa?: boolean;
  event_retention_months?: number;
  sunset_after_months?: number;
}

export function tenantSettingsView(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    plan: t.planId,
    status: t.status,
    country: t.country,
    postal_address: t.postalAddress,
    default_from_name: t.defaultFromName,
    default_reply_to: t.defaultReplyTo,
    timezone: t.timezone,
    language: t.language,
    brand: { logo_url: t.brand?.logo_url ?? null, primary_color: t.brand?.primary_color ?? null, footer_text: t.brand?.footer_text ?? null },
    require_2fa: t.require2fa,
    event_retention_months: t.eventRetentionMonths,
    sunset_after_months: t.sunsetAfterMonths,
    /** What a campaign needs from the settings before it may leave (CAN-SPAM, GDPR). */
    sending_ready: Boolean(t.postalAddress),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt?.toISOString() ?? null,
  };
}

export async function getTenant(db: DB, tenantId: string) {
  const t = await db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
  if (!t) throw notFound('Workspace');
  return t;
}

/** Applies a partial update; only the fields present change. Records which fields changed, not their values. */
export async function updateTenantSettings(db: DB, tenantId: string, patch: TenantSettingsPatch, actor: AuditInput['actor'], ip: string | null) {
  const current = await getTenant(db, tenantId);
  if (patch.require_2fa && !current.require2fa && actor.type === 'user') {
    const me = await db.select({ totp: users.totpEnabledAt }).from(users).where(eq(users.id, actor.id!)).get();
    if (!me?.totp) throw new Problem('conflict', 'Turn on two-factor authentication for your own account before requiring it of everyone.');
  }
  const set: Partial<typeof tenants.$inferInsert> = { updatedAt: new Date() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.country !== undefined) set.country = patch.country;
  if (patch.postal_address !== undefined) set.postalAddress = patch.postal_address;
  if (patch.default_from_name !== undefined) set.defaultFromName = patch.default_from_name;
  if (patch.default_reply_to !== undefined) set.defaultReplyTo = patch.default_reply_to;
  if (patch.timezone !== undefined) set.timezone = patch.timezone;
  if (patch.language !== undefined) set.language = patch.language;
  if (patch.brand !== undefined) set.brand = patch.brand === null ? null : { ...current.brand, ...patch.brand };
  if (patch.require_2fa !== undefined) set.require2fa = patch.require_2fa;
  if (patch.event_retention_months !== undefined) set.eventRetentionMonths = patch.event_retention_months;
  if (patch.sunset_after_months !== undefined) set.sunsetAfterMonths = patch.sunset_after_months;
  const [[updated]] = await db.batch([
    db.update(tenants).set(set).where(eq(tenants.id, tenantId)).returning(),
    auditStatement(db, { tenantId, actor, action: 'tenant.settings_updated', target: { type: 'tenant', id: tenantId }, ip, metadata: { fields: Object.keys(patch) } }),
  ]);
  return updated!;
}
