import { announcement } from './announcement';
import { eventInvitation } from './event';
import type { StarterTemplate } from './layout';
import { newsletter } from './newsletter';
import { plainLetter } from './plain-letter';
import { promotion } from './promotion';
import { receipt } from './receipt';
import { reengagement } from './reengagement';
import { welcome } from './welcome';

export type { StarterTemplate } from './layout';

/** The starter templates that ship with the product, one per category, in the order the gallery shows them. */
export const STARTERS: readonly StarterTemplate[] = [newsletter, promotion, announcement, welcome, eventInvitation, receipt, reengagement, plainLetter];

/** The three the demo workspace is seeded with. */
export const DEMO_STARTER_IDS = ['newsletter', 'welcome', 'promotion'] as const;

export const starterById = (id: string) => STARTERS.find((s) => s.id === id);
