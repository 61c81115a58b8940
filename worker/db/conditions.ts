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
