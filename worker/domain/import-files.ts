import { strFromU8, unzipSync } from 'fflate';
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { Problem } from '../lib/problem';

/**
 * Reading the spreadsheets people import contacts from: CSV as Excel, Google Sheets, Numbers and
 * CRMs export it (any of three delimiters, UTF-8 with or without BOM, Excel's windows-1252, UTF-16
 * "Unicode text") and XLSX workbooks (first worksheet). Rows come out as strings with their row
 * number as a spreadsheet shows it, so error reports point at the right line.
 */

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export type ImportFormat = 'csv' | 'xlsx';
export type CsvDelimiter = ',' | ';' | '\t';
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface FileLayout {
  format: ImportFormat;
  /** CSV only. */
  delimiter: CsvDelimiter | null;
  /** CSV only. */
  encoding: TextEncodingName | null;
}

export interface SheetRow {
  /** 1-based, as a spreadsheet numbers rows: blank rows count, a quoted line break does not. */
  line: number;
  cells: string[];
}

export interface FilePreview extends FileLayout {
  /** Positional: header i names cell i of every row. */
  headers: string[];
  sampleRows: string[][];
  rowsEstimate: number | null;
}

const DELIMITERS: CsvDelimiter[] = [',', ';', '\t'];
const SAMPLE_BYTES = 256 * 1024;
const SAMPLE_ROWS = 5;

const unreadable = (detail: string) => new Problem('validation-error', detail, { extensions: { errors: [{ field: 'file', message: detail }] } });

// ---------------------------------------------------------------------------------------------------
// Detection

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/** XLSX is a ZIP (PK\3\4); the legacy .xls compound file (D0 CF 11 E0) is refused with advice. */
export function detectFormat(head: Uint8Array): ImportFormat {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'xlsx';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) throw unreadable('Excel 97–2003 (.xls) files cannot be read: save the sheet as .xlsx or CSV.');
  const utf16 = startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]);
  if (!utf16 && head.subarray(0, 8192).includes(0)) throw unreadable('This is not a CSV or XLSX file.');
  return 'csv';
}

/**
 * A byte order mark decides; otherwise the whole file must decode as UTF-8 (checked in slices with
 * a fatal decoder, so a 50 MB file is never one string), else it is taken as windows-1252 — what
 * Excel on Windows writes for "CSV (comma delimited)".
 */
export async function detectEncoding(file: Blob): Promise<TextEncodingName> {
  const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8-bom';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      decoder.decode(value, { stream: true });
    }
    decoder.decode();
    return 'utf-8';
  } catch {
    return 'windows-1252';
  } finally {
    reader.releaseLock();
  }
}

/** The WHATWG label; the UTF-8 and UTF-16 decoders drop the BOM themselves. */
const decoderLabel = (encoding: TextEncodingName) => (encoding === 'utf-8-bom' ? 'utf-8' : encoding);

/** Comma, semicolon (Excel in most of Europe) or tab, whichever splits the sample most consistently. */
export function detectDelimiter(sample: string): CsvDelimiter {
  const guessed = Papa.parse<string[]>(sample, { preview: 50, delimitersToGuess: DELIMITERS, skipEmptyLines: 'greedy' }).meta.delimiter;
  return DELIMITERS.includes(guessed as CsvDelimiter) ? (guessed as CsvDelimiter) : ',';
}

// ---------------------------------------------------------------------------------------------------
// Rows

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

/** Numbers rows from `firstLine` and leaves out the blank ones. */
function numbered(data: string[][], firstLine: number): SheetRow[] {
  const rows: SheetRow[] = [];
  data.forEach((cells, i) => {
    if (!isBlank(cells)) rows.push({ line: firstLine + i, cells });
  });
  return rows;
}

/**
 * Column names from the header row: trimmed, blank ones named after their column letter (trailing
 * blank ones, left by a delimiter at the end of every line, dropped), repeats numbered, so each
 * names exactly one column in a mapping.
 */
export function headerNames(cells: string[]): string[] {
  const trimmed = cells.map((c) => c.trim());
  while (trimmed.length && trimmed[trimmed.length - 1] === '') trimmed.pop();
  const seen = new Map<string, number>();
  return trimmed.map((h, i) => {
    const name = h || `Column ${columnLetters(i)}`;
    const n = (seen.get(name.toLowerCase()) ?? 0) + 1;
    seen.set(name.toLowerCase(), n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

function columnLetters(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/**
 * Streams a CSV through papaparse (quoted fields with line breaks, doubled quotes, CRLF/LF/CR),
 * handing rows over in batches and waiting for each batch's promise: memory stays bounded whatever
 * the file size.
 */
async function readCsvRows(source: ReadableStream<Uint8Array>, layout: FileLayout, onRows: (rows: SheetRow[]) => Promise<void>) {
  const text = (source as ReadableStream<BufferSource>).pipeThrough(new TextDecoderStream(decoderLabel(layout.encoding ?? 'utf-8')));
  let next = 1;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(Readable.fromWeb(text as Parameters<typeof Readable.fromWeb>[0]) as unknown as File, {
      delimiter: layout.delimiter ?? ',',
      chunk(results, parser) {
        const rows = numbered(results.data, next);
        next += results.data.length;
        parser.pause();
        onRows(rows).then(
          () => parser.resume(),
          (err) => {
            parser.abort();
            reject(err);
          },
        );
      },
      complete: () => resolve(),
      error: (err) => reject(err),
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// XLSX (Office Open XML, ECMA-376 Part 1 §18)

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML character references and entities, then OOXML's `_xHHHH_` escapes for control characters (§22.9.2.19). */
function xmlText(s: string): string {
  return s
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (XML_ENTITIES[e] ?? m),
    )
    .replace(/_x([0-9A-F]{4})_/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const ATTRIBUTES = new Map<string, RegExp>();
function attr(attrs: string, name: string): string | undefined {
  let re = ATTRIBUTES.get(name);
  if (!re) ATTRIBUTES.set(name, (re = new RegExp(`(?:^|\\s)${name}="([^"]*)"`)));
  return re.exec(attrs)?.[1];
}

// Elements may carry a namespace prefix (`<x:row>`) depending on the writer.
const tag = (name: string) => `(?:[\\w.-]+:)?${name}`;
/** All `name` elements: group 1 the attributes, group 2 the content (undefined when self-closing). */
const elements = (name: string) => new RegExp(`<${tag(name)}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${tag(name)}>)`, 'g');
const firstChild = (name: string) => new RegExp(`<${tag(name)}\\b[^>]*>([\\s\\S]*?)</${tag(name)}>`);
const X = {
  row: elements('row'),
  c: elements('c'),
  t: elements('t'),
  si: elements('si'),
  sheet: elements('sheet'),
  relationship: elements('Relationship'),
  numFmt: elements('numFmt'),
  xf: elements('xf'),
  dimension: elements('dimension'),
  phonetic: new RegExp(`<${tag('rPh')}\\b[\\s\\S]*?</${tag('rPh')}>`, 'g'),
  cellXfs: firstChild('cellXfs'),
  inline: firstChild('is'),
  value: firstChild('v'),
};

/** The text of a string item: its `<t>` runs, without phonetic (`<rPh>`) guides. */
function stringItemText(xml: string): string {
  let text = '';
  for (const m of xml.replace(X.phonetic, '').matchAll(X.t)) text += xmlText(m[2] ?? '');
  return text;
}

/** Built-in number formats that are dates (§18.8.30), plus custom ones with day/month/year codes. */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

function dateStyles(stylesXml: string | null): Set<number> {
  const dates = new Set<number>();
  if (!stylesXml) return dates;
  const custom = new Set<number>();
  for (const m of stylesXml.matchAll(X.numFmt)) {
    // A date code has d, m or y outside quoted literals and [colour]/[$-locale] sections.
    const code = xmlText(attr(m[1]!, 'formatCode') ?? '').replace(/"[^"]*"|\[[^\]]*\]/g, '');
    if (/[dmy]/i.test(code)) custom.add(Number(attr(m[1]!, 'numFmtId')));
  }
  let i = 0;
  for (const m of (X.cellXfs.exec(stylesXml)?.[1] ?? '').matchAll(X.xf)) {
    const id = Number(attr(m[1]!, 'numFmtId') ?? 0);
    if (DATE_FORMAT_IDS.has(id) || custom.has(id)) dates.add(i);
    i++;
  }
  return dates;
}

/** An Excel serial day (1900 system, with its phantom 29 Feb 1900) as an ISO date, with the time when there is one. */
function serialToIso(serial: number): string {
  const ms = Math.round((serial - 25569) * 86_400_000);
  const iso = new Date(ms).toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso.slice(0, 19);
}

interface Workbook {
  sheet: string;
  sharedStrings: string[];
  dates: Set<number>;
}

const zipText = (files: Record<string, Uint8Array>, name: string) => (files[name] ? strFromU8(files[name]) : null);

/** The first worksheet in the workbook's own order (not necessarily sheet1.xml), with the parts its cells refer to. */
function openWorkbook(bytes: Uint8Array): Workbook {
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(bytes, { filter: (f) => ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml'].includes(f.name) });
  } catch {
    throw unreadable('The XLSX file is damaged and cannot be opened.');
  }
  const workbook = zipText(parts, 'xl/workbook.xml');
  if (!workbook) throw unreadable('This ZIP file is not an Excel workbook (.xlsx).');
  const firstSheet = workbook.match(X.sheet)?.[0];
  const relId = firstSheet ? attr(firstSheet, 'r:id') : undefined;
  let target = 'worksheets/sheet1.xml';
  for (const m of (zipText(parts, 'xl/_rels/workbook.xml.rels') ?? '').matchAll(X.relationship)) {
    if (attr(m[1]!, 'Id') === relId) target = attr(m[1]!, 'Target') ?? target;
  }
  const sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const sheet = unzipSync(bytes, { filter: (f) => f.name === sheetPath })[sheetPath];
  if (!sheet) throw unreadable('The workbook has no worksheet.');
  const sharedStrings = [...(zipText(parts, 'xl/sharedStrings.xml') ?? '').matchAll(X.si)].map((m) => stringItemText(m[2] ?? ''));
  return { sheet: new TextDecoder().decode(sheet), sharedStrings, dates: dateStyles(zipText(parts, 'xl/styles.xml')) };
}

function cellValue(attrs: string, inner: string, book: Workbook): string {
  const type = attr(attrs, 't') ?? 'n';
  if (type === 'inlineStr') return stringItemText(X.inline.exec(inner)?.[1] ?? '');
  const v = X.value.exec(inner)?.[1];
  if (v === undefined) return '';
  if (type === 's') return book.sharedStrings[Number(v)] ?? '';
  if (type === 'b') return v === '1' ? 'true' : 'false';
  if (type === 'e') return '';
  if (type === 'n' && book.dates.has(Number(attr(attrs, 's') ?? -1)) && v.trim() !== '' && Number.isFinite(Number(v))) return serialToIso(Number(v));
  return xmlText(v);
}

/** Rows of the first worksheet; a cell's column comes from its reference (`C5`), since empty cells are left out. */
function* xlsxRows(book: Workbook): Generator<SheetRow> {
  let next = 1;
  for (const row of book.sheet.matchAll(X.row)) {
    const line = Number(attr(row[1]!, 'r') ?? next);
    next = line + 1;
    const cells: string[] = [];
    let col = 0;
    for (const c of (row[2] ?? '').matchAll(X.c)) {
      const ref = /^([A-Z]+)\d*$/.exec(attr(c[1]!, 'r') ?? '');
      col = ref ? columnIndex(ref[1]!) : col;
      cells[col] = cellValue(c[1]!, c[2] ?? '', book);
      col++;
    }
    const filled = Array.from(cells, (v) => v ?? '');
    if (!isBlank(filled)) yield { line, cells: filled };
  }
}

/** The sheet's declared range (`A1:F1001`): its last row, for an estimate without reading every row. */
function declaredLastRow(sheet: string): number | null {
  const ref = attr(sheet.match(X.dimension)?.[0] ?? '', 'ref');
  const last = ref ? /(\d+)$/.exec(ref)?.[1] : undefined;
  return last ? Number(last) : null;
}

const XLSX_BATCH = 1000;

async function readXlsxRows(source: ReadableStream<Uint8Array>, onRows: (rows: SheetRow[]) => Promise<void>) {
  let batch: SheetRow[] = [];
  for (const row of xlsxRows(openWorkbook(new Uint8Array(await new Response(source).arrayBuffer())))) {
    batch.push(row);
    if (batch.length === XLSX_BATCH) {
      await onRows(batch);
      batch = [];
    }
  }
  if (batch.length) await onRows(batch);
}

// ---------------------------------------------------------------------------------------------------
// Entry points

/** Every non-blank row of the file in order, header first, in batches (the next batch waits for the promise). */
export function readRows(source: ReadableStream<Uint8Array>, layout: FileLayout, onRows: (rows: SheetRow[]) => Promise<void>): Promise<void> {
  return layout.format === 'xlsx' ? readXlsxRows(source, onRows) : readCsvRows(source, layout, onRows);
}

async function previewCsv(file: Blob): Promise<FilePreview> {
  const encoding = await detectEncoding(file);
  const truncated = file.size > SAMPLE_BYTES;
  const sample = new TextDecoder(decoderLabel(encoding)).decode(await file.slice(0, SAMPLE_BYTES).arrayBuffer(), { stream: truncated });
  const delimiter = detectDelimiter(sample);
  const data = Papa.parse<string[]>(sample, { delimiter }).data;
  // The sample may end inside a row: only complete rows count.
  if (truncated) data.pop();
  const [header, ...rows] = numbered(data, 1);
  if (!header) throw unreadable('The file has no header row.');
  const rowsEstimate = truncated ? Math.round((rows.length * file.size) / SAMPLE_BYTES) : rows.length;
  return { format: 'csv', delimiter, encoding, headers: headerNames(header.cells), sampleRows: rows.slice(0, SAMPLE_ROWS).map((r) => r.cells), rowsEstimate };
}

function previewXlsx(bytes: Uint8Array): FilePreview {
  const book = openWorkbook(bytes);
  const rows: SheetRow[] = [];
  for (const row of xlsxRows(book)) {
    rows.push(row);
    if (rows.length > SAMPLE_ROWS) break;
  }
  const [header, ...data] = rows;
  if (!header) throw unreadable('The first worksheet is empty.');
  const last = declaredLastRow(book.sheet);
  return { format: 'xlsx', delimiter: null, encoding: null, headers: headerNames(header.cells), sampleRows: data.map((r) => r.cells), rowsEstimate: last === null ? null : Math.max(0, last - header.line) };
}

/** What an upload holds: format, encoding and delimiter, column names, the first rows and a row estimate. */
export async function previewFile(file: Blob): Promise<FilePreview> {
  if (file.size === 0) throw unreadable('The file is empty.');
  const head = new Uint8Array(await file.slice(0, 8192).arrayBuffer());
  return detectFormat(head) === 'xlsx' ? previewXlsx(new Uint8Array(await file.arrayBuffer())) : previewCsv(file);
}
