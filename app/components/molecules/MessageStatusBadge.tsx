import type { MessageStatus } from '~/lib/api-types';
import { Badge, type BadgeTone } from '../atoms/Badge';

const TONE: Record<MessageStatus, BadgeTone> = {
  scheduled: 'info',
  queued: 'neutral',
  sending: 'primary',
  sent: 'success',
  bounced: 'danger',
  failed: 'danger',
  cancelled: 'neutral',
  skipped: 'warning',
};

export const MESSAGE_STATUS_LABELS: Record<MessageStatus, string> = {
  scheduled: 'Scheduled',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  bounced: 'Bounced',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

/** Where a transactional message is: waiting for its time, on its way, handed over, or stopped. */
export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  return <Badge tone={TONE[status]}>{MESSAGE_STATUS_LABELS[status]}</Badge>;
}
