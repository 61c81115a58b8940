import type { Context } from 'hono';
import { getDb } from '../db/client';
import { tenantScope } from '../db/tenant-scope';
import type { ClientInfo } from '../domain/sessions';
import type { AppEnv } from '../types';

/** Cloudflare sets CF-Connecting-IP at the edge; locally it is absent and the IP is unknown. */
export function clientInfo(c: Context): ClientInfo {
  return { ip: c.req.header('cf-connecting-ip') ?? null, userAgent: c.req.header('user-agent') ?? null };
}

/** The data-access scope of the caller's tenant: the only way routes reach tenant data. */
export const scopeOf = (c: Context<AppEnv>) => tenantScope(getDb(c.env), c.get('principal').tenantId);
