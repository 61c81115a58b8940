import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { notify } from './notifications';
import { countContacts, effectiveLimits } from './plan-limits';

/** Managers hear about the contact limit once, when a change carries the count across this share. */
export const CONTACT_WARNING_SHARE = 0.8;

export async function contactUsage(scope: TenantScope) {
  const [limits, used] = await Promise.all([effectiveLimits(scope.db, scope.tenantId), countContacts(scope)]);
  return { used, limit: limits.maxContacts, plan: limits.planName };
}

export type ContactUsage = Awaited<ReturnType<typeof contactUsage>>;

/**
 * Call after `added` contacts were added to a tenant whose usage was `before`. Stateless: only the
 * change that crosses the threshold notifies, so a tenant hovering near it is not told on every create.
 */
export async function warnNearContactLimit(env: Env, scope: TenantScope, before: ContactUsage, added: number) {
  const { limit, plan } = before;
  const used = before.used + added;
  const threshold = Math.ceil(limit * CONTACT_WARNING_SHARE);
  if (added <= 0 || !Number.isFinite(limit) || used < threshold || before.used >= threshold) return false;
  await notify(env, scope.db, { tenantId: scope.tenantId, kind: 'contact_limit_warning', data: { percent: Math.floor((used / limit) * 100), used, limit, plan } });
  return true;
}
