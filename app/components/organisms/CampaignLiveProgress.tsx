import { useFetcher, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import type { CampaignLiveProgress as LiveProgress, CampaignStatus } from '~/lib/api-types';
import { isLive, progressText, progressTone } from '~/lib/campaign-status';
import type { loader as progressLoader } from '~/routes/campaigns.$id.progress';
import { Spinner } from '../atoms/Spinner';
import { FormAlert } from '../molecules/FormAlert';
import { ProgressBar } from '../molecules/ProgressBar';

/** How often a sending or paused campaign's numbers are asked for. */
export const PROGRESS_POLL_MS = 3_000;

/**
 * A campaign's progress, polled while it sends or is paused. When the polled status differs from
 * the page's (it finished, or was paused elsewhere), the page reloads so its actions match.
 */
export function useCampaignProgress(campaignId: string, pageStatus: CampaignStatus, initial: LiveProgress | null) {
  const poll = useFetcher<typeof progressLoader>();
  const revalidator = useRevalidator();
  const progress = poll.data?.progress ?? initial;
  const live = isLive(progress?.status ?? pageStatus);
  const load = useRef(poll.load);
  load.current = poll.load;

  useEffect(() => {
    if (!live || poll.state !== 'idle') return;
    const timer = setTimeout(() => load.current(`/campaigns/${encodeURIComponent(campaignId)}/progress`), PROGRESS_POLL_MS);
    return () => clearTimeout(timer);
  }, [campaignId, live, poll.state, poll.data]);

  const polledStatus = poll.data?.progress?.status;
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  // Only once the page is settled: a revalidation started while a submission's own is in flight
  // cancels that one, whose answer has already cleared the flash cookie — its toast was lost.
  const settled = useNavigation().state === 'idle' && revalidator.state === 'idle';
  useEffect(() => {
    if (settled && polledStatus && polledStatus !== pageStatus) revalidate.current();
  }, [settled, polledStatus, pageStatus]);

  return { progress, live, error: poll.data?.error ?? null };
}

const n = (value: number) => value.toLocaleString('en');

/** The progress bar, the counts by state, the rate and the throttle in words ("Sending at 50/h — 94 h remaining"). */
export function CampaignLiveProgress({ campaignId, status, initial }: { campaignId: string; status: CampaignStatus; initial: LiveProgress | null }) {
  const { progress, live, error } = useCampaignProgress(campaignId, status, initial);
  if (!progress) return <FormAlert message={error ?? 'The progress could not be loaded.'} />;
  const current = progress.status;
  return (
    <section className="card campaign-live" aria-labelledby="campaign-progress-title" data-testid="campaign-progress" data-status={current}>
      <div className="campaign-live__header">
        <h2 id="campaign-progress-title" className="section__title">
          Progress
        </h2>
        <p className="campaign-live__throttle" data-testid="throttle">
          {live && current === 'sending' && <Spinner size="sm" />}
          <span>{throttleText(progress)}</span>
        </p>
      </div>
      <ProgressBar label="Campaign progress" value={progress.total - progress.remaining} max={progress.total} valueText={`${progressText(progress)} (${progress.percent} %)`} tone={progressTone(current)} />
      <dl className="counters">
        <Counter label="Sent" value={n(progress.sent)} />
        <Counter label="Failed" value={n(progress.failed)} />
        <Counter label="Bounced" value={n(progress.bounced)} />
        <Counter label="Remaining" value={n(progress.remaining)} />
        <Counter label="Rate now" value={`${n(progress.rate_per_hour)}/h`} />
        <Counter label="Allowed now" value={`${n(progress.allowed_rate_per_hour)}/h`} />
      </dl>
      {progress.skipped + progress.cancelled > 0 && (
        <p className="text-muted">
          {n(progress.skipped)} skipped (suppressed or unsubscribed since the audience was counted), {n(progress.cancelled)} not sent because the campaign was cancelled.
        </p>
      )}
      {error && <FormAlert message={`Live updates paused: ${error}`} />}
    </section>
  );
}

/** The API's own words while sending ("Sending at 50/h — 94 h remaining"); a plain sentence otherwise. */
function throttleText(p: LiveProgress): string {
  switch (p.status) {
    case 'sending':
    case 'paused':
      return p.throttle;
    case 'sent':
      return 'Finished.';
    case 'cancelled':
      return 'Cancelled: nothing more is sent.';
    case 'failed':
      return 'Failed.';
    default:
      return 'Not started.';
  }
}

function Counter({ label, value }: { label: string; value: string }) {
  return (
    <div className="counters__item">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
