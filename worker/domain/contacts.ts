import { emitWebhookEventsSafely } from './webhook-delivery';
import { count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, type SQL } from 'drizzle-orm';
import { jsonValues } from '../db/conditions';
import { auditLog, contactEvents, contacts, contactTags, customFields, listMembers, lists, tags, type Consent, type Contact, type ContactStatus } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { resolverFor } from '../lib/dns';
import { ID_PREFIX, newId } from '../lib/ids';
import { decodeCursor, toPage } from '../lib/pagination';
import { Problem, notFound } from '../lib/problem';
import { auditStatement, type AuditInput } from './audit';
import { planFilters, subscribedCondition, searchCondition, tagCondition, type FilterPlans } from './contact-conditions';
import { contactEventStatements, contactEventView, importedEventOf } from './contact-events';
import { contactUsage, warnNearContactLimit } from './contact-usage';
import { normalizeEmail, validateEmail, type EmailVerdict, type MxResolver } from './email-validation';
import { rulesCondition, type RuleGroup } from './segment-rules';
import { assertNotSuppressed, findSuppression } from './suppressions';

export const RESTORE_WINDOW_MS = 30 * 24 * 3600_000;

export interface ContactInput {
  email: string;
  first_name?: string | null;
  last_name?: string | null;
  phone?: string | null;
  company?: string | null;
  city?: string | null;
  country?: string | null;
  language?: string | null;
  timezone?: string | null;
  status?: ContactStatus;
  consent?: Consent | null;
  custom?: Record<string, string | number | boolean | null>;
  tags?: string[];
}

export type ContactPatch = Partial<ContactInput>;

export function contactView(c: Contact, tagNames: string[]) {
  return {
    id: c.id,
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    phone: c.phone,
    company: c.company,
    city: c.city,
    country: c.country,
    language: c.language,
    timezone: c.timezone,
    status: c.status,
    consent: c.consent,
    custom: c.custom ?? {},
    tags: tagNames,
    flags: { disposable: c.disposable, role: c.role },
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt?.toISOString() ?? null,
    deleted_at: c.deletedAt?.toISOString() ?? null,
    purge_after: c.deletedAt ? new Date(c.deletedAt.getTime() + RESTORE_WINDOW_MS).toISOString() : null,
  };
}

export type ContactView = ReturnType<typeof contactView>;

/** Saved, but worth a second look: today only an address whose domain looks mistyped (gmial.com). */
export interface ContactWarning {
  field: 'email';
  code: 'possible_typo';
  message: string;
  suggestion: string;
}

function withWarnings(view: ContactView, verdict: EmailVerdict | undefined): ContactView & { warnings?: ContactWarning[] } {
  if (!verdict?.suggestion) return view;
  return { ...view, warnings: [{ field: 'email', code: 'possible_typo', message: `Did you mean ${verdict.suggestion}?`, suggestion: verdict.suggestion }] };
}

/**
 * The address, normalized, or a 400 that says what is wrong with it (and what was probably meant).
 * With a resolver, a domain that provably receives no mail (no MX and no A/AAAA, or a null MX) is
 * refused too; a lookup that fails leaves the address accepted.
 */
export async function acceptEmail(raw: string, resolver?: MxResolver) {
  const v = await validateEmail(raw, { resolver });
  if (!v.valid) {
    const hint = v.suggestion ? ` Did you mean ${v.suggestion}?` : '';
    throw new Problem('validation-error', `${v.reason ?? 'The email address is not valid.'}${hint}`, {
      extensions: { errors: [{ field: 'email', message: v.reason ?? 'invalid' }], ...(v.suggestion ? { suggestion: v.suggestion } : {}) },
    });
  }
  return v;
}

/** Custom values must name a defined field and have its type; dates are ISO 8601 dates. */
async function checkCustom(scope: TenantScope, custom: Record<string, unknown> | undefined) {
  if (!custom || !Object.keys(custom).length) return;
  const defs = await scope.db.select().from(customFields).where(scope.own(customFields)).all();
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const errors: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(custom)) {
    const def = byKey.get(key);
    if (!def) errors.push({ field: `custom.${key}`, message: 'is not a defined field (see /v1/fields)' });
    else if (value !== null) {
      const ok =
        (def.type === 'text' && typeof value === 'string' && value.length <= 1000) ||
        (def.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
        (def.type === 'boolean' && typeof value === 'boolean') ||
        (def.type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)));
      if (!ok) errors.push({ field: `custom.${key}`, message: `must be a ${def.type}` });
    }
  }
  if (errors.length) throw new Problem('validation-error', errors.map((e) => `${e.field} ${e.message}`).join('; '), { extensions: { errors } });
}

/** The plan's contact limit counts live (not deleted) contacts; returns the usage before the change. */
export async function assertContactCapacity(scope: TenantScope, adding: number) {
  const usage = await contactUsage(scope);
  if (usage.used + adding > usage.limit) {
    throw new Problem('conflict', `The ${usage.plan} plan holds ${usage.limit} contacts and this workspace has ${usage.used}. Upgrade the plan or delete contacts first.`, {
      extensions: { limit: usage.limit, used: usage.used },
    });
  }
  return usage;
}

/** The ids of these tags, creating the ones the workspace does not have yet. */
export async function tagIds(scope: TenantScope, names: string[]) {
  const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (!unique.length) return [];
  await scope.db.insert(tags).values(unique.map((name) => ({ id: newId(ID_PREFIX.tag), tenantId: scope.tenantId, name }))).onConflictDoNothing().run();
  return (await scope.db.select({ id: tags.id }).from(tags).where(scope.own(tags, inArray(tags.name, unique))).all()).map((t) => t.id);
}

/** Tag names per contact, sorted; any number of contacts in one query. */
export async function tagsOf(scope: TenantScope, contactIds: string[]) {
  const map = new Map<string, string[]>(contactIds.map((id) => [id, []]));
  if (!contactIds.length) return map;
  // Scoped through the tag: with the tenant on contact_tags, SQLite would read the tenant's whole
  // contact_tags_tag index (every tag of every contact) instead of seeking these contacts' rows.
  const rows = await scope.db
    .select({ contactId: contactTags.contactId, name: tags.name })
    .from(contactTags)
    .innerJoin(tags, eq(tags.id, contactTags.tagId))
    .where(scope.own(tags, inArray(contactTags.contactId, jsonValues(contactIds))))
    .all();
  for (const r of rows) map.get(r.contactId)?.push(r.name);
  for (const list of map.values()) list.sort();
  return map;
}

const columns = (i: ContactPatch) => ({
  ...(i.first_name !== undefined ? { firstName: i.first_name } : {}),
  ...(i.last_name !== undefined ? { lastName: i.last_name } : {}),
  ...(i.phone !== undefined ? { phone: i.phone } : {}),
  ...(i.company !== undefined ? { company: i.company } : {}),
  ...(i.city !== undefined ? { city: i.city } : {}),
  ...(i.country !== undefined ? { country: i.country } : {}),
  ...(i.language !== undefined ? { language: i.language } : {}),
  ...(i.timezone !== undefined ? { timezone: i.timezone } : {}),
  ...(i.status !== undefined ? { status: i.status } : {}),
  ...(i.consent !== undefined ? { consent: i.consent } : {}),
});

/** The insert of a new contact, for callers that batch it with more statements (public subscribe forms). */
export function insertContactStatement(scope: TenantScope, id: string, verdict: EmailVerdict, input: Omit<ContactInput, 'email'>) {
  return scope.db.insert(contacts).values({ id, tenantId: scope.tenantId, email: verdict.email, disposable: verdict.disposable, role: verdict.role, custom: input.custom ?? null, ...columns(input) });
}

export async function getContactView(scope: TenantScope, id: string) {
  const c = await scope.get(contacts, id, 'Contact');
  return contactView(c, (await tagsOf(scope, [id])).get(id) ?? []);
}

/** Crossing the plan's 80 % contact mark notifies the managers through `env`. */
export async function createContact(scope: TenantScope, input: ContactInput, actor: AuditInput['actor'], env: Env, resolver: MxResolver = resolverFor(env)) {
  const verdict = await acceptEmail(input.email, resolver);
  if ((input.status ?? 'subscribed') === 'subscribed' || input.status === 'pending') await assertNotSuppressed(scope, verdict.email);
  await checkCustom(scope, input.custom);
  const existing = await scope.db.select({ id: contacts.id, deletedAt: contacts.deletedAt }).from(contacts).where(scope.own(contacts, eq(contacts.email, verdict.email))).get();
  if (existing) {
    throw new Problem('conflict', existing.deletedAt ? 'A deleted contact has this address; restore it instead.' : 'A contact with this email already exists.', {
      extensions: { existing_id: existing.id, errors: [{ field: 'email', message: 'already exists' }] },
    });
  }
  const usage = await assertContactCapacity(scope, 1);
  const id = newId(ID_PREFIX.contact);
  await scope.db.batch([
    insertContactStatement(scope, id, verdict, input),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'contact.created', target: { type: 'contact', id } }),
    ...contactEventStatements(scope, [{ contactId: id, type: 'created', data: { consent_source: input.consent?.source ?? null } }]),
  ]);
  const ids = await tagIds(scope, input.tags ?? []);
  if (ids.length) await scope.db.insert(contactTags).values(ids.map((tagId) => ({ tenantId: scope.tenantId, contactId: id, tagId }))).onConflictDoNothing().run();
  await warnNearContactLimit(env, scope, usage, 1);
  const view = await getContactView(scope, id);
  await emitWebhookEventsSafely(env, scope.db, scope.tenantId, [{ type: 'contact.created', data: { contact_id: id, email: view.email, status: view.status } }]);
  return withWarnings(view, verdict);
}

export async function updateContact(scope: TenantScope, id: string, patch: ContactPatch, actor: AuditInput['actor'], resolver: MxResolver) {
  const current = await scope.get(contacts, id, 'Contact');
  if (current.deletedAt) throw notFound('Contact');
  const set: Partial<typeof contacts.$inferInsert> = { ...columns(patch), updatedAt: new Date() };
  let verdict: EmailVerdict | undefined;
  if (patch.email !== undefined) {
    // The stored address is not looked up again: its domain dropping MX later must not block editing a name.
    verdict = await acceptEmail(patch.email, normalizeEmail(patch.email) === current.email ? undefined : resolver);
    if (verdict.email !== current.email) {
      const taken = await scope.db.select({ id: contacts.id }).from(contacts).where(scope.own(contacts, eq(contacts.email, verdict.email))).get();
      if (taken) throw new Problem('conflict', 'Another contact already has this email.', { extensions: { existing_id: taken.id } });
      await assertNotSuppressed(scope, verdict.email);
      Object.assign(set, { email: verdict.email, disposable: verdict.disposable, role: verdict.role });
    }
  }
  if ((patch.status === 'subscribed' || patch.status === 'pending') && current.status !== patch.status) {
    await assertNotSuppressed(scope, (set.email as string | undefined) ?? current.email);
  }
  if (patch.custom !== undefined) {
    await checkCustom(scope, patch.custom);
    set.custom = { ...(current.custom ?? {}), ...patch.custom };
  }
  await scope.db.batch([
    scope.db.update(contacts).set(set).where(scope.own(contacts, eq(contacts.id, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'contact.updated', target: { type: 'contact', id }, metadata: { fields: Object.keys(patch) } }),
    // Field names only: the timeline must not become a second copy of the personal data.
    ...contactEventStatements(scope, [{ contactId: id, type: 'updated', data: { fields: Object.keys(patch) } }]),
  ]);
  if (patch.tags !== undefined) {
    const ids = await tagIds(scope, patch.tags);
    await scope.db.delete(contactTags).where(scope.own(contactTags, eq(contactTags.contactId, id))).run();
    if (ids.length) await scope.db.insert(contactTags).values(ids.map((tagId) => ({ tenantId: scope.tenantId, contactId: id, tagId }))).run();
  }
  return withWarnings(await getContactView(scope, id), verdict);
}

export async function deleteContact(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  const c = await scope.get(contacts, id, 'Contact');
  if (c.deletedAt) throw notFound('Contact');
  await scope.db.batch([
    scope.db.update(contacts).set({ deletedAt: new Date() }).where(scope.own(contacts, eq(contacts.id, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'contact.deleted', target: { type: 'contact', id } }),
    ...contactEventStatements(scope, [{ contactId: id, type: 'deleted' }]),
  ]);
}

export async function restoreContact(scope: TenantScope, id: string, actor: AuditInput['actor'], now = Date.now(), env?: Env) {
  const c = await scope.get(contacts, id, 'Contact');
  if (!c.deletedAt) throw new Problem('conflict', 'This contact is not deleted.');
  if (now - c.deletedAt.getTime() > RESTORE_WINDOW_MS) throw new Problem('gone', 'This contact was deleted more than 30 days ago and can no longer be restored.');
  if (c.status === 'subscribed' || c.status === 'pending') await assertNotSuppressed(scope, c.email);
  const usage = await assertContactCapacity(scope, 1);
  await scope.db.batch([
    scope.db.update(contacts).set({ deletedAt: null, updatedAt: new Date(now) }).where(scope.own(contacts, eq(contacts.id, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'contact.restored', target: { type: 'contact', id } }),
    ...contactEventStatements(scope, [{ contactId: id, type: 'restored' }]),
  ]);
  if (env) await warnNearContactLimit(env, scope, usage, 1);
  return getContactView(scope, id);
}

export interface ContactFilter {
  q?: string;
  status?: ContactStatus;
  tag?: string;
  /** Subscribed to this list. */
  list?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  deleted?: boolean;
  /** Field equalities (fieldFilterRules), checked against the workspace's fields. */
  fields?: RuleGroup;
}

/** For bulk actions that tag and untag: who carries a tag already. */
export { taggedWith } from './contact-conditions';

/**
 * The WHERE clause of a contact filter, tenant-scoped. The contact list and selections (bulk
 * actions, exports, audiences) all use it, so they always agree on whom a filter means. The search
 * is a prefix of the email or either name, taken literally. `plans` only change how the search, tag
 * and list conditions run (see contact-conditions.ts); scanning is the default, right for jobs that
 * walk a selection chunk by chunk.
 */
export function contactFilterWhere(scope: TenantScope, f: ContactFilter, plans: FilterPlans = {}): SQL {
  const q = f.q?.trim();
  return scope.own(
    contacts,
    f.deleted ? isNotNull(contacts.deletedAt) : isNull(contacts.deletedAt),
    f.status ? eq(contacts.status, f.status) : undefined,
    f.createdAfter ? gte(contacts.createdAt, f.createdAfter) : undefined,
    f.createdBefore ? lte(contacts.createdAt, f.createdBefore) : undefined,
    q ? searchCondition(scope, q, plans.search ?? 'scan') : undefined,
    f.tag ? tagCondition(scope, f.tag, plans.tag ?? 'scan') : undefined,
    f.list ? subscribedCondition(scope, f.list, plans.list ?? 'scan') : undefined,
    f.fields ? rulesCondition(scope, f.fields, new Date()) : undefined,
  )!;
}

/** One page of the tenant's contacts matching `where`, newest first, as the API shows them. */
export async function contactPage(scope: TenantScope, where: SQL | undefined, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await scope.db.select().from(contacts).where(scope.own(contacts, where, after ? lt(contacts.id, after) : undefined)).orderBy(desc(contacts.id)).limit(page.limit + 1).all();
  const tagMap = await tagsOf(scope, rows.slice(0, page.limit).map((r) => r.id));
  return toPage(rows, page.limit, (c) => contactView(c, tagMap.get(c.id) ?? []));
}

export async function listContacts(scope: TenantScope, f: ContactFilter, page: { limit: number; cursor?: string }) {
  return contactPage(scope, contactFilterWhere(scope, f, await planFilters(scope, f)), page);
}

export async function countContacts(scope: TenantScope, where: SQL | undefined) {
  const [row] = await scope.db.select({ n: count() }).from(contacts).where(scope.own(contacts, where));
  return row?.n ?? 0;
}

/** Cron: contacts deleted more than 30 days ago are removed for good (tags go with them). */
export async function purgeDeletedContacts(db: TenantScope['db'], now = Date.now()) {
  const rows = await db.delete(contacts).where(lt(contacts.deletedAt, new Date(now - RESTORE_WINDOW_MS))).returning({ id: contacts.id });
  return rows.length;
}

/** GDPR Art. 15/20: everything held about the person, as one JSON document. */
export async function contactDataExport(scope: TenantScope, id: string) {
  const view = await getContactView(scope, id);
  const row = await scope.get(contacts, id, 'Contact');
  const memberships = await scope.db
    .select({ list: lists.name, status: listMembers.status, since: listMembers.createdAt })
    .from(listMembers)
    .innerJoin(lists, eq(lists.id, listMembers.listId))
    .where(scope.own(listMembers, eq(listMembers.contactId, id)))
    .all();
  const history = await scope.db
    .select({ action: auditLog.action, at: auditLog.createdAt })
    .from(auditLog)
    .where(scope.own(auditLog, eq(auditLog.targetType, 'contact'), eq(auditLog.targetId, id)))
    .orderBy(auditLog.id)
    .all();
  const suppression = await findSuppression(scope, view.email);
  const activity = await scope.db.select().from(contactEvents).where(scope.own(contactEvents, eq(contactEvents.contactId, id))).orderBy(contactEvents.id).all();
  return {
    exported_at: new Date().toISOString(),
    contact: view,
    lists: memberships.map((m) => ({ list: m.list, status: m.status, since: m.since.toISOString() })),
    suppressed: suppression ? { kind: suppression.kind, reason: suppression.reason, since: suppression.createdAt.toISOString() } : null,
    history: history.map((h) => ({ action: h.action, at: h.at.toISOString() })),
    activity: [...[importedEventOf(row)].filter((e) => e !== null), ...activity.map(contactEventView)],
  };
}

/**
 * GDPR Art. 17: replaces every personal field irreversibly and drops tags and list memberships.
 * The row (and so its id in aggregate statistics) stays, under an address that can never receive mail.
 * Its timeline keeps each event's type, campaign and time (campaign statistics and activity counts
 * stay right) but loses every event's `data`, which can hold consent IPs and list or field context.
 */
export async function anonymizeContact(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  await scope.get(contacts, id, 'Contact');
  await scope.db.batch([
    scope.db
      .update(contacts)
      .set({
        email: `anonymized-${id}@anonymized.invalid`,
        firstName: null,
        lastName: null,
        phone: null,
        company: null,
        city: null,
        country: null,
        language: null,
        timezone: null,
        consent: null,
        custom: null,
        status: 'unsubscribed',
        updatedAt: new Date(),
      })
      .where(scope.own(contacts, eq(contacts.id, id))),
    scope.db.delete(contactTags).where(scope.own(contactTags, eq(contactTags.contactId, id))),
    scope.db.delete(listMembers).where(scope.own(listMembers, eq(listMembers.contactId, id))),
    scope.db.update(contactEvents).set({ data: null }).where(scope.own(contactEvents, eq(contactEvents.contactId, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'contact.anonymized', target: { type: 'contact', id } }),
    ...contactEventStatements(scope, [{ contactId: id, type: 'anonymized' }]),
  ]);
  return getContactView(scope, id);
}
