import type { Env } from '../env';
import { killSwitch } from './kill-switch';

interface CheckResult {
  ok: boolean;
  detail?: string;
  ms: number;
}

async function timed(fn: () => Promise<void>): Promise<CheckResult> {
  const started = Date.now();
  try {
    await fn();
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err), ms: Date.now() - started };
  }
}

const QUEUES = ['SEND_QUEUE', 'EVENTS_QUEUE', 'WEBHOOKS_QUEUE', 'JOBS_QUEUE'] as const;

/** Each dependency checked on its own, so a 503 names the part that failed. */
export async function checkReadiness(env: Env): Promise<Record<string, CheckResult>> {
  const [d1, durableObjects] = await Promise.all([
    timed(async () => {
      const row = await env.DB.prepare('select count(*) as n from plans').first<{ n: number }>();
      if (!row || row.n < 1) throw new Error('migrations not applied (no plans)');
    }),
    timed(async () => {
      const status = await killSwitch(env).status();
      if (typeof status.global.engaged !== 'boolean') throw new Error('unexpected kill switch answer');
    }),
  ]);
  const queues = await timed(async () => {
    const missing = QUEUES.filter((q) => typeof env[q]?.send !== 'function');
    if (missing.length) throw new Error(`missing queue bindings: ${missing.join(', ')}`);
  });
  return { d1, durable_objects: durableObjects, queues };
}
