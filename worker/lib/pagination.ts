import { z } from '@hono/zod-openapi';
import { fromBase64Url, toBase64Url, utf8 } from './encoding';
import { Problem } from './problem';

/** `?limit=&cursor=` on every list. Cursors are opaque; today they wrap the last id seen. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ description: 'Page size (1–100).' }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export function encodeCursor(lastId: string): string {
  return toBase64Url(utf8(JSON.stringify({ id: lastId })));
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor))) as { id?: unknown };
    if (typeof parsed.id === 'string' && parsed.id.length < 100) return parsed.id;
  } catch {
    /* fall through */
  }
  throw new Problem('validation-error', 'The cursor is not valid; start again without one.', {
    extensions: { errors: [{ field: 'cursor', message: 'invalid cursor' }] },
  });
}

/** Given `limit + 1` rows ordered by id, cut to `limit` and derive the next cursor. */
export function toPage<T extends { id: string }, R>(rows: T[], limit: number, map: (row: T) => R): Page<R> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  const last = slice[slice.length - 1];
  return { data: slice.map(map), next_cursor: more && last ? encodeCursor(last.id) : null };
}
