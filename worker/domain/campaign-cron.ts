import type { DB } from '../db/client';
import type { Env } from '../env';
import { errorFields, log } from '../lib/log';
import { decideDueAbWinners } from './ab-tests';
import { startDueCampaigns, wakeSendingCampaigns } from './campaign-actions';

/** Every minute: scheduled campaigns start, A/B tests whose wait is over get their winner, stalled runners are nudged. */
export async function runCampaignCron(env: Env, db: DB, now = Date.now()) {
  for (const [name, task] of [
    ['start_due', () => startDueCampaigns(env, db, now)],
    ['ab_winners', () => decideDueAbWinners(env, db, now)],
    ['wake_runners', () => wakeSendingCampaigns(env, db)],
  ] as const) {
    // One failing task must not keep the others from running.
    await task().catch((err: unknown) => log('error', 'campaign_cron_failed', { task: name, ...errorFields(err) }));
  }
}
