import { useFetcher } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import type { Job } from '~/lib/api-types';
import type { loader as jobLoader } from '~/routes/jobs.$id';

const POLL_MS = 1_500;
const FINISHED: Job['status'][] = ['succeeded', 'failed', 'cancelled'];

const isFinished = (job: Job | null | undefined) => Boolean(job && FINISHED.includes(job.status));

/** A background job's latest state, polled through /jobs/:id until it has finished; `onFinished` runs once then. */
export function useJob(jobId: string | null | undefined, onFinished?: (job: Job) => void) {
  const poll = useFetcher<typeof jobLoader>();
  const polled = poll.data?.job;
  const job = polled && polled.id === jobId ? polled : null;
  const finished = isFinished(job);

  useEffect(() => {
    if (!jobId || finished || poll.state !== 'idle') return;
    const timer = setTimeout(() => poll.load(`/jobs/${encodeURIComponent(jobId)}`), job ? POLL_MS : 0);
    return () => clearTimeout(timer);
  }, [jobId, finished, poll.state, job, poll]);

  // Keyed on id and status: revalidation after any action reloads the fetcher with an equal, new object.
  const latest = useRef({ job, onFinished });
  latest.current = { job, onFinished };
  const finishedKey = finished && job ? `${job.id}:${job.status}` : null;
  useEffect(() => {
    const { job: done, onFinished: notify } = latest.current;
    if (finishedKey && done) notify?.(done);
  }, [finishedKey]);

  return { job, finished, error: poll.data?.error ?? null };
}
