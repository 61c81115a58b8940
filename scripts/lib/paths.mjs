import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: every script resolves paths from here, whatever the caller's cwd. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** True when the module at `url` is the entry point (`node scripts/x.mjs`), not an import. */
export const isMain = (url) => !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(url);

/** Wrangler's default local state (D1, R2, Durable Objects) — what plain `wrangler dev` also uses. */
export const DEV_STATE_DIR = path.join(ROOT, '.wrangler', 'state');
