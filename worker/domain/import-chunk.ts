import { and, eq, inArray, sql } from 'drizzle-orm';
import { jsonValues } from '../db/conditions';
import { insertFromJson, jsonRowParams, rowValue } from '../db/json-rows';
import { contactTags, contacts, listMembers, tags, type Consent, type ContactStatus } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { contactEventStatements, type ContactEventInput } from './contact-events';
import { validateEmailSync, type EmailVerdict } from './email-validation';
import { readRecord, type FieldDef, type ImportRecord, type MappedColumn } from './import-mapping';
import { suppressedAmong } from './suppressions';

/**
 * One chunk of an import: which rows are refused and why, and the statements that create or
 * update the others — decided against the contacts and suppressions as they are now, for the
 * caller to commit in one batch with the job's progress.
 */

export interface ImportSettings {
  jobId: string;
  columns: MappedColumn[];
  existing: 'update' | 'skip';
  tags: string[];
  consent: Consent;
}

/** What stays the same from chunk to chunk of a run: typed fields, tag ids (filled as tags are created), the lists to join. */
export interface ChunkContext {
  fields: Map<string, FieldDef>;
  tagIds: Map<string, string>;
  listIds: string[];
}

export interface ImportCounters {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  invalid: number;
  duplicates: number;
  suppressed: number;
  error_report_url: string | null;
}

/** A staged row: its line in the file, the line of the earlier row with the same address (0 if none), then the mapped cells. */
export type StagedRow = [line: number, duplicateOf: number, ...values: string[]];
/** A refused row as the error report lists it. */
export type Rejection = [line: number, email: string, reason: string];

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** Cells can be of any length: the report keeps a readable part of each. */
const rejection = (line: number, raw: string, reason: string): Rejection => [line, clip(raw, 320), clip(reason, 300)];

interface Candidate {
  line: number;
  raw: string;
  verdict: EmailVerdict;
  record: ImportRecord;
}

const FIELDS = ['firstName', 'lastName', 'phone', 'company', 'city', 'country', 'language', 'timezone'] as const;
const FIELD_TARGETS = ['first_name', 'last_name', 'phone', 'company', 'city', 'country', 'language', 'timezone'] as const;

const emailProblem = (v: EmailVerdict) => `${v.reason ?? 'not a valid email address'}${v.suggestion ? ` Did you mean ${v.suggestion}?` : ''}`;

/** Refuses duplicates and invalid rows with their reason; the rest are candidates. */
function screen(rows: StagedRow[], settings: ImportSettings, ctx: ChunkContext, counters: ImportCounters, rejected: Rejection[]) {
  const emailAt = settings.columns.findIndex((c) => c.target === 'email');
  const candidates: Candidate[] = [];
  for (const [line, duplicateOf, ...values] of rows) {
    const raw = values[emailAt] ?? '';
    if (duplicateOf) {
      counters.duplicates++;
      rejected.push(rejection(line, raw, `duplicate of line ${duplicateOf} (the first occurrence is imported)`));
      continue;
    }
    // No MX lookup: up to three DNS requests per row (MX, A, AAAA) for files of 100,000 rows; a dead domain shows up as a bounce instead.
    const verdict = validateEmailSync(raw);
    const record = verdict.valid ? readRecord(values, settings.columns, ctx.fields) : { reason: emailProblem(verdict) };
    if ('reason' in record) {
      counters.invalid++;
      rejected.push(rejection(line, raw, record.reason));
      continue;
    }
    candidates.push({ line, raw, verdict, record });
  }
  return candidates;
}

async function ensureTags(scope: TenantScope, ctx: ChunkContext, names: Iterable<string>) {
  const missing = [...new Set(names)].filter((n) => !ctx.tagIds.has(n));
  if (!missing.length) return;
  // 3 parameters per tag row: 33 rows per insert stay under D1's 100.
  for (let i = 0; i < missing.length; i += 33) {
    await scope.db.insert(tags).values(missing.slice(i, i + 33).map((name) => ({ id: newId(ID_PREFIX.tag), tenantId: scope.tenantId, name }))).onConflictDoNothing().run();
  }
  for (const t of await scope.db.select({ id: tags.id, name: tags.name }).from(tags).where(scope.own(tags, inArray(tags.name, jsonValues(missing)))).all()) ctx.tagIds.set(t.name, t.id);
}

/**
 * Plans a chunk. Existing contacts are updated (non-empty cells only, custom values merged, tags
 * added) or skipped, and their status is never touched: an unsubscribed, bounced or complained
 * contact stays so. Soft-deleted ones are skipped. New addresses that are suppressed are created
 * as `unsubscribed`; only contacts that can be mailed join lists. Once the plan's `capacity` is
 * used up, new addresses are skipped. Counts go into `counters`.
 */
export async function planChunk(scope: TenantScope, settings: ImportSettings, ctx: ChunkContext, rows: StagedRow[], counters: ImportCounters, capacity: number) {
  const rejected: Rejection[] = [];
  const candidates = screen(rows, settings, ctx, counters, rejected);
  const emails = candidates.map((c) => c.verdict.email);
  const [found, suppressed] = await Promise.all([
    emails.length
      ? scope.db.select({ id: contacts.id, email: contacts.email, status: contacts.status, deletedAt: contacts.deletedAt }).from(contacts).where(scope.own(contacts, inArray(contacts.email, jsonValues(emails)))).all()
      : [],
    suppressedAmong(scope, emails),
  ]);
  const existing = new Map(found.map((r) => [r.email, r]));
  await ensureTags(scope, ctx, [...settings.tags, ...candidates.flatMap((c) => c.record.tags)]);

  // Rows carry the mapped columns only; the others are null (new contacts) or left alone (updates).
  const mapped = new Set<string>(settings.columns.map((c) => (c.target.startsWith('custom.') ? 'custom' : c.target)));
  const fields = FIELDS.filter((_, i) => mapped.has(FIELD_TARGETS[i]!));
  const targets = FIELD_TARGETS.filter((t) => mapped.has(t));
  const hasCustom = mapped.has('custom');

  let room = capacity;
  const now = Date.now();
  /**
   * New contacts by what is the same for nearly all of them (status and flags): each group's values
   * go in as constants, not as three more cells that SQLite reads out of every row.
   */
  const inserts = new Map<string, { status: ContactStatus; disposable: boolean; role: boolean; rows: unknown[][] }>();
  const updates: unknown[][] = [];
  const tagRows: string[][] = [];
  const memberRows: string[][] = [];
  const events: ContactEventInput[] = [];
  const eventTime = new Date(now);
  for (const { line, raw, verdict, record } of candidates) {
    const match = existing.get(verdict.email);
    const isSuppressed = suppressed.has(verdict.email);
    const values = targets.map((f) => record.fields[f] ?? null);
    if (hasCustom) values.push(Object.keys(record.custom).length ? JSON.stringify(record.custom) : null);
    let id: string;
    let mailable: boolean;
    if (match?.deletedAt) {
      counters.skipped++;
      rejected.push(rejection(line, raw, 'a deleted contact has this address: restore it to import into it'));
      continue;
    } else if (match && settings.existing === 'skip') {
      counters.skipped++;
      rejected.push(rejection(line, raw, 'already a contact (existing contacts are skipped)'));
      continue;
    } else if (match) {
      id = match.id;
      mailable = match.status === 'subscribed' && !isSuppressed;
      updates.push([id, ...values]);
      // Field names only: the timeline is not a second copy of the personal data.
      const names = [...Object.keys(record.fields), ...Object.keys(record.custom).map((k) => `custom.${k}`)];
      events.push({ contactId: id, type: 'updated', at: eventTime, data: { job_id: settings.jobId, fields: names } });
      counters.updated++;
    } else if (room <= 0) {
      counters.skipped++;
      rejected.push(rejection(line, raw, 'plan contact limit reached'));
      continue;
    } else {
      room--;
      id = newId(ID_PREFIX.contact, now);
      mailable = !isSuppressed;
      const status = isSuppressed ? 'unsubscribed' : 'subscribed';
      const key = `${status} ${verdict.disposable} ${verdict.role}`;
      let group = inserts.get(key);
      if (!group) inserts.set(key, (group = { status, disposable: verdict.disposable, role: verdict.role, rows: [] }));
      group.rows.push([id, verdict.email, ...values]);
      counters.created++;
    }
    if (isSuppressed) counters.suppressed++;
    for (const name of new Set([...settings.tags, ...record.tags])) tagRows.push([id, ctx.tagIds.get(name)!]);
    if (mailable) for (const listId of ctx.listIds) memberRows.push([listId, id]);
  }

  const tenantId = sql`${scope.tenantId}`;
  const at = sql`${now}`;
  const consent = sql`${JSON.stringify({ ...settings.consent, import_job: settings.jobId })}`;
  // Mapped values follow the insert row's 2 and the update row's 1 leading cells, custom values last.
  const customAt = (lead: number) => rowValue(lead + fields.length);
  const groups = [...inserts.values()];
  const statements = [
    ...groups.flatMap((group) =>
      jsonRowParams(group.rows).map((rows) =>
        insertFromJson(scope.db, contacts, rows, {
          id: rowValue(0), tenantId, email: rowValue(1), status: sql`${group.status}`, disposable: sql`${group.disposable ? 1 : 0}`, role: sql`${group.role ? 1 : 0}`,
          ...Object.fromEntries(fields.map((f, i) => [f, rowValue(2 + i)])),
          consent, ...(hasCustom ? { custom: customAt(2) } : {}), createdAt: at,
        }),
      ),
    ),
    ...jsonRowParams(updates).map((rows) =>
      scope.db
        .update(contacts)
        .set({
          ...Object.fromEntries(fields.map((f, i) => [f, sql`coalesce(${rowValue(1 + i)}, ${contacts[f]})`])),
          ...(hasCustom ? { custom: sql`case when ${customAt(1)} is null then ${contacts.custom} else json_patch(coalesce(${contacts.custom}, '{}'), ${customAt(1)}) end` } : {}),
          updatedAt: new Date(now),
        })
        .from(sql`json_each(${rows}) as r`)
        .where(and(eq(contacts.tenantId, scope.tenantId), sql`${contacts.id} = ${rowValue(0)}`)),
    ),
    ...jsonRowParams(tagRows).map((rows) => insertFromJson(scope.db, contactTags, rows, { tenantId, contactId: rowValue(0), tagId: rowValue(1) }).onConflictDoNothing()),
    ...jsonRowParams(memberRows).map((rows) =>
      insertFromJson(scope.db, listMembers, rows, { tenantId, listId: rowValue(0), contactId: rowValue(1), status: sql`'subscribed'`, createdAt: at }).onConflictDoNothing(),
    ),
    ...contactEventStatements(scope, events),
  ];
  return { statements, rejected, created: groups.reduce((n, g) => n + g.rows.length, 0), capacity: room };
}
