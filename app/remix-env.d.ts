import type { DashboardEnv } from './lib/env.server';

declare module '@remix-run/cloudflare' {
  /** What loaders and actions receive as `context`, in Pages and under the vite dev proxy alike. */
  interface AppLoadContext {
    cloudflare: { env: DashboardEnv };
  }

  /** Single fetch is on (vite.config.ts): loaders' `data()` results type useLoaderData accordingly. */
  interface Future {
    v3_singleFetch: true;
  }
}
