import { useFetcher, useLocation } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import type { ActionResult } from '~/lib/action-result';

/**
 * A dialog whose form posts through its own fetcher: it knows when its submission is busy,
 * closes itself when the action answers ok, and keeps the errors of a failed attempt on screen.
 */
export function useFetcherDialog<D = undefined>(onSuccess?: (data: D | undefined) => void) {
  const fetcher = useFetcher<ActionResult<D>>();
  const [open, setOpen] = useState(false);
  // The answer on screen when the dialog opened belongs to an earlier attempt: not ours to show.
  const [staleResult, setStaleResult] = useState<ActionResult<D> | undefined>(undefined);
  const onSuccessRef = useRef(onSuccess);
  onSuccessRef.current = onSuccess;

  const result = fetcher.data !== staleResult ? fetcher.data : undefined;
  const { key: locationKey } = useLocation();

  // An action that answered with a redirect took the user elsewhere: the dialog has done its job.
  useEffect(() => setOpen(false), [locationKey]);

  useEffect(() => {
    if (fetcher.state === 'idle' && result?.ok) {
      setOpen(false);
      setStaleResult(result);
      onSuccessRef.current?.(result.data);
    }
  }, [fetcher.state, result]);

  return {
    fetcher,
    open,
    busy: fetcher.state !== 'idle',
    errors: result && !result.ok ? result.errors : undefined,
    show: () => {
      setStaleResult(fetcher.data);
      setOpen(true);
    },
    hide: () => setOpen(false),
  };
}
