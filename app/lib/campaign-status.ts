import type { Campaign, CampaignProgressCounts, CampaignStatus } from './api-types';
import { formatDate } from './format';

/** Sending or paused: the campaign's numbers still move, so its page polls them. */
export const isLive = (status: CampaignStatus) => status === 'sending' || status === 'paused';

/** The API refuses to delete a campaign that is scheduled or under way (unschedule or cancel it first). */
export const canDelete = (status: CampaignStatus) => !isLive(status) && status !== 'scheduled';

/** "1,204 of 5,000 done" — settled messages (sent, failed, bounced, skipped) against the audience. */
export function progressText(p: Pick<CampaignProgressCounts, 'total' | 'remaining'>): string {
  const done = p.total - p.remaining;
  return `${done.toLocaleString('en')} of ${p.total.toLocaleString('en')} done`;
}

export function progressTone(status: CampaignStatus): 'primary' | 'success' | 'warning' | 'danger' {
  if (status === 'sent') return 'success';
  if (status === 'paused') return 'warning';
  if (status === 'failed' || status === 'cancelled') return 'danger';
  return 'primary';
}

/** The date that matters in each state, for the list: when it was sent, is due, or was last touched. */
export function campaignDate(c: Pick<Campaign, 'status' | 'scheduled_at' | 'started_at' | 'finished_at' | 'created_at' | 'updated_at'>): { at: string; label: string } {
  if (c.status === 'scheduled' && c.scheduled_at) return { at: c.scheduled_at, label: `Due ${formatDate(c.scheduled_at)}` };
  if (c.finished_at) return { at: c.finished_at, label: `${c.status === 'sent' ? 'Sent' : 'Ended'} ${formatDate(c.finished_at)}` };
  if (c.started_at) return { at: c.started_at, label: `Started ${formatDate(c.started_at)}` };
  const touched = c.updated_at ?? c.created_at;
  return { at: touched, label: `Edited ${formatDate(touched)}` };
}
