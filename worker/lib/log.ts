/**
 * Structured logs: one JSON object per line. Callers pass ids and counts, never personal data
 * (no emails, names, IPs or tokens) — logs leave the tenant's control.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}, minLevel: string = 'info') {
  if (ORDER[level] < (ORDER[minLevel as Level] ?? 20)) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { error: err.name, error_message: err.message, stack: err.stack?.split('\n').slice(0, 5).join(' | ') } : { error: String(err) };
}
