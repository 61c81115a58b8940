import { useRouteLoaderData } from '@remix-run/react';
import type { loader as rootLoader } from '~/root';

/** Data every page has: the CSRF token for forms and the toast flashed by the last action. */
export function useRootData() {
  const data = useRouteLoaderData<typeof rootLoader>('root');
  if (!data) throw new Error('useRootData must be used below the root route');
  return data;
}
