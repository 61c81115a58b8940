import type { DB } from '../db/client';
import { purgeExpiredEmailTokens } from './email-tokens';
import { purgeExpiredThrottles } from './login-throttle';
import { purgeEndedSessions } from './sessions';

/** Cron housekeeping of the identity tables; later issues add their own purges beside these. */
export async function runAuthHygiene(db: DB, now = Date.now()) {
  await purgeEndedSessions(db, now);
  await purgeExpiredEmailTokens(db, now);
  await purgeExpiredThrottles(db, now);
}
