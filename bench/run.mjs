// `npm run bench`: request throughput of the API's hot paths under `wrangler dev` (real workerd,
// local D1), each reported as a ratio to GET /health measured in the same run — these machines are
// noisy, so only ratios mean anything. Loopback only, bounded in time and count.
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { startStack, stopStack } from '../scripts/stack.mjs';
import { ROOT } from '../scripts/lib/paths.mjs';
import { d1ExecuteSql } from '../scripts/lib/wrangler.mjs';
import { benchContactsAtScale } from './contacts-at-scale.mjs';
import { benchTracking } from './tracking.mjs';

const PORTS = { api: 8807, dashboard: 8808, smtp: 1045, maildevWeb: 1100 };
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;
const MAX_REQUESTS = 20_000;
const CAPTCHA_PASS = 'XXXX.DUMMY.TOKEN.XXXX';

/** Runs `request` from `concurrency` loops until the time or count budget is spent. */
async function measure(name, request, { concurrency = 16, durationMs = DURATION_MS, maxRequests = MAX_REQUESTS, ok = (res) => res.ok } = {}) {
  let done = 0;
  let failed = 0;
  const latencies = [];
  const deadline = Date.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline && done + failed < maxRequests) {
        const t = performance.now();
        const res = await request();
        latencies.push(performance.now() - t);
        if (ok(res)) done++;
        else failed++;
        await res.arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(1);
  return { name, rps: done / seconds, ok: done, failed, p50: pct(0.5), p99: pct(0.99) };
}

const STATE_DIR = path.join(ROOT, '.wrangler', 'bench-state');
const stack = await startStack({ ports: PORTS, stateDir: STATE_DIR, envFile: path.join(STATE_DIR, '.dev.vars'), fresh: true, quiet: true, dashboard: false, demoCampaigns: false, log: (m) => console.log(`[bench] ${m}`) });
try {
  const api = stack.urls.api;
  const post = (p, body, headers = {}) => fetch(api + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const email = `bench-${Date.now()}@bench.edgepost.test`;
  const password = 'Bench-Marmot-Quasar-64';
  const signup = await (await post('/v1/auth/signup', { tenant_name: 'Bench Co', email, password, captcha_token: CAPTCHA_PASS })).json();
  const bearer = (t) => ({ headers: { authorization: `Bearer ${t}` } });
  const key = await (await post('/v1/api-keys', { name: 'bench', scopes: ['tenant:read', 'audit:read'] }, bearer(signup.token).headers)).json();
  // The key's per-minute limit (60 on the free plan) would turn the API-key row into 429s: lift it, the check itself still runs.
  await d1ExecuteSql(`UPDATE tenants SET limit_overrides = '{"api_rate_per_minute":100000000}' WHERE id = '${signup.tenant.id}';`, { persistTo: STATE_DIR });
  await sleep(500);

  const rows = [];
  rows.push(await measure('GET /health (baseline: routing, middleware, no I/O)', () => fetch(`${api}/health`)));
  rows.push(await measure('GET /v1/me with a session JWT (verify + session join + 2 reads)', () => fetch(`${api}/v1/me`, bearer(signup.token))));
  rows.push(await measure('GET /v1/me with an API key (SHA-256 lookup + per-key rate limit)', () => fetch(`${api}/v1/me`, bearer(key.secret))));
  rows.push(await measure('GET /v1/audit-log?limit=25 (tenant-scoped list)', () => fetch(`${api}/v1/audit-log?limit=25`, bearer(signup.token))));
  // PBKDF2 at 100,000 iterations is deliberately slow; fewer loops so the run stays bounded.
  rows.push(await measure('POST /v1/auth/login (PBKDF2-SHA256, 100k iterations)', () => post('/v1/auth/login', { email, password }), { concurrency: 4, maxRequests: 400 }));

  const base = rows[0].rps;
  console.log(`\n| endpoint | req/s | ratio to /health | p50 ms | p99 ms | ok | failed |\n|---|---:|---:|---:|---:|---:|---:|`);
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${(r.rps / base).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.failed} |`);
  console.log(`\n${new Date().toISOString()}, ${DURATION_MS / 1000} s per row, 16 connections (login: 4), wrangler dev on 127.0.0.1.`);
  await benchTracking({ api, stateDir: STATE_DIR, envFile: path.join(STATE_DIR, '.dev.vars'), measure, health: rows[0], session: signup });
  await benchContactsAtScale({ api, stateDir: STATE_DIR, measure });
} finally {
  await stopStack();
}
