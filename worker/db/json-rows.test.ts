import { env } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { getDb } from './client';
import { insertFromJson, jsonRowParams, rowValue } from './json-rows';

describe('JSON row parameters', () => {
  it('keep every row, in order, split so that no parameter exceeds the limit', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`id-${i}`, 'x'.repeat(200), i]);
    const params = jsonRowParams(rows);
    expect(params.length).toBeGreaterThan(1);
    expect(params.every((p) => p.length <= 512 * 1024 + 1024)).toBe(true);
    expect(params.flatMap((p) => JSON.parse(p) as unknown[][])).toEqual(rows);
    expect(jsonRowParams([])).toEqual([]);
  });
});

describe('insert from JSON rows', () => {
  const scratch = sqliteTable('json_rows_scratch', { id: text('id').primaryKey(), name: text('name'), n: integer('n'), note: text('note') });

  it('inserts a row per element, by column key, with null for columns left out and JSON null as SQL null', async () => {
    const db = getDb(env);
    await db.run(sql`create table if not exists json_rows_scratch (id text primary key, name text, n integer, note text)`);
    const rows = JSON.stringify([['a', 'Zoë "Z" O’Brien', 1], ['b', null, 2]]);
    await db.batch([insertFromJson(db, scratch, rows, { id: rowValue(0), name: rowValue(1), n: rowValue(2) })]);
    // A conflict on the key is ignored with onConflictDoNothing (the `where true` keeps SQLite's parser happy).
    await insertFromJson(db, scratch, JSON.stringify([['a', 'other', 9]]), { id: rowValue(0), name: rowValue(1), n: rowValue(2) }).onConflictDoNothing().run();
    expect(await db.select().from(scratch).orderBy(scratch.id).all()).toEqual([
      { id: 'a', name: 'Zoë "Z" O’Brien', n: 1, note: null },
      { id: 'b', name: null, n: 2, note: null },
    ]);
  });
});
