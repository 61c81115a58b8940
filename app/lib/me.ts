import { useRouteLoaderData } from '@remix-run/react';
import type { loader as appLoader } from '~/routes/_app';

/** The signed-in user, tenant, role and permissions, for any page below the app layout. */
export function useMe() {
  const data = useRouteLoaderData<typeof appLoader>('routes/_app');
  if (!data) throw new Error('useMe must be used below the app layout');
  return data.me;
}
