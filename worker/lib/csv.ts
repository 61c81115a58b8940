/**
 * CSV writing (RFC 4180) for exports. Cells that a spreadsheet would run as a formula — starting
 * with =, +, -, @, tab or CR — are prefixed with a single quote (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Lines of cells, each ending in CRLF: a file written in parts (a streamed export) joins them as they come. */
export function csvLines(rows: unknown[][]): string {
  return rows.map((r) => r.map(csvCell).join(',') + '\r\n').join('');
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return csvLines([header, ...rows]);
}
