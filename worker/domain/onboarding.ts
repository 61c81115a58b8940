import { eq, isNotNull, isNull } from 'drizzle-orm';
import type { DB } from '../db/client';
import { contacts, plans, sendingDomains, tenants, users } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import { notFound } from '../lib/problem';
import { hasSentTest } from './test-sends';
import { hasStartedCampaign } from './campaigns';
import { hasTemplate } from './templates';

export interface OnboardingStep {
  key: string;
  label: string;
  done: boolean;
  /** The dashboard screen that does it. */
  href: string;
}

/**
 * The getting-started checklist. Each step ticks itself from the data, never from a flag the
 * user sets.
 */
export async function onboardingSteps(db: DB, tenantId: string, userId: string) {
  const row = await db
    .select({ verified: users.emailVerifiedAt, address: tenants.postalAddress, customDomains: plans.customDomains })
    .from(tenants)
    .innerJoin(plans, eq(plans.id, tenants.planId))
    .innerJoin(users, eq(users.id, userId))
    .where(eq(tenants.id, tenantId))
    .get();
  if (!row) throw notFound('Workspace');
  const scope = tenantScope(db, tenantId);
  // Any live contact counts, whether it came from an import, the API or a subscribe form.
  const hasContacts = Boolean(await db.select({ id: contacts.id }).from(contacts).where(scope.own(contacts, isNull(contacts.deletedAt))).limit(1).get());
  // A domain that passed verification once counts, even if a record has broken since (that has its own notification).
  const hasVerifiedDomain =
    row.customDomains && Boolean(await db.select({ id: sendingDomains.id }).from(sendingDomains).where(scope.own(sendingDomains, isNotNull(sendingDomains.verifiedAt))).limit(1).get());
  const steps: OnboardingStep[] = [
    { key: 'confirm_email', label: 'Confirm your email address', done: Boolean(row.verified), href: '/account' },
    { key: 'organisation', label: 'Add your organisation and postal address', done: Boolean(row.address), href: '/settings' },
    // Free plans send from the platform's own signed domain, so there is nothing to set up.
    row.customDomains
      ? { key: 'sending_domain', label: 'Verify a sending domain', done: hasVerifiedDomain, href: '/domains' }
      : { key: 'sending_domain', label: 'Send from the platform domain (free plan)', done: true, href: '/settings' },
    { key: 'import_contacts', label: 'Import your contacts', done: hasContacts, href: '/contacts/import' },
    { key: 'create_template', label: 'Create a template', done: await hasTemplate(scope), href: '/templates/new' },
    { key: 'send_test', label: 'Send yourself a test email', done: await hasSentTest(scope), href: '/templates' },
    { key: 'first_campaign', label: 'Send your first campaign', done: await hasStartedCampaign(scope), href: '/campaigns/new' },
  ];
  return { steps, completed: steps.filter((s) => s.done).length, total: steps.length };
}
