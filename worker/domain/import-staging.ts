import { and, eq, isNull } from 'drizzle-orm';
import type { DB } from '../db/client';
import { jobs, type Job } from '../db/schema';
import type { Env } from '../env';
import { Problem } from '../lib/problem';
import { checkSyntax, normalizeEmail } from './email-validation';
import type { StagedRow } from './import-chunk';
import { readRows, type FileLayout } from './import-files';
import type { MappedColumn } from './import-mapping';

/**
 * Staging: the first run of an import parses the file once into pages of mapped, trimmed cells in
 * R2, marking each row whose address an earlier row already had (first wins), and imports the
 * pages as they are parsed. Later runs (after a hand-over) read them back from R2. Staging is
 * deterministic, so a run that has to redo it (a crash before it finished) finds the same rows at
 * the same offsets and goes on after the last committed chunk.
 */

/** Rows committed together (one D1 batch). */
export const CHUNK_ROWS = 2000;
/** Rows per staged page, a whole number of chunks: few, large R2 objects, since an R2 round trip costs more than parsing a page. */
const PAGE_ROWS = 10 * CHUNK_ROWS;
/**
 * Parsed chunks waiting to be imported, at most: parsing runs ahead of the database, within bounds.
 * Chunks are handed over as soon as they are parsed, not a page at a time, so the first commit does
 * not wait for a whole page to be parsed.
 */
const CHUNKS_AHEAD = 2 * (PAGE_ROWS / CHUNK_ROWS);

export interface StagingInput {
  file: R2ObjectBody;
  layout: FileLayout;
  columns: MappedColumn[];
}

const pageKey = (job: Pick<Job, 'id' | 'tenantId'>, page: number) => `imports/${job.tenantId}/${job.id}/rows/${page}.json`;

export const stagedPageKeys = (job: Job) => Array.from({ length: Math.ceil((job.total ?? 0) / PAGE_ROWS) }, (_, i) => pageKey(job, i));

/** Rows of an import in file order, read forward a chunk at a time. */
export interface RowSource {
  /** Up to `count` rows from `offset` on (never before a released offset); none at the end. */
  rowsAt(offset: number, count: number): Promise<StagedRow[]>;
  /** The rows before `offset` are committed: they will not be asked for again. */
  release(offset: number): void;
  /** The run is done reading: staging (if any) finishes without waiting for it. Resolves to the number of rows once all are staged. */
  close(): Promise<number>;
}

/** The pages a finished staging left in R2. */
export function storedRows(env: Env, job: Job): RowSource {
  let page: { index: number; rows: StagedRow[] } | null = null;
  return {
    async rowsAt(offset, count) {
      if (offset >= (job.total ?? 0)) return [];
      const index = Math.floor(offset / PAGE_ROWS);
      if (page?.index !== index) {
        const object = await env.FILES.get(pageKey(job, index));
        if (!object) throw new Error(`staged page ${index} of job ${job.id} is missing`);
        page = { index, rows: await object.json<StagedRow[]>() };
      }
      const from = offset - index * PAGE_ROWS;
      return page.rows.slice(from, from + count);
    },
    // One page is held at a time anyway.
    release() {},
    close: async () => job.total ?? 0,
  };
}

/**
 * Parses the file and hands its chunks over as they come (each page also written to R2), recording
 * the total once every page is stored. A file that turns out unreadable throws its Problem from rowsAt.
 */
export function stagingRows(env: Env, db: DB, job: Job, input: StagingInput): RowSource {
  const ready = new Map<number, StagedRow[]>();
  let finished = false;
  let failure: unknown = null;
  let abandoned = false;
  let wakeImporter = () => {};
  let wakeParser = () => {};
  const until = (wake: (resolve: () => void) => void) => new Promise<void>((resolve) => wake(resolve));

  const publish = async (index: number, rows: StagedRow[]) => {
    while (!abandoned && ready.size >= CHUNKS_AHEAD) await until((r) => (wakeParser = r));
    if (!abandoned) ready.set(index, rows);
    wakeImporter();
  };
  const staged = stage(env, db, job, input, publish).then(
    (total) => total,
    (err: unknown) => {
      failure = err;
      return 0;
    },
  );
  void staged.finally(() => {
    finished = true;
    wakeImporter();
  });

  return {
    async rowsAt(offset, count) {
      const index = Math.floor(offset / CHUNK_ROWS);
      for (;;) {
        const chunk = ready.get(index);
        if (chunk) return chunk.slice(offset - index * CHUNK_ROWS, offset - index * CHUNK_ROWS + count);
        if (finished) {
          if (failure) throw failure;
          return [];
        }
        await until((r) => (wakeImporter = r));
      }
    },
    release(offset) {
      for (const k of ready.keys()) if ((k + 1) * CHUNK_ROWS <= offset) ready.delete(k);
      wakeParser();
    },
    async close() {
      abandoned = true;
      ready.clear();
      wakeParser();
      const total = await staged;
      if (failure) throw failure;
      return total;
    },
  };
}

/**
 * Parses the file, handing each chunk to `publish` and writing each page to R2 (one write in flight
 * while the next page is parsed), then records the total — once, so a slower twin delivery cannot
 * reset it. Returns the total.
 */
async function stage(env: Env, db: DB, job: Job, input: StagingInput, publish: (chunk: number, rows: StagedRow[]) => Promise<void>) {
  const emailAt = input.columns.findIndex((c) => c.target === 'email');
  const firstLine = new Map<string, number>();
  let header = true;
  let rows = 0;
  let pages = 0;
  let page: StagedRow[] = [];
  let writing: Promise<unknown> = Promise.resolve(null);
  const written = async () => {
    const err = await writing;
    if (err) throw err;
  };
  const flush = async () => {
    const [index, full] = [pages++, page];
    page = [];
    await written();
    writing = env.FILES.put(pageKey(job, index), JSON.stringify(full)).then(
      () => null,
      (err: unknown) => err,
    );
  };
  /** Hands over the page's last, possibly partial, chunk. */
  const publishTail = () => {
    const from = Math.floor((page.length - 1) / CHUNK_ROWS) * CHUNK_ROWS;
    return publish((rows - page.length + from) / CHUNK_ROWS, page.slice(from));
  };
  await readRows(input.file.body, input.layout, async (batch) => {
    for (const row of batch) {
      if (header) {
        header = false;
        continue;
      }
      const values = input.columns.map((c) => (row.cells[c.index] ?? '').trim());
      // Only well-formed addresses are compared: empty or garbled cells are each reported as invalid.
      const email = normalizeEmail(values[emailAt]!);
      let duplicateOf = 0;
      if (checkSyntax(email).ok) {
        duplicateOf = firstLine.get(email) ?? 0;
        if (!duplicateOf) firstLine.set(email, row.line);
      }
      page.push([row.line, duplicateOf, ...values]);
      rows++;
      if (page.length % CHUNK_ROWS === 0) await publishTail();
      if (page.length === PAGE_ROWS) await flush();
    }
  });
  if (page.length % CHUNK_ROWS) await publishTail();
  if (page.length) await flush();
  await written();
  await db.update(jobs).set({ total: rows, updatedAt: new Date() }).where(and(eq(jobs.id, job.id), isNull(jobs.total))).run();
  return rows;
}

/** An unreadable file is the user's to fix: it fails the job rather than being retried. */
export const isUnreadableFile = (err: unknown): err is Problem => err instanceof Problem;
