// Wrangler invocations shared by the stack and the seed. Wrangler runs on this process's Node
// (22 under `npm run`), not whatever `node` is first on PATH.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand, spawnService } from './processes.mjs';
import { ROOT } from './paths.mjs';

const BIN = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
/** Offline machines: no telemetry requests. */
const ENV = { WRANGLER_SEND_METRICS: 'false' };
const ONE_SHOT_TIMEOUT_MS = 120_000;

/** Long-running wrangler (dev, pages dev) as a service. */
export const spawnWrangler = (name, args, { env, ...options } = {}) =>
  spawnService(name, process.execPath, [BIN, ...args], { env: { ...ENV, ...env }, ...options });

const runWrangler = (name, args) =>
  runCommand(name, process.execPath, [BIN, ...args], { env: ENV, quiet: true, timeoutMs: ONE_SHOT_TIMEOUT_MS });

/** `--persist-to` for a local state directory: the dev stack and the e2e stack never share D1 files. */
const local = (persistTo) => ['--local', '--persist-to', persistTo];

export const applyMigrations = ({ persistTo }) => runWrangler('migrate', ['d1', 'migrations', 'apply', 'DB', ...local(persistTo)]);

/** Runs a SQL script (a file, so it can be long and hold any quoting). */
export async function d1ExecuteSql(sql, { persistTo }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgepost-sql-'));
  try {
    const file = path.join(dir, 'script.sql');
    writeFileSync(file, sql);
    await runWrangler('d1', ['d1', 'execute', 'DB', ...local(persistTo), '--yes', '--file', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of one SELECT. */
export async function d1Query(sql, { persistTo }) {
  const out = await runWrangler('d1', ['d1', 'execute', 'DB', ...local(persistTo), '--json', '--command', sql]);
  const [result] = JSON.parse(out);
  return result.results;
}

/** wrangler.toml as wrangler itself reads it (vars, bindings). */
export async function wranglerConfig() {
  const { unstable_readConfig } = await import('wrangler');
  return unstable_readConfig({ config: path.join(ROOT, 'wrangler.toml') });
}

/**
 * Runs `fn` with the local R2 bucket bound as `binding` in `persistTo`, through wrangler's platform proxy:
 * one workerd for every object instead of one CLI process (~4 s) per `r2 object put`. The throwaway
 * config binds only the bucket, so the Durable Objects of wrangler.toml are not started.
 */
export async function withLocalBucket(binding, { persistTo }, fn) {
  const { getPlatformProxy } = await import('wrangler');
  const main = await wranglerConfig();
  const bucket = main.r2_buckets.find((b) => b.binding === binding);
  if (!bucket) throw new Error(`wrangler.toml binds no R2 bucket as ${binding}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'edgepost-r2-'));
  try {
    const configPath = path.join(dir, 'wrangler.json');
    writeFileSync(configPath, JSON.stringify({ name: 'edgepost-seed', compatibility_date: main.compatibility_date, r2_buckets: [bucket] }));
    // `wrangler dev --persist-to X` keeps its state in X/v3; the proxy takes that directory itself.
    const proxy = await getPlatformProxy({ configPath, envFiles: [], persist: { path: path.join(persistTo, 'v3') } });
    try {
      return await fn(proxy.env[binding]);
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
