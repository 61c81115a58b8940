import { eq, like } from 'drizzle-orm';
import type { DB } from '../db/client';
import { plans, tenants, type Tenant } from '../db/schema';

export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return base || 'tenant';
}

/**
 * Slugs no workspace gets: free plans send as `<slug>@<platform domain>`, and these mailboxes belong to
 * the platform — RFC 2142's (postmaster, abuse, …), the unsubscribe and bounce addresses Edgepost itself
 * uses there, and the usual system names. A workspace called "Abuse" becomes `abuse-2`.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'abuse', 'admin', 'administrator', 'bounce', 'bounces', 'dmarc', 'hostmaster', 'mailer-daemon', 'noc', 'no-reply',
  'noreply', 'postmaster', 'root', 'security', 'unsubscribe', 'webmaster',
]);

/** A unique slug: `acme`, then `acme-2`, `acme-3`… */
export async function uniqueSlug(db: DB, name: string): Promise<string> {
  const base = slugify(name);
  const taken = new Set((await db.select({ slug: tenants.slug }).from(tenants).where(like(tenants.slug, `${base}%`)).all()).map((r) => r.slug));
  if (RESERVED_SLUGS.has(base)) taken.add(base);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function tenantView(t: Tenant) {
  return { id: t.id, name: t.name, slug: t.slug, plan: t.planId, status: t.status, created_at: t.createdAt.toISOString() };
}

export async function getPlan(db: DB, id: string) {
  return db.select().from(plans).where(eq(plans.id, id)).get();
}
