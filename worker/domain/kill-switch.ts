import type { KillSwitchStatus } from '../../durable-objects/kill-switch';
import type { Env } from '../env';

/** The single, platform-wide KillSwitch object. */
export const killSwitch = (env: Pick<Env, 'KILL_SWITCH'>) => env.KILL_SWITCH.get(env.KILL_SWITCH.idFromName('global'));

/**
 * How stale the send path's view of the kill switch may be. Every send batch asks; one object
 * answering every batch of every consumer would be the platform's bottleneck, and a stop that takes
 * effect within a few seconds is what the switch promises.
 */
export const KILL_SWITCH_CACHE_MS = 2000;
let cached: { at: number; status: Promise<KillSwitchStatus> } | null = null;

export async function isSendingStopped(env: Pick<Env, 'KILL_SWITCH'>, tenantId: string, now = Date.now()): Promise<boolean> {
  if (!cached || now - cached.at > KILL_SWITCH_CACHE_MS) {
    const status = killSwitch(env).status();
    cached = { at: now, status };
    status.catch(() => (cached = null));
  }
  const s = await cached.status;
  return s.global.engaged || Boolean(s.tenants[tenantId]?.engaged);
}
