// `npm run deploy`: production deploy with wrangler — remote D1 migrations, the API worker (with its
// Durable Objects, queues, cron and R2 binding), and the dashboard on Pages with its service binding.
// `npm run deploy -- --dry-run` builds and bundles everything without touching Cloudflare (works
// offline; CI uses it to prove the bundles build). First-time setup and secrets: docs/operations.md.
import { mkdtempSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DASHBOARD_BUILD, DASHBOARD_PROJECT, writePagesProject } from './lib/pages-project.mjs';
import { ROOT } from './lib/paths.mjs';
import { runCommand } from './lib/processes.mjs';

const dryRun = process.argv.includes('--dry-run');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const REMIX = path.join(ROOT, 'node_modules', '@remix-run', 'dev', 'dist', 'cli.js');
const TEN_MINUTES = 600_000;

const run = (name, bin, args, cwd = ROOT) => {
  console.log(`\n==> ${name}`);
  return runCommand(name, process.execPath, [bin, ...args], { cwd, timeoutMs: TEN_MINUTES, env: { WRANGLER_SEND_METRICS: 'false' } });
};

/** Workers limit the compressed script (3 MiB free, 10 MiB paid): report what counts. */
function bundleSizes(file) {
  const raw = readFileSync(file);
  return { raw: raw.byteLength, gzip: gzipSync(raw).byteLength };
}
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

await run('Build the dashboard', REMIX, ['vite:build']);
const pagesDir = mkdtempSync(path.join(tmpdir(), 'edgepost-pages-'));
writePagesProject(pagesDir, { withServiceBinding: true });

if (dryRun) {
  const out = path.join(ROOT, '.wrangler', 'deploy-dry-run');
  await run('Bundle the API worker (dry run)', WRANGLER, ['deploy', '--dry-run', '--outdir', out]);
  await run('Bundle the dashboard Pages Function (dry run)', WRANGLER, ['pages', 'functions', 'build', path.join(pagesDir, 'functions'), '--outdir', path.join(out, 'pages-functions')], pagesDir);
  const size = bundleSizes(path.join(out, 'index.js'));
  console.log(`\nDry run done. API worker: ${mib(size.raw)} (${mib(size.gzip)} gzip) in ${path.relative(ROOT, out)}; dashboard assets in ${path.relative(ROOT, DASHBOARD_BUILD)}.`);
} else {
  // Schema first: migrations are additive, so the running worker keeps working while they apply.
  await run('Apply D1 migrations (remote)', WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--remote']);
  await run('Deploy the API worker', WRANGLER, ['deploy']);
  await run('Deploy the dashboard (Pages)', WRANGLER, ['pages', 'deploy', DASHBOARD_BUILD, '--project-name', DASHBOARD_PROJECT, '--branch', 'main', '--commit-dirty=true'], pagesDir);
  console.log('\nDeployed. Check GET /health/ready on the API and sign in to the dashboard.');
}
