import type { FetchLike } from './dns';

/**
 * Cloudflare for SaaS custom hostnames (the API's `zones/{zone}/custom_hostnames`): Cloudflare issues
 * and renews the certificate of a tenant's tracking hostname once its CNAME points at the zone.
 */
export const CLOUDFLARE_API = 'https://api.cloudflare.com/client/v4';

export interface SaasConfig {
  token: string;
  zoneId: string;
  api?: string;
}

interface ApiResult<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result?: T;
}

async function callApi<T>(fetcher: FetchLike, url: string, init: RequestInit & { token: string }): Promise<T | undefined> {
  const res = await fetcher(url, { ...init, headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' } });
  const body = (await res.json().catch(() => ({ success: false }))) as ApiResult<T>;
  if (!res.ok || !body.success) {
    throw new Error(`Cloudflare API ${init.method} ${new URL(url).pathname} failed (${res.status}): ${(body.errors ?? []).map((e) => `${e.code} ${e.message}`).join('; ') || 'no details'}`);
  }
  return body.result;
}

/** Registers the hostname with a DV certificate validated over HTTP (it works as soon as the CNAME does). */
export async function createCustomHostname(cfg: SaasConfig, hostname: string, fetcher: FetchLike = fetch): Promise<string> {
  const result = await callApi<{ id: string }>(fetcher, `${cfg.api ?? CLOUDFLARE_API}/zones/${cfg.zoneId}/custom_hostnames`, {
    method: 'POST',
    token: cfg.token,
    body: JSON.stringify({ hostname, ssl: { method: 'http', type: 'dv', settings: { min_tls_version: '1.2' } } }),
  });
  if (!result?.id) throw new Error('Cloudflare API answered without a custom hostname id');
  return result.id;
}

export async function deleteCustomHostname(cfg: SaasConfig, id: string, fetcher: FetchLike = fetch): Promise<void> {
  await callApi(fetcher, `${cfg.api ?? CLOUDFLARE_API}/zones/${cfg.zoneId}/custom_hostnames/${id}`, { method: 'DELETE', token: cfg.token });
}
