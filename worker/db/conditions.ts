import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * `expr LIKE pattern` with the user's text taken literally: %, _ and \ are escaped (SQLite needs
 * ESCAPE for that). SQLite's LIKE folds ASCII letters only, so `ada` matches `ADA` but `é` not `É`.
 */
export function likeText(expr: SQLWrapper, text: string, at: 'start' | 'end' | 'anywhere'): SQL {
  const literal = text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const pattern = at === 'start' ? `${literal}%` : at === 'end' ? `%${literal}` : `%${literal}%`;
  return sql`${expr} like ${pattern} escape '\\'`;
}

/**
 * A list of values for `IN`, bound as one JSON parameter: D1 allows 100 bound parameters per
 * statement, so a list of ids must not become one parameter each.
 */
export const jsonValues = (values: readonly string[]) => sql`(select value from json_each(${JSON.stringify(values)}))`;

/**
 * `expr` starts with `prefix`, written as the range `expr >= prefix AND expr < successor` so that an
 * index on `expr` answers it with one seek (SQLite cannot run LIKE on a BINARY index). The comparison
 * is exact (byte order): fold `expr` and the prefix the same way first.
 */
export function prefixRange(expr: SQLWrapper, prefix: string): SQL {
  const upper = successor(prefix);
  return upper === undefined ? sql`${expr} >= ${prefix}` : sql`${expr} >= ${prefix} and ${expr} < ${upper}`;
}

/**
 * The smallest string above every string that starts with `prefix`: its last code point plus one
 * (UTF-8 byte order is code point order). None when every code point is the highest one.
 */
function successor(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0)!);
  while (points.length) {
    const last = points.pop()!;
    // Surrogates are not characters: nothing sorts between U+D7FF and U+E000.
    if (last < 0x10ffff) return String.fromCodePoint(...points, last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}
