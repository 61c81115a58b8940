import { asc, count, eq, gt, isNull } from 'drizzle-orm';
import type { DB } from '../db/client';
import { contacts, invitations, memberships, plans, sendingDomains, tenants, type LimitOverrides } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { notFound } from '../lib/problem';

export type Plan = typeof plans.$inferSelect;

/** A plan's limits with a tenant's super-admin overrides applied: what every limit check reads. */
export interface PlanLimits {
  planId: string;
  planName: string;
  maxContacts: number;
  monthlyEmails: number;
  dailyEmails: number;
  maxUsers: number;
  maxDomains: number;
  /** A plan feature, not overridable: without it the tenant sends from the platform domain only. */
  customDomains: boolean;
  apiRatePerMinute: number;
  sendRatePerHour: number;
  warmupComplete: boolean;
  overrides: LimitOverrides;
}

export interface EffectiveLimits extends PlanLimits {
  /** The tenant's first send: day 1 of the warm-up. Null before it. */
  sendingStartedAt: Date | null;
}

export function applyOverrides(plan: Plan, overrides: LimitOverrides | null | undefined): PlanLimits {
  const o = overrides ?? {};
  return {
    planId: plan.id,
    planName: plan.name,
    maxContacts: o.max_contacts ?? plan.maxContacts,
    monthlyEmails: o.monthly_emails ?? plan.monthlyEmails,
    dailyEmails: o.daily_emails ?? plan.dailyEmails,
    maxUsers: o.max_users ?? plan.maxUsers,
    maxDomains: o.max_domains ?? plan.maxDomains,
    customDomains: plan.customDomains,
    apiRatePerMinute: o.api_rate_per_minute ?? plan.apiRatePerMinute,
    sendRatePerHour: o.send_rate_per_hour ?? plan.sendRatePerHour,
    warmupComplete: o.warmup_complete ?? false,
    overrides: o,
  };
}

/** The tenant's plan, overrides and warm-up start, in one query. */
export async function effectiveLimits(db: DB, tenantId: string): Promise<EffectiveLimits> {
  const row = await db
    .select({ plan: plans, overrides: tenants.limitOverrides, sendingStartedAt: tenants.sendingStartedAt })
    .from(tenants)
    .innerJoin(plans, eq(plans.id, tenants.planId))
    .where(eq(tenants.id, tenantId))
    .get();
  if (!row) throw notFound('Workspace');
  return { ...applyOverrides(row.plan, row.overrides), sendingStartedAt: row.sendingStartedAt };
}

export async function countContacts(scope: TenantScope) {
  const [row] = await scope.db.select({ n: count() }).from(contacts).where(scope.own(contacts, isNull(contacts.deletedAt)));
  return row?.n ?? 0;
}

/** Seats counted against the plan: members plus open invitations. */
export async function countSeats(scope: TenantScope, now = new Date()) {
  const [members] = await scope.db.select({ n: count() }).from(memberships).where(scope.own(memberships));
  const [pending] = await scope.db
    .select({ n: count() })
    .from(invitations)
    .where(scope.own(invitations, isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)));
  return (members?.n ?? 0) + (pending?.n ?? 0);
}

export async function countDomains(scope: TenantScope) {
  const [row] = await scope.db.select({ n: count() }).from(sendingDomains).where(scope.own(sendingDomains));
  return row?.n ?? 0;
}

export interface PlanUsage {
  contacts: number;
  users: number;
  domains: number;
}

export async function planUsage(scope: TenantScope): Promise<PlanUsage> {
  const [contactsUsed, users, domains] = await Promise.all([countContacts(scope), countSeats(scope), countDomains(scope)]);
  return { contacts: contactsUsed, users, domains };
}

export interface LimitBlocker {
  limit: keyof PlanUsage;
  used: number;
  allowed: number;
}

/** What keeps a tenant from fitting in `limits` (a downgrade): each limit its current usage exceeds. */
export function limitBlockers(usage: PlanUsage, limits: PlanLimits): LimitBlocker[] {
  const allowed: PlanUsage = { contacts: limits.maxContacts, users: limits.maxUsers, domains: limits.customDomains ? limits.maxDomains : 0 };
  return (Object.keys(allowed) as (keyof PlanUsage)[]).filter((k) => usage[k] > allowed[k]).map((k) => ({ limit: k, used: usage[k], allowed: allowed[k] }));
}

function limitFields(l: PlanLimits) {
  return {
    max_contacts: l.maxContacts,
    monthly_emails: l.monthlyEmails,
    daily_emails: l.dailyEmails,
    max_users: l.maxUsers,
    max_domains: l.maxDomains,
    custom_domains: l.customDomains,
    api_rate_per_minute: l.apiRatePerMinute,
    send_rate_per_hour: l.sendRatePerHour,
  };
}

export const planView = (p: Plan) => ({ id: p.id, name: p.name, ...limitFields(applyOverrides(p, null)) });

/** Every plan, cheapest first, for the comparison table. */
export async function listPlans(db: DB) {
  return (await db.select().from(plans).orderBy(asc(plans.sortOrder)).all()).map(planView);
}

/** A tenant's limits as the API shows them: the plan's values with the overrides applied, and the overrides themselves. */
export const limitsView = (l: PlanLimits) => ({ plan: l.planId, ...limitFields(l), warmup_complete: l.warmupComplete, overrides: l.overrides });
