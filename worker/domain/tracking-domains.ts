import { and, asc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { DB } from '../db/client';
import { tenants, trackingDomains, type Tenant } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { config, type Env } from '../env';
import { createCustomHostname, deleteCustomHostname, type SaasConfig } from '../lib/cloudflare-saas';
import { canonicalName, NotInLocalZone, publishLocalRecords, resolverFor, type DnsResolver } from '../lib/dns';
import { ID_PREFIX, newId } from '../lib/ids';
import { log } from '../lib/log';
import { notFound, Problem } from '../lib/problem';
import { auditStatement, type AuditInput } from './audit';
import { assertWithinRate } from './rate-limit';
import { platformDomain } from './sender-identity';
import { normalizeSendingDomain, planOf, RECHECK_AFTER_MS, VERIFY_LIMIT } from './sending-domains';

type TrackingDomain = typeof trackingDomains.$inferSelect;

/** What tenants point their tracking hostname at. */
export const trackingTarget = (env: Env) => canonicalName(env.TRACKING_CNAME_TARGET ?? `track.${platformDomain(env)}`);

/**
 * The origin of a workspace's tracking, unsubscribe and preference links: its verified hostname with the
 * platform API's scheme and port (https in production; locally `http://links.acme.test:8787`, where
 * any `.test` name reaches the worker), else the API origin itself.
 */
export function trackingBaseUrl(env: Pick<Env, 'PUBLIC_API_URL'>, tenant: Partial<Pick<Tenant, 'trackingHost'>>): string {
  if (!tenant.trackingHost) return env.PUBLIC_API_URL;
  const api = new URL(env.PUBLIC_API_URL);
  return `${api.protocol}//${tenant.trackingHost}${api.port ? `:${api.port}` : ''}`;
}

const saasConfig = (env: Env): SaasConfig | null => (env.CF_API_TOKEN && env.CF_ZONE_ID ? { token: env.CF_API_TOKEN, zoneId: env.CF_ZONE_ID } : null);

export function trackingDomainView(env: Env, d: TrackingDomain) {
  return {
    id: d.id,
    hostname: d.hostname,
    status: d.status,
    detail: d.detail,
    record: { type: 'CNAME' as const, name: d.hostname, value: trackingTarget(env) },
    tls: saasConfig(env) ? ('cloudflare' as const) : ('operator' as const),
    last_checked_at: d.lastCheckedAt?.toISOString() ?? null,
    verified_at: d.verifiedAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
  };
}

async function current(scope: TenantScope) {
  const d = await scope.db.select().from(trackingDomains).where(scope.own(trackingDomains)).get();
  if (!d) throw notFound('Tracking domain');
  return d;
}

export const getTrackingDomain = async (env: Env, scope: TenantScope) => trackingDomainView(env, await current(scope));

export async function setTrackingDomain(env: Env, scope: TenantScope, raw: string, actor: AuditInput['actor']) {
  const hostname = normalizeSendingDomain(raw, env);
  if (hostname.split('.').length < 3) throw new Problem('validation-error', `Use a subdomain such as links.${hostname}: a CNAME cannot sit at the domain itself.`, { extensions: { errors: [{ field: 'hostname', message: 'use a subdomain' }] } });
  if (!(await planOf(scope)).customDomains) throw new Problem('forbidden', 'Your own tracking domain comes with paid plans.');
  if (await scope.db.select({ id: trackingDomains.id }).from(trackingDomains).where(scope.own(trackingDomains)).get()) {
    throw new Problem('conflict', 'This workspace has a tracking domain already: remove it first.');
  }
  const taken = await scope.db.select({ id: trackingDomains.id }).from(trackingDomains).where(eq(trackingDomains.hostname, hostname)).get();
  if (taken) throw new Problem('conflict', `${hostname} is in use by another workspace.`);
  const saas = saasConfig(env);
  const cfHostnameId = saas ? await createCustomHostname(saas, hostname) : null;
  const id = newId(ID_PREFIX.trackingDomain);
  const [[row]] = await scope.db.batch([
    scope.db.insert(trackingDomains).values({ id, tenantId: scope.tenantId, hostname, cfHostnameId }).returning(),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'tracking_domain.added', target: { type: 'tracking_domain', id }, metadata: { hostname } }),
  ]);
  return trackingDomainView(env, row!);
}

export async function removeTrackingDomain(env: Env, scope: TenantScope, actor: AuditInput['actor']) {
  const d = await current(scope);
  // New mail links to the API origin at once; links already sent on the hostname stop working once its CNAME goes.
  await scope.db.batch([
    scope.db.delete(trackingDomains).where(scope.own(trackingDomains, eq(trackingDomains.id, d.id))),
    scope.db.update(tenants).set({ trackingHost: null }).where(eq(tenants.id, scope.tenantId)),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'tracking_domain.removed', target: { type: 'tracking_domain', id: d.id }, metadata: { hostname: d.hostname } }),
  ]);
  const saas = saasConfig(env);
  if (saas && d.cfHostnameId) await deleteCustomHostname(saas, d.cfHostnameId).catch((e: unknown) => log('warn', 'custom_hostname_delete_failed', { id: d.cfHostnameId, error: String(e) }));
}

/**
 * Looks the CNAME up: pointing at the target makes the hostname active and the workspace's links use
 * it; an active one that stops pointing there is `failing` and links go back to the API origin until it
 * is fixed (a link on a hostname that no longer reaches us would be dead).
 */
async function check(env: Env, db: DB, d: TrackingDomain, resolver: DnsResolver, now = new Date()) {
  const target = trackingTarget(env);
  let ok = false;
  let detail: string;
  try {
    // The local zone's "never heard of this name" is DNS's NXDOMAIN: no record.
    const found = (await resolver.resolveCname(d.hostname).catch((e: unknown) => (e instanceof NotInLocalZone ? [] : Promise.reject(e)))).map(canonicalName);
    ok = found.includes(target);
    detail = ok ? `CNAME points at ${target}.` : found.length ? `CNAME points at ${found.join(', ')}, not ${target}.` : `No CNAME record found for ${d.hostname}.`;
  } catch (e) {
    detail = `The DNS lookup failed: ${(e as Error).message}`;
  }
  const status = ok ? 'active' : d.status === 'pending' ? 'pending' : 'failing';
  await db.batch([
    db.update(trackingDomains).set({ status, detail, lastCheckedAt: now, updatedAt: now, verifiedAt: ok ? (d.verifiedAt ?? now) : d.verifiedAt }).where(eq(trackingDomains.id, d.id)),
    db.update(tenants).set({ trackingHost: ok ? d.hostname : null }).where(eq(tenants.id, d.tenantId)),
  ]);
}

export async function verifyTrackingDomain(env: Env, scope: TenantScope, resolver = resolverFor(env)) {
  const d = await current(scope);
  await assertWithinRate(env, scope.tenantId, [{ name: 'domain-verify', spec: VERIFY_LIMIT }], 'verification checks');
  await check(env, scope.db, d, resolver);
  return getTrackingDomain(env, scope);
}

/** Development only: writes the CNAME into the local DNS zone. */
export async function publishTrackingLocally(env: Env, scope: TenantScope) {
  if (config(env).APP_ENV === 'production') throw new Problem('not-found', 'Publishing DNS records locally exists only in development.');
  const d = await current(scope);
  await publishLocalRecords(env, [{ name: d.hostname, type: 'CNAME', values: [trackingTarget(env)] }]);
  return trackingDomainView(env, d);
}

/** Every minute, a few hostnames whose last check is a day old (pending ones too), oldest first. */
export async function recheckTrackingDomains(env: Env, db: DB, now = Date.now(), resolver = resolverFor(env)) {
  const due = await db
    .select()
    .from(trackingDomains)
    .where(and(inArray(trackingDomains.status, ['pending', 'active', 'failing']), or(isNull(trackingDomains.lastCheckedAt), lt(trackingDomains.lastCheckedAt, new Date(now - RECHECK_AFTER_MS)))))
    .orderBy(asc(trackingDomains.lastCheckedAt))
    .limit(5)
    .all();
  for (const d of due) {
    try {
      await check(env, db, d, resolver, new Date(now));
    } catch (e) {
      log('warn', 'tracking_domain_check_failed', { id: d.id, error: String(e) });
    }
  }
}
