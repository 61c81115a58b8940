// A benchmark's worker module (TypeScript importing the real worker code) bundled for workerd, as
// wrangler would, so Miniflare can run it in the benchmark's own process.
import { build } from 'esbuild';
import path from 'node:path';
import { ROOT } from '../scripts/lib/paths.mjs';

/** The bundled source of bench/<file>. */
export async function bundleBenchWorker(file) {
  const bundle = await build({
    entryPoints: [path.join(ROOT, 'bench', file)],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'warning',
  });
  return bundle.outputFiles[0].text;
}
