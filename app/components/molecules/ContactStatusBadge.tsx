import type { ContactStatus } from '~/lib/api-types';
import { Badge, type BadgeTone } from '../atoms/Badge';

const TONE: Record<ContactStatus, BadgeTone> = {
  subscribed: 'success',
  pending: 'info',
  unsubscribed: 'neutral',
  bounced: 'danger',
  complained: 'danger',
  cleaned: 'warning',
  inactive: 'neutral',
};

/** What each status means, for selects and tooltips alike. */
export const STATUS_LABELS: Record<ContactStatus, string> = {
  subscribed: 'Subscribed',
  pending: 'Pending confirmation',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained (marked as spam)',
  cleaned: 'Cleaned (repeated soft bounces)',
  inactive: 'Inactive (no engagement for the sunset period)',
};

export function ContactStatusBadge({ status }: { status: ContactStatus }) {
  return <Badge tone={TONE[status]}>{status}</Badge>;
}
