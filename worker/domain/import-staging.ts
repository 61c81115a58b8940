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

/**
 * How a job's rows are cut: rows committed together (one D1 batch) and rows per staged page (a whole
 * number of chunks: few, large R2 objects, since an R2 round trip costs more than parsing a page).
 * Recorded in the job when it starts, so a deploy that changes the defaults never misreads the pages
 * and chunk receipts of an import already running.
 */
export interface ImportGeometry {
  chunkRows: number;
  pageRows: number;
}
export const CHUNK_ROWS = 2000;
export const DEFAULT_GEOMETRY: ImportGeometry = { chunkRows: CHUNK_ROWS, pageRows: 10 * CHUNK_ROWS };
/** What imports used before the geometry was recorded in the job. */
export const LEGACY_GEOMETRY: ImportGeometry = { chunkRows: 1000, pageRows: 10_000 };
/**
 * Parsed chunks held for the importer, at most: parsing runs ahead of the database, within bounds.
 * More than the importer ever asks for at once (one chunk committing, two planned), so the parser
 * waiting for room can never hold back a chunk the importer waits for.
 */
const CHUNKS_AHEAD = 6;

export interface StagingInput {
  file: R2ObjectBody;
  layout: FileLayout;
  columns: MappedColumn[];
  geometry: ImportGeometry;
}

const pageKey = (job: Pick<Job, 'id' | 'tenantId'>, page: number) => `imports/${job.tenantId}/${job.id}/rows/${page}.json`;

export const stagedPageKeys = (job: Job, geometry: ImportGeometry) => Array.from({ length: Math.ceil((job.total ?? 0) / geometry.pageRows) }, (_, i) => pageKey(job, i));

/** Rows of an import in file order, read forward a chunk at a time. */
export interface RowSource {
  /** Up to `count` rows from `offset` on; none at the end, and none before a released offset. */
  rowsAt(offset: number, count: number): Promise<StagedRow[]>;
  /** The rows before `offset` are committed: they are not kept (a run resuming at `offset` says so first). */
  release(offset: number): void;
  /** The run is done reading: staging (if any) finishes without waiting for it. Resolves to the number of rows once all are staged. */
  close(): Promise<number>;
}

/** The pages a finished staging left in R2. */
export function storedRows(env: Env, job: Job, { pageRows }: ImportGeometry): RowSource {
  let page: { index: number; rows: StagedRow[] } | null = null;
  return {
    async rowsAt(offset, count) {
      if (offset >= (job.total ?? 0)) return [];
      const index = Math.floor(offset / pageRows);
      if (page?.index !== index) {
        const object = await env.FILES.get(pageKey(job, index));
        if (!object) throw new Error(`staged page ${index} of job ${job.id} is missing`);
        page = { index, rows: await object.json<StagedRow[]>() };
      }
      const from = offset - index * pageRows;
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
  const { chunkRows } = input.geometry;
  const ready = new Map<number, StagedRow[]>();
  /** Chunks below this one are committed: neither kept nor waited for. */
  let low = 0;
  let finished = false;
  let failure: unknown = null;
  let abandoned = false;
  const importer = signal();
  const parser = signal();

  const publish = async (index: number, rows: StagedRow[]) => {
    while (!abandoned && index >= low && ready.size >= CHUNKS_AHEAD) await parser.wait();
    if (!abandoned && index >= low) ready.set(index, rows);
    importer.wake();
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
    importer.wake();
  });

  return {
    async rowsAt(offset, count) {
      const index = Math.floor(offset / chunkRows);
      for (;;) {
        // A plan given up on may still ask for rows that another delivery has committed meanwhile.
        if (index < low) return [];
        const chunk = ready.get(index);
        if (chunk) return chunk.slice(offset - index * chunkRows, offset - index * chunkRows + count);
        if (finished) {
          if (failure) throw failure;
          return [];
        }
        await importer.wait();
      }
    },
    release(offset) {
      low = Math.max(low, Math.floor(offset / chunkRows));
      for (const k of ready.keys()) if (k < low) ready.delete(k);
      parser.wake();
      importer.wake();
    },
    async close() {
      abandoned = true;
      ready.clear();
      parser.wake();
      const total = await staged;
      if (failure) throw failure;
      return total;
    },
  };
}

/** Wakes every waiter (several plans may wait for rows at once). */
function signal() {
  let waiters: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => waiters.push(resolve)),
    wake: () => {
      const woken = waiters;
      waiters = [];
      for (const resolve of woken) resolve();
    },
  };
}

/**
 * Parses the file, handing each chunk to `publish` and writing each page to R2 (one write in flight
 * while the next page is parsed), then records the total — once, so a slower twin delivery cannot
 * reset it. Returns the total.
 */
async function stage(env: Env, db: DB, job: Job, input: StagingInput, publish: (chunk: number, rows: StagedRow[]) => Promise<void>) {
  const { chunkRows, pageRows } = input.geometry;
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
    const from = Math.floor((page.length - 1) / chunkRows) * chunkRows;
    return publish((rows - page.length + from) / chunkRows, page.slice(from));
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
      if (page.length % chunkRows === 0) await publishTail();
      if (page.length === pageRows) await flush();
    }
  });
  if (page.length % chunkRows) await publishTail();
  if (page.length) await flush();
  await written();
  await db.update(jobs).set({ total: rows, updatedAt: new Date() }).where(and(eq(jobs.id, job.id), isNull(jobs.total))).run();
  return rows;
}

/** An unreadable file is the user's to fix: it fails the job rather than being retried. */
export const isUnreadableFile = (err: unknown): err is Problem => err instanceof Problem;
