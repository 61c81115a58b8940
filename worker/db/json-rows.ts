import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DB } from './client';

/**
 * Bulk writes with rows bound as one JSON parameter. D1 allows 100 bound parameters per statement,
 * so a multi-row insert of a contact (16 columns) carries 6 rows; `insert … select … from
 * json_each(?)` carries a thousand in one statement and is several times faster (bench/RESULTS.md).
 */

/** A JSON parameter stays far below D1's 2 MB limit for one value. */
const MAX_JSON_PARAM = 512 * 1024;

/**
 * Rows as JSON arrays of arrays, halved until no parameter exceeds the size limit. One stringify of
 * the whole set is the common case, and cheaper than one per row.
 */
export function jsonRowParams(rows: unknown[][]): string[] {
  if (!rows.length) return [];
  const json = JSON.stringify(rows);
  if (json.length <= MAX_JSON_PARAM || rows.length === 1) return [json];
  const half = Math.ceil(rows.length / 2);
  return [...jsonRowParams(rows.slice(0, half)), ...jsonRowParams(rows.slice(half))];
}

/** Element `i` of the current row (aliased `r`) as an SQL value: null for JSON null, text for objects. */
export const rowValue = (i: number) => sql.raw(`r.value->>${i}`);

/**
 * `insert into table select … from json_each(rows) as r`. Drizzle lists every column of the table,
 * so each gets its expression by key (usually a `rowValue`, or a bound constant); the ones left out
 * are null.
 */
export function insertFromJson<T extends SQLiteTable>(db: DB, table: T, rows: string, values: Partial<Record<keyof T['_']['columns'], SQL>>, where: SQL = sql`true`) {
  const expressions = Object.keys(getTableColumns(table)).map((key) => values[key as keyof T['_']['columns']] ?? sql`null`);
  // A `where` (`true` by default) keeps SQLite from reading a following ON CONFLICT as part of the select (SQLite docs, "upsert", parsing ambiguity).
  return db.insert(table).select(sql`select ${sql.join(expressions, sql`, `)} from json_each(${rows}) as r where ${where}`);
}
