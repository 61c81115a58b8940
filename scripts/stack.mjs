// The local stack — mail sink, API worker, dashboard — started in one call. Used by `npm start`
// (scripts/start.mjs) and by the e2e tests (test/e2e/global-setup.ts) on their own ports and state.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ensureDevVars, DEV_VARS_FILE } from './dev-vars.mjs';
import { DEV_STATE_DIR, ROOT } from './lib/paths.mjs';
import { assertPortFree, crashService, runCommand, spawnService, stopAll, stopService, waitForHttp } from './lib/processes.mjs';
import { API_WORKER_NAME, DASHBOARD_BUILD, writePagesProject } from './lib/pages-project.mjs';
import { applyMigrations, spawnWrangler } from './lib/wrangler.mjs';
import { seed, seedAccounts } from './seed.mjs';
import { seedCampaigns } from './seed-campaigns.mjs';
import { vendorAssets } from './vendor-assets.mjs';

export const HOST = '127.0.0.1';
export const DEFAULT_PORTS = { api: 8787, dashboard: 8788, smtp: 1025, maildevWeb: 1080 };

const TIMEOUT_MS = { maildev: 20_000, api: 90_000, build: 180_000, dashboard: 90_000 };

/** What the dashboard's Pages Function reads from .dev.vars (see app/lib/env.server.ts). */
const DASHBOARD_SECRETS = ['SESSION_SECRET'];

function assertNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    throw new Error(`wrangler needs Node >= 22.12, this is ${process.version}: run through npm (npm start, npm test), which uses node_modules/.bin/node.`);
  }
}

const urlsFor = (ports) => ({
  api: `http://${HOST}:${ports.api}`,
  docs: `http://${HOST}:${ports.api}/docs`,
  dashboard: `http://${HOST}:${ports.dashboard}`,
  mail: `http://${HOST}:${ports.maildevWeb}`,
});

async function assertPortsFree(ports) {
  for (const [what, port] of Object.entries(ports)) await assertPortFree(port, HOST, what);
}

async function startMaildev(ports, quiet) {
  const maildev = spawnService(
    'maildev',
    process.execPath,
    [path.join(ROOT, 'node_modules/maildev/dist/bin/maildev.js'), '--smtp', String(ports.smtp), '--ip', HOST, '--web', String(ports.maildevWeb), '--web-ip', HOST],
    { quiet },
  );
  await waitForHttp(`http://${HOST}:${ports.maildevWeb}/api/healthz`, { service: maildev, timeoutMs: TIMEOUT_MS.maildev });
  return maildev;
}

/** The worker's URL and SMTP settings follow the ports, so a stack on other ports is consistent. */
async function startApi({ ports, stateDir, envFile, env, quiet, vars = {} }) {
  const urls = urlsFor(ports);
  // Webhooks may go to a receiver on this machine: the local stack is the one place that is allowed.
  const settings = { PUBLIC_API_URL: urls.api, DASHBOARD_ORIGIN: urls.dashboard, SMTP_HOST: HOST, SMTP_PORT: String(ports.smtp), WEBHOOKS_ALLOW_PRIVATE: 'true', ...vars };
  const api = spawnWrangler(
    'api',
    [
      'dev', '--ip', HOST, '--port', String(ports.api), '--persist-to', stateDir, '--env-file', envFile,
      ...Object.entries(settings).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
      '--show-interactive-dev-session=false',
    ],
    { env, quiet },
  );
  await waitForHttp(`${urls.api}/health/ready`, { service: api, timeoutMs: TIMEOUT_MS.api });
  return api;
}

const buildDashboard = (quiet) =>
  runCommand('build', process.execPath, [path.join(ROOT, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'], {
    quiet,
    timeoutMs: TIMEOUT_MS.build,
  }).catch((err) => {
    // The tail may miss the first error line of a long report: point at the full run.
    throw new Error(`${err.message}\n(only the last lines are shown: run \`npx remix vite:build\` for the whole output)`);
  });

async function startDashboard({ ports, stateDir, vars, env, quiet }) {
  const pagesDir = path.join(stateDir, 'dashboard');
  writePagesProject(pagesDir, { devVars: Object.fromEntries(DASHBOARD_SECRETS.map((key) => [key, vars[key]])) });
  const dashboard = spawnWrangler(
    'dashboard',
    [
      'pages', 'dev', DASHBOARD_BUILD, '--ip', HOST, '--port', String(ports.dashboard),
      '--service', `API=${API_WORKER_NAME}`, '--persist-to', stateDir, '--show-interactive-dev-session=false',
    ],
    { env, quiet, cwd: pagesDir },
  );
  try {
    // Any answer below 500 means the Pages Function and the Remix build loaded.
    await waitForHttp(`${urlsFor(ports).dashboard}/`, { service: dashboard, timeoutMs: TIMEOUT_MS.dashboard, isReady: (res) => res.status < 500 });
  } catch (err) {
    await stopService(dashboard);
    throw err;
  }
  return dashboard;
}

/**
 * Prepares the state (vendored assets, secrets, migrations, seed) and starts maildev, the API
 * and the dashboard, each waited for until healthy. On failure everything started is stopped.
 *
 * - `stateDir`: wrangler's --persist-to (D1, R2, DOs); `fresh` wipes it first.
 * - `envFile`: the secrets file (completed if needed), also where the seed's passwords come from.
 * - `quiet`: keep child output out of the terminal (it still appears in error messages).
 *
 * Wrangler's dev registry (how the dashboard finds the API worker by name) is kept in
 * `<stateDir>/registry`: with the default, machine-wide one, two stacks (dev and e2e, or two
 * checkouts) would bind to each other's API. Other wrangler or vite processes reach this API by
 * running with WRANGLER_REGISTRY_PATH set to that directory.
 *
 * The dashboard is optional: if it does not build or start, `dashboardError` says why and the
 * rest runs without it. `dashboard: false` (benchmarks) skips it altogether.
 *
 * - `vars`: worker variables over the defaults (fault tests shorten delivery timings, benchmarks
 *   point SMTP_PORT at a discarding sink).
 * - The result's `crashApi()` kills the API's processes at once (SIGKILL, as a crash would) and
 *   `restartApi()` starts it again on the same state.
 */
export async function startStack({
  ports = DEFAULT_PORTS,
  stateDir = DEV_STATE_DIR,
  envFile = DEV_VARS_FILE,
  fresh = false,
  quiet = false,
  dashboard = true,
  /** Off for benchmarks: the demo campaign's sending would compete with what they measure. */
  demoCampaigns = true,
  vars: workerVars = {},
  log = (message) => console.log(message),
} = {}) {
  assertNodeVersion();
  await assertPortsFree(ports);
  const env = { WRANGLER_REGISTRY_PATH: path.join(stateDir, 'registry') };
  const services = {};
  try {
    if (fresh) rmSync(stateDir, { recursive: true, force: true });
    vendorAssets();
    if (dashboard) log('Building the dashboard in the background…');
    // Settled to the error, so a failed build neither rejects unhandled nor stops the API.
    const built = dashboard ? buildDashboard(quiet).then(() => null, (err) => err) : Promise.resolve(null);
    const { vars, added } = ensureDevVars(envFile);
    if (added.length) log(`${path.relative(ROOT, envFile)}: generated ${added.join(', ')}.`);
    log('Applying D1 migrations and seeding…');
    await applyMigrations({ persistTo: stateDir });
    await seed({ persistTo: stateDir, vars });
    log('Starting maildev…');
    services.maildev = await startMaildev(ports, quiet);
    log('Starting the API (wrangler dev)…');
    const apiOptions = { ports, stateDir, envFile, env, quiet, vars: workerVars };
    services.api = await startApi(apiOptions);
    const demo = seedAccounts(vars).find((a) => a.tenant.slug === 'demo');
    if (demoCampaigns) await seedCampaigns({ apiUrl: urlsFor(ports).api, login: { email: demo.user.email, password: demo.user.password }, log });
    let dashboardError = await built;
    if (dashboard && !dashboardError) {
      log('Starting the dashboard (wrangler pages dev)…');
      try {
        services.dashboard = await startDashboard({ ports, stateDir, vars, env, quiet });
      } catch (err) {
        dashboardError = err;
      }
    }
    return {
      urls: urlsFor(ports),
      smtp: { host: HOST, port: ports.smtp },
      logins: seedAccounts(vars).map(({ label, user }) => ({ label, email: user.email, password: user.password, totpSecret: user.totpSecret ?? null })),
      dashboardError: dashboardError?.message,
      services,
      crashApi: () => crashService(services.api),
      restartApi: async () => {
        services.api = await startApi(apiOptions);
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Stops everything startStack started (process groups: wrangler, workerd, maildev, builds). */
export const stopStack = stopAll;
