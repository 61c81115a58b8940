import type { DB } from '../db/client';
import type { Env } from '../env';
import { purgeExpiredNonces } from '../inbound/replay-guard';
import { purgeDeletedContacts } from './contacts';
import { purgeExpiredEmailTokens } from './email-tokens';
import { pruneExpiredEvents } from './event-retention';
import { purgeExpiredIdempotencyKeys } from './idempotency';
import { purgeExpiredThrottles } from './login-throttle';
import { purgeMessageViews } from './message-views';
import { purgeEndedSessions } from './sessions';
import { purgeRetiredKeys, rotateAgedKeys } from './sending-domains';
import { purgeDeletedTemplates } from './templates';
import { purgeClosedTenants } from './tenant-lifecycle';

/** Hourly housekeeping; later issues add their own purges beside these. */
export async function runHygiene(env: Env, db: DB, now = Date.now()) {
  await purgeEndedSessions(db, now);
  await purgeExpiredEmailTokens(db, now);
  await purgeExpiredThrottles(db, now);
  await purgeClosedTenants(env, db, now);
  await purgeDeletedContacts(db, now);
  await purgeDeletedTemplates(db, now);
  await purgeRetiredKeys(db, now);
  await rotateAgedKeys(env, db, now);
  await purgeMessageViews(env, now);
  await purgeExpiredIdempotencyKeys(db, now);
  await pruneExpiredEvents(db, now);
  await purgeExpiredNonces(db, now);
}
