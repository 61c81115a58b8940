/** A SQL literal for the seed scripts. The values are our own constants and generated data, quoted all the same. */
export function lit(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}
