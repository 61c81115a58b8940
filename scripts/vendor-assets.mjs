// Copies browser bundles from node_modules into public/vendor/, which the API worker serves as
// static assets ([assets] in wrangler.toml). /docs loads Scalar from there instead of a CDN, so the
// API reference works offline and its CSP can stay 'self'. Runs from `postinstall` and `npm start`.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { isMain, ROOT } from './lib/paths.mjs';

/** [source in node_modules, destination under public/vendor] */
const VENDORED = [['@scalar/api-reference/dist/browser/standalone.js', 'scalar/standalone.js']];

export function vendorAssets() {
  for (const [from, to] of VENDORED) {
    const source = path.join(ROOT, 'node_modules', from);
    const target = path.join(ROOT, 'public', 'vendor', to);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      copyFileSync(source, target);
    } catch (err) {
      throw new Error(`vendor-assets: cannot copy ${source} (is it installed? run npm install): ${err.message}`);
    }
  }
}

if (isMain(import.meta.url)) vendorAssets();
