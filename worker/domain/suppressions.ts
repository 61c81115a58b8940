import { and, eq, or } from 'drizzle-orm';
import { SUPPRESSION_REASONS, suppressions } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { audit, type AuditInput } from './audit';
import { checkSyntax, normalizeEmail } from './email-validation';

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export function suppressionView(s: typeof suppressions.$inferSelect) {
  return { id: s.id, kind: s.kind, value: s.value, reason: s.reason, note: s.note, created_at: s.createdAt.toISOString() };
}

/** The suppression that blocks this (normalized) address, by the address itself or its domain. */
export async function findSuppression(scope: TenantScope, email: string) {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return scope.db
    .select()
    .from(suppressions)
    .where(scope.own(suppressions, or(and(eq(suppressions.kind, 'email'), eq(suppressions.value, email)), and(eq(suppressions.kind, 'domain'), eq(suppressions.value, domain)))))
    .get();
}

/** The one rule every entry point applies: a suppressed address is never (re)subscribed. */
export async function assertNotSuppressed(scope: TenantScope, email: string) {
  const hit = await findSuppression(scope, email);
  if (hit) {
    throw new Problem('conflict', `This address is suppressed (${hit.reason}${hit.kind === 'domain' ? `, whole domain ${hit.value}` : ''}) and cannot be subscribed.`, {
      extensions: { suppression_id: hit.id, errors: [{ field: 'email', message: 'suppressed' }] },
    });
  }
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export async function addSuppression(scope: TenantScope, input: { email?: string; domain?: string; reason: SuppressionReason; note?: string | null }, actor: AuditInput['actor']) {
  let kind: 'email' | 'domain';
  let value: string;
  if (input.email) {
    value = normalizeEmail(input.email);
    const syntax = checkSyntax(value);
    if (!syntax.ok) throw new Problem('validation-error', syntax.reason, { extensions: { errors: [{ field: 'email', message: syntax.reason }] } });
    kind = 'email';
  } else {
    value = (input.domain ?? '').trim().toLowerCase().replace(/^@/, '');
    if (!DOMAIN.test(value)) throw new Problem('validation-error', 'Give a domain such as example.com.', { extensions: { errors: [{ field: 'domain', message: 'invalid domain' }] } });
    kind = 'domain';
  }
  const row = await scope.db
    .insert(suppressions)
    .values({ id: newId(ID_PREFIX.suppression), tenantId: scope.tenantId, kind, value, reason: input.reason, note: input.note ?? null })
    .onConflictDoNothing()
    .returning()
    .get();
  if (!row) throw new Problem('conflict', `This ${kind} is already suppressed.`);
  // Audit with the id only: the suppressed address is personal data.
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'suppression.added', target: { type: 'suppression', id: row.id }, metadata: { kind, reason: input.reason } });
  return row;
}
