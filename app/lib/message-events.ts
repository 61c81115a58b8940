import type { MessageDetail } from './api-types';
import { describeActivity } from './contact-activity';

const NO_LISTS: ReadonlyMap<string, string> = new Map();

/**
 * A transactional message's event in words. The API adds `accepted`, `sent` and the final
 * `bounced`/`failed` from the message itself; the rest are the recipient's timeline rows about it.
 */
export function describeMessageEvent(event: MessageDetail['events'][number]): string {
  const error = typeof event.data?.error === 'string' && event.data.error ? `: ${event.data.error}` : '';
  switch (event.type) {
    case 'accepted':
      return 'Accepted by the API';
    case 'sent':
      return 'Handed to the receiving mail server';
    case 'bounced':
      return `Bounced${error}`;
    case 'failed':
      return `Could not be sent${error}`;
    default:
      return describeActivity({ type: event.type, data: event.data, campaign_id: null }, NO_LISTS);
  }
}
