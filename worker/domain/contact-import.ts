import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { customFields, jobs, lists, type Job } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { toCsv } from '../lib/csv';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem, notFound } from '../lib/problem';
import { audit, auditStatement, type AuditInput } from './audit';
import { contactUsage, warnNearContactLimit } from './contact-usage';
import { publishDownload } from './downloads';
import { planChunk, type ChunkContext, type ImportCounters, type ImportSettings, type Rejection } from './import-chunk';
import { MAX_IMPORT_BYTES, previewFile, type FileLayout } from './import-files';
import { resolveMapping, suggestMapping, type FieldDef } from './import-mapping';
import { DEFAULT_GEOMETRY, LEGACY_GEOMETRY, isUnreadableFile, stagedPageKeys, stagingRows, storedRows, type ImportGeometry, type RowSource } from './import-staging';
import { startJob } from './jobs';
import { notify } from './notifications';

/**
 * Contact import. An upload is stored in R2 and previewed. An import is a `contact_import` job
 * that stages the file (import-staging.ts) and commits a chunk of rows at a time (import-chunk.ts
 * decides what they write). Each chunk commits in one D1 batch together with the job's offset and
 * counters and a receipt row whose primary key is (job, chunk): a chunk is written exactly once
 * however often the queue delivers the job, and a crash resumes after the last committed chunk.
 */

export const CONTACT_IMPORT_JOB = 'contact_import';
const CHUNK_RECEIPT_JOB = 'contact_import_chunk';
/**
 * How much one queue message does before handing over to a fresh message: the jobs queue also
 * carries platform mail, which must not wait long behind an import.
 */
export const IMPORT_SLICE = { maxChunks: 200, maxMs: 10_000 };

export interface ImportOptions {
  upload_id: string;
  /** Header → target overrides of the suggested mapping; checked by resolveMapping. */
  mapping?: Record<string, string | null>;
  existing?: ImportSettings['existing'];
  tags?: string[];
  list_ids?: string[];
  consent_source?: string;
}

/** The job's params: what to import and how, fixed when it starts. */
interface ImportParams extends Omit<ImportSettings, 'jobId'> {
  upload_id: string;
  layout: FileLayout;
  list_ids: string[];
  /** Absent in jobs started before it was recorded: those used LEGACY_GEOMETRY. */
  geometry?: ImportGeometry;
}

const geometryOf = (params: ImportParams) => params.geometry ?? LEGACY_GEOMETRY;

interface UploadInfo extends FileLayout {
  upload_id: string;
  filename: string;
  bytes: number;
  headers: string[];
  sample_rows: string[][];
  rows_estimate: number | null;
}

const uploadPrefix = (tenantId: string, uploadId: string) => `imports/${tenantId}/${uploadId}`;
const uploadFileKey = (tenantId: string, uploadId: string) => `${uploadPrefix(tenantId, uploadId)}/file`;
const uploadInfoKey = (tenantId: string, uploadId: string) => `${uploadPrefix(tenantId, uploadId)}/upload.json`;
const reportKey = (job: Job) => `imports/${job.tenantId}/${job.id}/errors.csv`;
/** Receipt ids sort in chunk order under the job's id. */
const receiptId = (jobId: string, chunk: number) => `${jobId}.c${String(chunk).padStart(6, '0')}`;
const receiptsOf = (scope: TenantScope, jobId: string) => scope.own(jobs, eq(jobs.type, CHUNK_RECEIPT_JOB), gte(jobs.id, receiptId(jobId, 0)), lt(jobs.id, `${jobId}.d`));

export const fileTooLarge = () =>
  new Problem('payload-too-large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files and import them one after another.`);

async function fieldDefs(scope: TenantScope): Promise<FieldDef[]> {
  return scope.db.select({ key: customFields.key, label: customFields.label, type: customFields.type }).from(customFields).where(scope.own(customFields)).all();
}

function uploadView(info: UploadInfo, fields: FieldDef[]) {
  return {
    upload_id: info.upload_id,
    filename: info.filename,
    bytes: info.bytes,
    format: info.format,
    delimiter: info.delimiter,
    encoding: info.encoding,
    headers: info.headers,
    sample_rows: info.sample_rows,
    suggested_mapping: suggestMapping(info.headers, fields),
    rows_estimate: info.rows_estimate,
  };
}

// ---------------------------------------------------------------------------------------------------
// Uploads

/** Stores an upload under the tenant's prefix and describes it; the id is only meaningful within the tenant. */
export async function saveUpload(env: Env, scope: TenantScope, file: File) {
  if (file.size > MAX_IMPORT_BYTES) throw fileTooLarge();
  const preview = await previewFile(file);
  const info: UploadInfo = {
    upload_id: newId(ID_PREFIX.importUpload),
    filename: file.name.slice(0, 200) || 'upload',
    bytes: file.size,
    format: preview.format,
    delimiter: preview.delimiter,
    encoding: preview.encoding,
    headers: preview.headers,
    sample_rows: preview.sampleRows.map((cells) => preview.headers.map((_, i) => cells[i] ?? '')),
    rows_estimate: preview.rowsEstimate,
  };
  await env.FILES.put(uploadFileKey(scope.tenantId, info.upload_id), file, { httpMetadata: { contentType: file.type || 'application/octet-stream' } });
  await env.FILES.put(uploadInfoKey(scope.tenantId, info.upload_id), JSON.stringify(info), { httpMetadata: { contentType: 'application/json' } });
  return uploadView(info, await fieldDefs(scope));
}

const uploadKeys = (tenantId: string, uploadId: string) => [uploadFileKey(tenantId, uploadId), uploadInfoKey(tenantId, uploadId)];

async function loadUpload(env: Env, tenantId: string, uploadId: string): Promise<UploadInfo> {
  const object = /^[\w-]+$/.test(uploadId) ? await env.FILES.get(uploadInfoKey(tenantId, uploadId)) : null;
  if (!object) throw notFound('Upload');
  return object.json<UploadInfo>();
}

// ---------------------------------------------------------------------------------------------------
// Starting

async function assertOwnLists(scope: TenantScope, listIds: string[]) {
  const wanted = [...new Set(listIds)];
  if (!wanted.length) return wanted;
  const found = new Set((await scope.db.select({ id: lists.id }).from(lists).where(scope.own(lists, inArray(lists.id, wanted))).all()).map((l) => l.id));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length) {
    throw new Problem('validation-error', `No such list: ${missing.join(', ')}.`, { extensions: { errors: missing.map((id) => ({ field: 'list_ids', message: `${id} is not a list of this workspace` })) } });
  }
  return wanted;
}

/**
 * Checks everything that can be checked before any row is read — the upload is the tenant's, the
 * mapping is complete, the lists are the tenant's, the plan has room — and starts the job.
 */
export async function startContactImport(env: Env, scope: TenantScope, options: ImportOptions, actor: AuditInput['actor'], createdBy: string | null) {
  const upload = await loadUpload(env, scope.tenantId, options.upload_id);
  const columns = resolveMapping(upload.headers, await fieldDefs(scope), options.mapping);
  const listIds = await assertOwnLists(scope, options.list_ids ?? []);
  const usage = await contactUsage(scope);
  if (usage.used >= usage.limit) {
    throw new Problem('conflict', `The ${usage.plan} plan holds ${usage.limit} contacts and this workspace has ${usage.used}: an import could not add any. Upgrade the plan or delete contacts first.`, {
      extensions: { limit: usage.limit, used: usage.used },
    });
  }
  const params: ImportParams = {
    upload_id: upload.upload_id,
    layout: { format: upload.format, delimiter: upload.delimiter, encoding: upload.encoding },
    columns,
    existing: options.existing ?? 'skip',
    tags: [...new Set(options.tags ?? [])],
    list_ids: listIds,
    consent: { source: options.consent_source ?? 'import', at: new Date().toISOString(), wording_version: null },
    geometry: DEFAULT_GEOMETRY,
  };
  const job = await startJob(env, scope, CONTACT_IMPORT_JOB, params as unknown as Record<string, unknown>, createdBy);
  // Field names and counts only: no file name, header text or cell values (personal data).
  await audit(scope.db, {
    tenantId: scope.tenantId,
    actor,
    action: 'contact.import_started',
    target: { type: 'job', id: job.id },
    metadata: { upload_id: upload.upload_id, format: upload.format, bytes: upload.bytes, rows_estimate: upload.rows_estimate, existing: params.existing, fields: columns.map((c) => c.target), lists: listIds.length, tags: params.tags.length },
  });
  return job;
}

/** A file imported in one request: stored as an upload that is dropped again if the import cannot start. */
export async function importFile(env: Env, scope: TenantScope, file: File, options: Omit<ImportOptions, 'upload_id'>, actor: AuditInput['actor'], createdBy: string | null) {
  const { upload_id } = await saveUpload(env, scope, file);
  try {
    return await startContactImport(env, scope, { ...options, upload_id }, actor, createdBy);
  } catch (err) {
    await env.FILES.delete(uploadKeys(scope.tenantId, upload_id));
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Running

const emptyCounters = (): ImportCounters => ({ rows: 0, created: 0, updated: 0, skipped: 0, invalid: 0, duplicates: 0, suppressed: 0, error_report_url: null });

/**
 * A delivery that finds the job already finished by another one puts its status back: the jobs
 * consumer marks every delivery "running" as it starts, also one that started after the finish.
 */
async function restoreFinishedStatus(db: DB, jobId: string) {
  await db.update(jobs).set({ status: sql`case when ${jobs.error} is null then 'succeeded' else 'failed' end` }).where(and(eq(jobs.id, jobId), isNotNull(jobs.finishedAt))).run();
}

async function failJob(db: DB, job: Job, error: string) {
  const failed = await db.update(jobs).set({ status: 'failed', error, finishedAt: new Date(), updatedAt: new Date() }).where(and(eq(jobs.id, job.id), isNull(jobs.finishedAt))).returning({ id: jobs.id });
  if (!failed.length) await restoreFinishedStatus(db, job.id);
}

const reload = (db: DB, jobId: string) => db.select().from(jobs).where(eq(jobs.id, jobId)).get();

/** A run's settings and the context its chunks share. */
interface Run extends ChunkContext {
  settings: ImportSettings;
  source: RowSource;
  geometry: ImportGeometry;
}

/** A chunk planned against the job as it will be once the chunks before it are committed. */
interface PlannedChunk {
  from: Job;
  /** Its number in the job, which names its receipt. */
  chunk: number;
  rows: number;
  counters: ImportCounters;
  /** Room left on the plan after this chunk. */
  capacity: number;
  statements: Awaited<ReturnType<typeof planChunk>>['statements'];
  rejected: Rejection[];
  created: number;
}

async function planAt(scope: TenantScope, run: Run, from: Job, capacity: number): Promise<PlannedChunk | null> {
  const { chunkRows } = run.geometry;
  const rows = await run.source.rowsAt(from.processed, chunkRows);
  if (!rows.length) return null;
  const counters = { ...emptyCounters(), ...(from.result as Partial<ImportCounters> | null) };
  counters.rows += rows.length;
  return { from, chunk: Math.floor(from.processed / chunkRows), rows: rows.length, counters, ...(await planChunk(scope, run.settings, run, rows, counters, capacity)) };
}

const committedState = (p: PlannedChunk): Job => ({ ...p.from, processed: p.from.processed + p.rows, result: { ...p.counters } });

/**
 * Commits a chunk together with the job's new offset and counters and the chunk's receipt. When
 * the batch fails but the offset has moved on, the chunk was committed all the same — by another
 * delivery of the job, or by this one with the answer lost — and the job as committed comes back.
 */
async function commitChunk(scope: TenantScope, p: PlannedChunk): Promise<{ job: Job; ours: boolean }> {
  const done = committedState(p);
  try {
    await scope.db.batch([
      scope.db.insert(jobs).values({ id: receiptId(p.from.id, p.chunk), tenantId: p.from.tenantId, type: CHUNK_RECEIPT_JOB, status: 'succeeded', result: { rejected: p.rejected } }),
      scope.db.update(jobs).set({ processed: done.processed, result: done.result, updatedAt: new Date() }).where(and(eq(jobs.id, p.from.id), eq(jobs.processed, p.from.processed))),
      ...p.statements,
    ]);
  } catch (err) {
    const committed = await reload(scope.db, p.from.id);
    if (committed && committed.processed > p.from.processed) return { job: committed, ours: false };
    throw err;
  }
  return { job: done, ours: true };
}

/** Chunks planned ahead of the one committing, so that the database never waits for a plan. */
const PLANS_AHEAD = 2;

/**
 * Imports chunks from the job's offset until the rows or the slice run out. Later chunks are
 * planned while the current one commits: their rows hold other addresses (repeats were marked when
 * staging), so the commit cannot change what the plans find.
 */
async function importSlice(scope: TenantScope, run: Run, job: Job, capacity: number, slice: typeof IMPORT_SLICE) {
  const started = Date.now();
  let plans = 0;
  let created = 0;
  let current = job;
  const planFrom = (from: Job, room: number) => {
    if (plans >= slice.maxChunks || Date.now() - started >= slice.maxMs) return Promise.resolve(null);
    plans++;
    return planAt(scope, run, from, room);
  };
  // Each plan starts from the one before it as committed. Settled at once, so that a plan given up
  // on (a failed commit) does not leave a rejection unobserved.
  const after = (previous: Promise<PlannedChunk | null>) => {
    const next = previous.then((p) => (p ? planFrom(committedState(p), p.capacity) : null));
    next.catch(() => null);
    return next;
  };
  const pipeline = (from: Job, room: number) => {
    const queue = [planFrom(from, room)];
    while (queue.length < PLANS_AHEAD) queue.push(after(queue.at(-1)!));
    return queue;
  };
  let queue = pipeline(current, capacity);
  for (let planned = await queue.shift()!; planned; planned = await queue.shift()!) {
    const commit = commitChunk(scope, planned);
    queue.push(after(queue.at(-1)!));
    const { job: committed, ours } = await commit;
    current = committed;
    run.source.release(current.processed);
    if (ours) {
      created += planned.created;
      continue;
    }
    // Another delivery is at work (or this one lost an answer): plan again from what is committed.
    await Promise.all(queue.map((p) => p.catch(() => null)));
    const usage = await contactUsage(scope);
    queue = pipeline(current, usage.limit - usage.used);
  }
  return { job: current, created };
}

/**
 * The job runner. The first run stages the file while importing from it; a run stops after a
 * slice and hands over to a new message, which reads the staged pages.
 */
export async function runContactImport(env: Env, db: DB, job: Job, slice = IMPORT_SLICE): Promise<void> {
  const params = job.params as unknown as ImportParams;
  const geometry = geometryOf(params);
  const scope = tenantScope(db, job.tenantId);
  let source: RowSource;
  if (job.total === null) {
    const file = await env.FILES.get(uploadFileKey(job.tenantId, params.upload_id));
    if (!file) return failJob(db, job, 'The uploaded file is no longer available. Upload it again.');
    source = stagingRows(env, db, job, { file, layout: params.layout, columns: params.columns, geometry });
  } else source = storedRows(env, job, geometry);
  // A run resuming after committed chunks: staging skips them instead of holding them for nobody.
  source.release(job.processed);
  const usage = await contactUsage(scope);
  // A list deleted since the import started is left out rather than failing every chunk on its foreign key.
  const listIds = params.list_ids.length ? (await scope.db.select({ id: lists.id }).from(lists).where(scope.own(lists, inArray(lists.id, params.list_ids))).all()).map((l) => l.id) : [];
  const run: Run = {
    settings: { jobId: job.id, columns: params.columns, existing: params.existing, tags: params.tags, consent: params.consent },
    fields: new Map((await fieldDefs(scope)).map((f) => [f.key, f])),
    tagIds: new Map(),
    listIds,
    source,
    geometry,
  };
  let result: Awaited<ReturnType<typeof importSlice>>;
  let total: number;
  try {
    result = await importSlice(scope, run, job, usage.limit - usage.used, slice);
    total = await source.close();
  } catch (err) {
    if (!isUnreadableFile(err)) throw err;
    return failJob(db, job, err.message);
  }
  await warnNearContactLimit(env, scope, usage, result.created);
  // Rows left but none readable (staged pages lost or cut short): handing over would repeat this forever.
  if (result.job.processed === job.processed && job.processed < total) return failJob(db, job, 'The rows staged for this import are incomplete. Start the import again.');
  if (result.job.processed < total) {
    await env.JOBS_QUEUE.send({ type: 'job', jobId: job.id, tenantId: job.tenantId });
    return;
  }
  await finishImport(env, scope, { ...result.job, total });
}

/** The error report (line, email, reason) from the chunk receipts, formula-safe, behind a signed link. */
async function writeErrorReport(env: Env, scope: TenantScope, job: Job) {
  const receipts = await scope.db.select({ result: jobs.result }).from(jobs).where(receiptsOf(scope, job.id)).orderBy(asc(jobs.id)).all();
  const rows = receipts.flatMap((r) => (r.result as { rejected: Rejection[] } | null)?.rejected ?? []);
  if (!rows.length) return null;
  await env.FILES.put(reportKey(job), toCsv(['line', 'email', 'reason'], rows), { httpMetadata: { contentType: 'text/csv; charset=utf-8' } });
  return (await publishDownload(env, reportKey(job), `import-errors-${job.id}.csv`)).url;
}

async function finishImport(env: Env, scope: TenantScope, job: Job) {
  const counters: ImportCounters = { ...emptyCounters(), ...(job.result as Partial<ImportCounters> | null), error_report_url: await writeErrorReport(env, scope, job) };
  // The upload is consumed by its import, and the staged pages were only a working copy. Gone before
  // the job reads as done; a delivery that repeats the finish needs neither.
  const params = job.params as unknown as ImportParams;
  const keys = [...uploadKeys(job.tenantId, params.upload_id), ...stagedPageKeys(job, geometryOf(params))];
  for (let i = 0; i < keys.length; i += 1000) await env.FILES.delete(keys.slice(i, i + 1000));
  const now = new Date();
  const [won] = await scope.db
    .update(jobs)
    .set({ status: 'succeeded', result: { ...counters }, finishedAt: now, updatedAt: now })
    .where(and(eq(jobs.id, job.id), isNull(jobs.finishedAt)))
    .returning({ id: jobs.id });
  // Only the delivery that marks the job done audits and notifies: at most once (a crash right
  // after the mark loses the notice rather than doubling it).
  if (!won) return restoreFinishedStatus(scope.db, job.id);
  const { error_report_url: _, ...counts } = counters;
  await scope.db.batch([
    scope.db.delete(jobs).where(receiptsOf(scope, job.id)),
    // Counts only, no personal data.
    auditStatement(scope.db, { tenantId: job.tenantId, actor: { type: 'system', id: null }, action: 'contact.import_finished', target: { type: 'job', id: job.id }, metadata: counts }),
  ]);
  if (job.createdBy) {
    await notify(env, scope.db, { tenantId: job.tenantId, kind: 'import_finished', data: { job_id: job.id, processed: counts.rows, ...counts }, userIds: [job.createdBy] });
  }
}
