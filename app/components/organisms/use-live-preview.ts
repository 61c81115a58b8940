import { useEffect, useRef, useState } from 'react';
import type { TemplatePreview } from '~/lib/api-types';
import { CSRF_HEADER } from '~/lib/csrf';
import { useRootData } from '~/lib/root-data';
import type { PreviewAnswer, PreviewRequest } from '~/routes/templates.preview';

export interface LivePreview {
  preview: TemplatePreview | null;
  error: string | null;
  /** A newer preview is on its way (the content changed, or the request is in flight). */
  updating: boolean;
}

/**
 * The rendered email for `request`, asked again `delayMs` after the request last changed (typing
 * does not send a request per key) and never answered out of order: a newer request aborts the
 * older one. `initial` is what the page was rendered with for the first request, so the first
 * paint needs no round trip.
 */
export function useLivePreview(
  request: PreviewRequest | null,
  { initial = null, delayMs = 400 }: { initial?: TemplatePreview | null; delayMs?: number } = {},
): LivePreview {
  const { csrfToken } = useRootData();
  const key = request ? JSON.stringify(request) : null;
  const [state, setState] = useState<LivePreview>({ preview: initial, error: null, updating: false });
  const renderedKey = useRef(initial ? key : null);

  useEffect(() => {
    if (key === null || key === renderedKey.current) return;
    // From now on every change asks again, a change back to the first content included.
    renderedKey.current = null;
    setState((was) => ({ ...was, updating: true }));
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch('/templates/preview', {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CSRF_HEADER]: csrfToken },
          body: key,
          signal: controller.signal,
        });
        const answer = (await response.json().catch(() => null)) as PreviewAnswer | null;
        if (!answer) setState((was) => ({ ...was, error: 'The preview could not be loaded. Your session may have ended: reload the page.', updating: false }));
        else if (answer.ok) setState({ preview: answer.preview, error: null, updating: false });
        else setState((was) => ({ ...was, error: answer.error, updating: false }));
      } catch (failure) {
        if (controller.signal.aborted) return;
        console.error('Preview failed', failure);
        setState((was) => ({ ...was, error: 'The preview could not be loaded. Check your connection.', updating: false }));
      }
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, delayMs, csrfToken]);

  return state;
}
