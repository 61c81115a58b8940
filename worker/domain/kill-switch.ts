import type { Env } from '../env';

/** The single, platform-wide KillSwitch object. */
export const killSwitch = (env: Pick<Env, 'KILL_SWITCH'>) => env.KILL_SWITCH.get(env.KILL_SWITCH.idFromName('global'));
