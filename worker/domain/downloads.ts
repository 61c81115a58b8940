import { config, type Env } from '../env';
import { Problem, notFound } from '../lib/problem';
import { signToken, verifyToken } from '../lib/signed-tokens';

/** Generated files (exports, import error reports) stay downloadable for 7 days. */
export const DOWNLOAD_LINK_TTL_MS = 7 * 24 * 3600_000;

interface DownloadClaims {
  key: string;
  exp: number;
  name: string;
}

/**
 * A signed, expiring link to an R2 object: the link itself is the credential, so it works from an
 * email without a session, names one key only, and cannot be edited to reach another tenant's file.
 */
export async function publishDownload(env: Env, key: string, filename: string, ttlMs = DOWNLOAD_LINK_TTL_MS) {
  const expiresAt = new Date(Date.now() + ttlMs);
  const token = await signToken(config(env).TOKEN_SIGNING_KEYS, { key, exp: expiresAt.getTime(), name: filename } satisfies DownloadClaims);
  return { url: `${config(env).PUBLIC_API_URL}/v1/downloads/${token}`, expiresAt };
}

/** Resolves a signed download link to its R2 object; expired links are 410, tampered ones 404. */
export async function openDownload(env: Env, token: string) {
  const claims = await verifyToken<DownloadClaims>(config(env).TOKEN_SIGNING_KEYS, token);
  if (!claims?.key || typeof claims.exp !== 'number') throw notFound('Download');
  if (claims.exp < Date.now()) throw new Problem('gone', 'This download link has expired. Ask for a new export.');
  const object = await env.FILES.get(claims.key);
  if (!object) throw new Problem('gone', 'This file is no longer available. Ask for a new export.');
  return { object, filename: claims.name.replace(/[^\w.-]/g, '_') };
}
