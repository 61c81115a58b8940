import { useId, type ReactNode } from 'react';
import type { Job } from '~/lib/api-types';
import { Icon } from '../atoms/Icon';
import { Spinner } from '../atoms/Spinner';
import { FormAlert } from '../molecules/FormAlert';
import { useJob } from './use-job';

const STATUS_TEXT: Record<Job['status'], string> = {
  queued: 'Waiting to start…',
  running: 'Working…',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

interface JobProgressProps {
  jobId: string;
  /** What the job does, e.g. "Importing contacts.csv". */
  label: string;
  /** What the numbers count (rows, contacts). */
  unit?: string;
  /** More about the job as it runs and once it is done: counters, a download link. */
  details?: (job: Job) => ReactNode;
  /** Runs once when the job ends (e.g. to reload a list it changed). */
  onFinished?: (job: Job) => void;
}

/**
 * The live progress of a background job (import, export, bulk action): a progress bar with the
 * count done so far. Only the status line is a live region, so screen readers hear "Done" once
 * rather than every tick of the counter.
 */
export function JobProgress({ jobId, label, unit = 'items', details, onFinished }: JobProgressProps) {
  const { job, error } = useJob(jobId, onFinished);
  const labelId = useId();
  const statusId = useId();
  const counted = job && job.total !== null ? `${job.processed.toLocaleString('en')} of ${job.total.toLocaleString('en')} ${unit}` : null;
  const running = !job || job.status === 'queued' || job.status === 'running';
  return (
    <section className="card job-progress" aria-labelledby={labelId} data-job-status={job?.status ?? 'loading'}>
      <div className="job-progress__header">
        <h2 id={labelId} className="job-progress__title">
          {label}
        </h2>
        <p className="job-progress__status" id={statusId} role="status">
          {running ? <Spinner size="sm" /> : job.status === 'succeeded' ? <Icon name="check" /> : <Icon name="alert" />}
          <span>{job ? STATUS_TEXT[job.status] : 'Starting…'}</span>
        </p>
      </div>
      {/* A native <progress> (role progressbar, its value exposed): the CSP allows no inline styles to size a bar. Without a value it is indeterminate. */}
      <progress
        className="progress job-progress__bar"
        max={100}
        value={job?.progress ?? (job?.status === 'succeeded' ? 100 : undefined)}
        aria-labelledby={labelId}
        aria-describedby={statusId}
        aria-valuetext={counted ?? undefined}
      />
      <p className="text-muted job-progress__count">
        {counted ?? (job?.progress != null ? `${Math.round(job.progress)} %` : 'Counting…')}
        {job?.progress != null && counted ? ` · ${Math.round(job.progress)} %` : ''}
      </p>
      {job && details?.(job)}
      {job?.status === 'failed' && <FormAlert message={job.error ? `It failed: ${job.error}` : 'It failed. Please try again.'} />}
      {error && <FormAlert message={error} />}
    </section>
  );
}

/** The link to a job's generated file (`result.download_url`), once there is one. */
export function JobDownload({ job, label }: { job: Job; label: string }) {
  const url = job.status === 'succeeded' && typeof job.result?.download_url === 'string' ? job.result.download_url : null;
  if (!url) return null;
  return (
    <a className="btn btn--primary btn--md job-progress__download" href={url} download>
      <Icon name="download" />
      <span>{label}</span>
    </a>
  );
}
