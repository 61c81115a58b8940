/**
 * Contact export: a `contact_export` job writes the selection as CSV to R2 through a multipart
 * upload, row by row, so memory stays near one part (5 MiB) however many contacts there are. R2
 * wants every part but the last of one size, so parts are cut at exact byte counts and the bytes
 * past a cut (less than one row) carry over to the next part. After each part the job records the
 * upload, its parts, the last contact written and that carry, so a crashed run resumes there.
 */
import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import type { DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { customFields, contacts, jobs, listMembers, lists, type Contact, type Job } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { csvCell } from '../lib/csv';
import { fromBase64Url, toBase64Url, utf8 } from '../lib/encoding';
import { validationProblem } from '../lib/problem';
import { audit, type AuditInput } from './audit';
import { resolveSelection, resolvedSelectionWhere, selectionKind, type ContactSelection, type ResolvedSelection } from './contact-selection';
import { countContacts, tagsOf } from './contacts';
import { publishDownload } from './downloads';
import { claimResume, continueJob, resumeState, saveResumeStatement } from './job-resume';
import { startJob, updateJob } from './jobs';
import { notify } from './notifications';

interface Row {
  contact: Contact;
  tags: string[];
  lists: string[];
}

const BUILT_IN_COLUMNS = {
  id: (r: Row) => r.contact.id,
  email: (r: Row) => r.contact.email,
  first_name: (r: Row) => r.contact.firstName,
  last_name: (r: Row) => r.contact.lastName,
  phone: (r: Row) => r.contact.phone,
  company: (r: Row) => r.contact.company,
  city: (r: Row) => r.contact.city,
  country: (r: Row) => r.contact.country,
  language: (r: Row) => r.contact.language,
  timezone: (r: Row) => r.contact.timezone,
  status: (r: Row) => r.contact.status,
  tags: (r: Row) => r.tags.join(', '),
  /** Names of the lists the contact is subscribed to. */
  lists: (r: Row) => r.lists.join(', '),
  consent_source: (r: Row) => r.contact.consent?.source,
  consent_at: (r: Row) => r.contact.consent?.at,
  created_at: (r: Row) => r.contact.createdAt,
} satisfies Record<string, (r: Row) => unknown>;

/** R2 multipart: all parts but the last are the same size, at least 5 MiB. */
export const PART_BYTES = 5 * 1024 * 1024;
const ROWS_PER_QUERY = 500;
/** Rows per invocation; the job then continues in a fresh one (from a part boundary, where the carry is small). */
const ROWS_PER_RUN = 50_000;
/** Excel reads UTF-8 CSV correctly only with a byte order mark. */
const BOM = '\uFEFF';

interface ExportParams {
  selection: ResolvedSelection;
  columns: string[];
  now: string;
}

interface ExportResume {
  upload_id: string;
  parts: R2UploadedPart[];
  /** The last contact whose row is in the uploaded parts and the carry. */
  cursor: string | null;
  rows: number;
  /** Bytes after the last part's cut (base64url): the start of the next part. */
  carry: string;
}

const exportKey = (tenantId: string, jobId: string) => `exports/${tenantId}/${jobId}.csv`;
const line = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The columns of an export: `fields` (in its order) or every built-in column and custom field. */
export async function exportColumns(scope: TenantScope, fields?: string[]) {
  const custom = (await scope.db.select({ key: customFields.key }).from(customFields).where(scope.own(customFields)).orderBy(customFields.key).all()).map((f) => `custom.${f.key}`);
  const available = [...Object.keys(BUILT_IN_COLUMNS), ...custom];
  if (!fields) return available;
  const unknown = fields.flatMap((f, i) => (available.includes(f) ? [] : [{ field: `fields[${i}]`, message: `is not a column; choose from ${available.join(', ')}` }]));
  if (unknown.length) throw validationProblem(unknown);
  return [...new Set(fields)];
}

export async function startContactExport(env: Env, scope: TenantScope, input: { selection?: ContactSelection; fields?: string[] }, actor: AuditInput['actor'], createdBy: string | null) {
  const requested = input.selection ?? { filter: {} };
  const selection = await resolveSelection(scope, requested);
  const columns = await exportColumns(scope, input.fields);
  const now = new Date();
  const total = await countContacts(scope, resolvedSelectionWhere(scope, selection, now));
  const params: ExportParams = { selection, columns, now: now.toISOString() };
  const job = await startJob(env, scope, 'contact_export', { ...params }, createdBy);
  await updateJob(scope.db, job.id, { total });
  await audit(scope.db, {
    tenantId: scope.tenantId,
    actor,
    action: 'contact.export_requested',
    target: { type: 'job', id: job.id },
    metadata: { selection: selectionKind(requested), ...('segment_id' in requested ? { segment_id: requested.segment_id } : {}), columns: columns.length, rows: total },
  });
  return { ...job, total };
}

/** The next contacts of the export with their tags and subscribed lists. */
async function nextRows(scope: TenantScope, where: SQL, after: string | null): Promise<Row[]> {
  const rows = await scope.db.select().from(contacts).where(and(where, after ? gt(contacts.id, after) : undefined)).orderBy(asc(contacts.id)).limit(ROWS_PER_QUERY).all();
  const ids = rows.map((c) => c.id);
  const tagMap = await tagsOf(scope, ids);
  const listMap = new Map<string, string[]>();
  if (ids.length) {
    const memberships = await scope.db
      .select({ contactId: listMembers.contactId, name: lists.name })
      .from(listMembers)
      .innerJoin(lists, eq(lists.id, listMembers.listId))
      .where(scope.own(listMembers, eq(listMembers.status, 'subscribed'), inArray(listMembers.contactId, jsonValues(ids))))
      .orderBy(lists.name)
      .all();
    for (const m of memberships) listMap.set(m.contactId, [...(listMap.get(m.contactId) ?? []), m.name]);
  }
  return rows.map((contact) => ({ contact, tags: tagMap.get(contact.id) ?? [], lists: listMap.get(contact.id) ?? [] }));
}

function cellsOf(row: Row, columns: string[]) {
  return columns.map((column) =>
    Object.hasOwn(BUILT_IN_COLUMNS, column) ? BUILT_IN_COLUMNS[column as keyof typeof BUILT_IN_COLUMNS](row) : row.contact.custom?.[column.slice('custom.'.length)],
  );
}

/** Bytes waiting for upload, cut into parts of exactly `size` bytes. */
class PartBuffer {
  private pieces: Uint8Array[] = [];
  length = 0;

  push(bytes: Uint8Array) {
    this.pieces.push(bytes);
    this.length += bytes.length;
  }

  take(size = this.length) {
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const piece = this.pieces[0]!;
      const used = Math.min(piece.length, size - filled);
      out.set(piece.subarray(0, used), filled);
      filled += used;
      if (used === piece.length) this.pieces.shift();
      else this.pieces[0] = piece.subarray(used);
    }
    this.length -= size;
    return out;
  }

  peek() {
    const all = this.take();
    this.push(all);
    return all;
  }
}

/** Runs (or resumes) a contact_export job; `limits` are for tests of part cutting and resuming. */
export async function runContactExport(env: Env, db: DB, job: Job, limits = { partBytes: PART_BYTES, rowsPerRun: ROWS_PER_RUN }) {
  const scope = tenantScope(db, job.tenantId);
  const params = job.params as unknown as ExportParams;
  const key = exportKey(job.tenantId, job.id);
  let state = resumeState<ExportResume>(job);
  if (state && (await env.FILES.head(key))) return finish(env, db, job, key, state.rows);
  if (!state) {
    const created = await env.FILES.createMultipartUpload(key, { httpMetadata: { contentType: 'text/csv; charset=utf-8' } });
    state = { upload_id: created.uploadId, parts: [], cursor: null, rows: 0, carry: toBase64Url(utf8(BOM + line(params.columns))) };
    // A re-delivered first message may run alongside the first run: only one of them writes the file.
    if (!(await claimResume(db, job.id, state))) return created.abort();
  }
  const upload = env.FILES.resumeMultipartUpload(key, state.upload_id);
  const buffer = new PartBuffer();
  buffer.push(fromBase64Url(state.carry));
  const where = resolvedSelectionWhere(scope, params.selection, new Date(params.now));
  let { cursor, rows } = state;
  const parts = [...state.parts];
  let rowsThisRun = 0;
  for (let batch = await nextRows(scope, where, cursor); batch.length; batch = await nextRows(scope, where, cursor)) {
    for (const row of batch) {
      buffer.push(utf8(line(cellsOf(row, params.columns))));
      cursor = row.contact.id;
      rows++;
      rowsThisRun++;
      if (buffer.length < limits.partBytes) continue;
      while (buffer.length >= limits.partBytes) parts.push(await upload.uploadPart(parts.length + 1, buffer.take(limits.partBytes)));
      await saveResumeStatement(db, job.id, { upload_id: state.upload_id, parts, cursor, rows, carry: toBase64Url(buffer.peek()) } satisfies ExportResume, { processed: rows }).run();
      if (rowsThisRun >= limits.rowsPerRun) return continueJob(env, job);
    }
    await updateJob(db, job.id, { processed: rows });
  }
  if (buffer.length || !parts.length) parts.push(await upload.uploadPart(parts.length + 1, buffer.take()));
  await saveResumeStatement(db, job.id, { upload_id: state.upload_id, parts, cursor, rows, carry: '' } satisfies ExportResume, { processed: rows }).run();
  await upload.complete(parts);
  await finish(env, db, job, key, rows);
}

async function finish(env: Env, db: DB, job: Job, key: string, rows: number) {
  const { url, expiresAt } = await publishDownload(env, key, `contacts-${job.createdAt.toISOString().slice(0, 10)}.csv`);
  // The resume state held a fragment of a row: it goes once the file is complete.
  const { resume: _, ...params } = job.params ?? {};
  await db
    .update(jobs)
    .set({ status: 'succeeded', processed: rows, total: rows, params, result: { rows, download_url: url, expires_at: expiresAt.toISOString() }, finishedAt: new Date(), updatedAt: new Date() })
    .where(eq(jobs.id, job.id))
    .run();
  if (job.createdBy) {
    await notify(env, db, { tenantId: job.tenantId, kind: 'export_finished', data: { job_id: job.id, expires_on: expiresAt.toDateString(), download_url: url }, userIds: [job.createdBy] });
  }
}
