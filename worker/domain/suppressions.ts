import { and, eq, inArray, like, notInArray, or, sql } from 'drizzle-orm';
import { SUPPRESSION_REASONS, contacts, suppressions, type ContactStatus } from '../db/schema';
import { jsonValues } from '../db/conditions';
import { insertFromJson, jsonRowParams, rowValue } from '../db/json-rows';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { auditStatement, type AuditInput } from './audit';
import { contactEventStatements } from './contact-events';
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

/**
 * The same rule for many (normalized) addresses at once, for bulk paths such as imports: which of them
 * are suppressed. `ignoring` leaves out suppressions for those reasons (transactional mail still goes
 * to someone who unsubscribed from campaigns).
 */
export async function suppressedAmong(scope: TenantScope, emails: string[], ignoring: SuppressionReason[] = []): Promise<Set<string>> {
  if (!emails.length) return new Set();
  const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);
  // One query per kind, so each is a search of the (tenant, kind, value) index.
  const matching = (kind: 'email' | 'domain', values: string[]) =>
    scope.db
      .select({ value: suppressions.value })
      .from(suppressions)
      .where(scope.own(suppressions, eq(suppressions.kind, kind), inArray(suppressions.value, jsonValues([...new Set(values)])), ignoring.length ? notInArray(suppressions.reason, ignoring) : undefined));
  const [byEmail, byDomain] = await scope.db.batch([matching('email', emails), matching('domain', emails.map(domainOf))]);
  const hits = new Set([...byEmail, ...byDomain].map((r) => r.value));
  return new Set(emails.filter((e) => hits.has(e) || hits.has(domainOf(e))));
}

/**
 * Statements for the caller's batch that take contacts out of the mailable statuses into `status` and
 * suppress their addresses for `reason` — what a hard bounce, a complaint or an unsubscribe does, from
 * whichever path it arrives. Rows travel as JSON, so a batch of any size is a few statements. An address
 * suppressed already keeps its first reason; a contact already out of `from` keeps its status.
 */
export function suppressContactsStatements(
  scope: TenantScope,
  targets: { contactId: string | null; email: string }[],
  change: { status: ContactStatus; reason: SuppressionReason; from?: ContactStatus[] },
) {
  if (!targets.length) return [];
  const now = Date.now();
  const contactIds = [...new Set(targets.flatMap((t) => (t.contactId ? [t.contactId] : [])))];
  const emails = [...new Set(targets.map((t) => t.email))];
  return [
    scope.db
      .update(contacts)
      .set({ status: change.status, updatedAt: new Date(now) })
      .where(scope.own(contacts, inArray(contacts.id, jsonValues(contactIds)), inArray(contacts.status, change.from ?? ['subscribed', 'pending']))),
    ...jsonRowParams(emails.map((email) => [newId(ID_PREFIX.suppression, now), email])).map((rows) =>
      insertFromJson(scope.db, suppressions, rows, {
        id: rowValue(0),
        tenantId: sql`${scope.tenantId}`,
        kind: sql`'email'`,
        value: rowValue(1),
        reason: sql`${change.reason}`,
        createdAt: sql`${now}`,
      }).onConflictDoNothing(),
    ),
  ];
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
  const alreadySuppressed = async () =>
    Boolean(await scope.db.select({ id: suppressions.id }).from(suppressions).where(scope.own(suppressions, eq(suppressions.kind, kind), eq(suppressions.value, value))).get());
  const conflict = new Problem('conflict', `This ${kind} is already suppressed.`);
  if (await alreadySuppressed()) throw conflict;
  const id = newId(ID_PREFIX.suppression);
  const matched = await scope.db
    .select({ id: contacts.id })
    .from(contacts)
    .where(scope.own(contacts, kind === 'email' ? eq(contacts.email, value) : like(contacts.email, `%@${value}`)))
    .all();
  // One transaction: the contacts' `suppressed` events exist exactly when the suppression does.
  // Audit with the id only: the suppressed address is personal data.
  const [[row]] = await scope.db
    .batch([
      scope.db.insert(suppressions).values({ id, tenantId: scope.tenantId, kind, value, reason: input.reason, note: input.note ?? null }).returning(),
      auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'suppression.added', target: { type: 'suppression', id }, metadata: { kind, reason: input.reason } }),
      ...contactEventStatements(scope, matched.map((c) => ({ contactId: c.id, type: 'suppressed', data: { suppression_id: id, reason: input.reason } }))),
    ])
    .catch(async (err: unknown) => {
      // A concurrent request suppressed the same value first: the unique index refused this one.
      throw (await alreadySuppressed()) ? conflict : err;
    });
  return row!;
}
