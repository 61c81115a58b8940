import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { notFound } from '../lib/problem';
import type { DB } from './client';

/** Any table owned by a tenant: it has an `id` and a `tenant_id`. */
export type TenantTable = SQLiteTable & { id: SQLiteColumn; tenantId: SQLiteColumn };

/**
 * The tenant-scoped data-access layer. Every read and write of tenant data goes through a scope,
 * which adds `tenant_id = ?` to every statement: a row of another tenant is simply not found
 * (a 404, never a leak). Routes never write a tenant query by hand.
 */
export function tenantScope(db: DB, tenantId: string) {
  const own = (table: { tenantId: SQLiteColumn }, ...conds: (SQL | undefined)[]) => and(eq(table.tenantId, tenantId), ...conds);

  return {
    db,
    tenantId,
    /** The WHERE clause for this tenant plus extra conditions, for queries the helpers below do not cover. */
    own,

    async get<T extends TenantTable>(table: T, id: string, what = 'Resource'): Promise<T['$inferSelect']> {
      const row = await db.select().from(table as SQLiteTable).where(own(table, eq(table.id, id))).get();
      if (!row) throw notFound(what);
      return row as T['$inferSelect'];
    },

    async find<T extends TenantTable>(table: T, id: string): Promise<T['$inferSelect'] | undefined> {
      return (await db.select().from(table as SQLiteTable).where(own(table, eq(table.id, id))).get()) as
        | T['$inferSelect']
        | undefined;
    },

    /** Newest first, cursor-paginated by the time-ordered id. */
    async list<T extends TenantTable, R>(
      table: T,
      page: { limit: number; cursor?: string },
      map: (row: T['$inferSelect']) => R,
      ...conds: (SQL | undefined)[]
    ): Promise<Page<R>> {
      const after = decodeCursor(page.cursor);
      const rows = (await db
        .select()
        .from(table as SQLiteTable)
        .where(own(table, after ? lt(table.id, after) : undefined, ...conds))
        .orderBy(desc(table.id))
        .limit(page.limit + 1)
        .all()) as (T['$inferSelect'] & { id: string })[];
      return toPage(rows, page.limit, map);
    },

    async insert<T extends TenantTable>(table: T, values: Omit<T['$inferInsert'], 'tenantId'>): Promise<T['$inferSelect']> {
      const row = await db
        .insert(table as SQLiteTable)
        .values({ ...values, tenantId } as T['$inferInsert'])
        .returning()
        .get();
      return row as T['$inferSelect'];
    },

    async update<T extends TenantTable>(
      table: T,
      id: string,
      values: Partial<Omit<T['$inferInsert'], 'tenantId' | 'id'>>,
      what = 'Resource',
    ): Promise<T['$inferSelect']> {
      const row = await db
        .update(table as SQLiteTable)
        .set(values as Record<string, unknown>)
        .where(own(table, eq(table.id, id)))
        .returning()
        .get();
      if (!row) throw notFound(what);
      return row as T['$inferSelect'];
    },

    async remove<T extends TenantTable>(table: T, id: string, what = 'Resource'): Promise<void> {
      const row = await db.delete(table as SQLiteTable).where(own(table, eq(table.id, id))).returning().get();
      if (!row) throw notFound(what);
    },
  };
}

export type TenantScope = ReturnType<typeof tenantScope>;
