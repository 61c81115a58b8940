import type { ContactActivity } from './api-types';

const MACHINE_LABELS: Record<string, string> = {
  bot: 'a bot or link scanner',
  apple_mpp: 'Apple Mail Privacy Protection',
  head: 'a link checker',
  too_fast: 'a link scanner (within a second of delivery or the open)',
};

/** A timeline entry in words; list ids become list names where the page knows them. */
export function describeActivity(event: Pick<ContactActivity, 'type' | 'data' | 'campaign_id'>, listNames: ReadonlyMap<string, string>): string {
  const data = event.data ?? {};
  const list = typeof data.list_id === 'string' ? listNames.get(data.list_id) ?? 'a list' : 'a list';
  const lists = Array.isArray(data.list_ids) ? data.list_ids.map((id) => listNames.get(String(id)) ?? 'a list').join(', ') : '';
  const fields = Array.isArray(data.fields) && data.fields.length ? `: ${data.fields.map(String).join(', ').replaceAll('_', ' ')}` : '';
  const campaign = event.campaign_id ? ` (campaign ${event.campaign_id})` : '';
  switch (event.type) {
    case 'created':
      return 'Added';
    case 'imported':
      return 'Imported from a file';
    case 'updated':
      return `Details changed${fields}`;
    case 'subscribed':
      return lists ? `Subscribed to ${lists}` : 'Subscribed';
    case 'confirmation_sent':
      return lists ? `Confirmation email sent for ${lists}` : 'Confirmation email sent';
    case 'confirmed':
      return lists ? `Confirmed the subscription to ${lists}` : 'Confirmed the subscription';
    case 'unsubscribed':
      return `Unsubscribed${campaign}`;
    case 'list_added':
      return `Added to ${list}`;
    case 'list_removed':
      return `Removed from ${list}`;
    case 'tagged':
      return typeof data.tag === 'string' ? `Tagged “${data.tag}”` : 'Tagged';
    case 'untagged':
      return typeof data.tag === 'string' ? `Tag “${data.tag}” removed` : 'Tag removed';
    case 'suppressed':
      return typeof data.reason === 'string' ? `Suppressed (${data.reason})` : 'Suppressed';
    case 'deleted':
      return 'Deleted';
    case 'restored':
      return 'Restored';
    case 'anonymized':
      return 'Anonymized';
    case 'sent':
      return `Campaign sent${campaign}`;
    case 'delivered':
      return `Delivered${campaign}`;
    case 'open':
      return `Opened${campaign}`;
    case 'click':
      return `Clicked a link${campaign}`;
    case 'machine_open':
    case 'machine_click':
      return `${event.type === 'machine_open' ? 'Opened' : 'Link fetched'} by ${MACHINE_LABELS[String(data.machine)] ?? 'a machine'}, not counted${campaign}`;
    case 'bounce':
      return `Bounced${campaign}`;
    case 'complaint':
      return `Marked as spam${campaign}`;
    default:
      return event.type.replaceAll('_', ' ');
  }
}
