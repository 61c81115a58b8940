import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, stopStack, type Stack } from '../../scripts/stack.mjs';

/** Wiped at every run and never the dev stack's .wrangler/state; holds the e2e secrets file too. */
const STATE_DIR = path.resolve(import.meta.dirname, '../../.wrangler/e2e-state');
/** Apart from the dev stack's ports, so `npm test` works while `npm start` runs. */
const PORTS = { api: 8797, dashboard: 8798, smtp: 1035, maildevWeb: 1090 };

/** What e2e tests get through `inject('stack')` (see helpers.ts). Plain data: it crosses to the test workers. */
export type ProvidedStack = Pick<Stack, 'urls' | 'smtp' | 'logins'> & { dashboardError: string | null };

declare module 'vitest' {
  export interface ProvidedContext {
    stack: ProvidedStack;
  }
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const stack = await startStack({
    ports: PORTS,
    stateDir: STATE_DIR,
    envFile: path.join(STATE_DIR, '.dev.vars'),
    fresh: true,
    quiet: true,
    log: (message) => console.log(`[e2e] ${message}`),
  });
  console.log(`[e2e] Stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s: API ${stack.urls.api}, mail ${stack.urls.mail}`);
  if (stack.dashboardError) console.warn(`[e2e] The dashboard did not start; tests that need it will fail:\n${stack.dashboardError}`);
  const { urls, smtp, logins, dashboardError = null } = stack;
  project.provide('stack', { urls, smtp, logins, dashboardError });
  return stopStack;
}
