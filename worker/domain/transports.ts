import type { z } from '@hono/zod-openapi';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { DB } from '../db/client';
import { sendingDomains, transportRoutes, transports, type MailStream, type Transport as TransportRow, type TransportKind } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { encryptionKeys, type Env } from '../env';
import { hookUrl } from '../inbound/hook-url';
import { decryptSecret, encryptSecret } from '../lib/crypto';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem, validationProblem, type FieldError } from '../lib/problem';
import { fieldErrors } from '../lib/zod-issues';
import { createTransport, deploymentIssues, platformTransport, TRANSPORT_SPECS, undecryptableTransport, type TransportConfig } from '../transports/registry';
import { TransportError, type Transport } from '../transports/transport';
import { audit, auditStatement, type AuditInput } from './audit';
import { notify } from './notifications';
import { assertWithinRate } from './rate-limit';

/** The router sends through the fallback while the primary has failed this many times in a row… */
export const FAILOVER_THRESHOLD = 5;
/** …and its last failure is this recent; after that the primary gets another try. */
export const FAILOVER_WINDOW_MS = 10 * 60_000;

/** A connection test contacts the provider; a tenant clicking "test" in a loop gets 30 an hour. */
const TEST_LIMIT = { name: 'transport-test', spec: { capacity: 30, windowSeconds: 3600 } };
/** Secrets that are shown as dots only; other credential fields (keys, user names) keep their last 4 characters as a hint. */
const FULLY_MASKED = new Set(['password', 'secret_access_key', 'webhook_password', 'webhook_secret', 'webhook_signing_key']);
const MAX_ERROR_LENGTH = 500;

type Credentials = Record<string, string>;
type Actor = AuditInput['actor'];

export const isFailing = (t: Pick<TransportRow, 'consecutiveFailures' | 'lastFailureAt'>, now = Date.now()) =>
  t.consecutiveFailures >= FAILOVER_THRESHOLD && !!t.lastFailureAt && now - t.lastFailureAt.getTime() < FAILOVER_WINDOW_MS;

async function sealCredentials(env: Env, credentials: Credentials): Promise<string | null> {
  return Object.keys(credentials).length ? encryptSecret(encryptionKeys(env)[0], JSON.stringify(credentials)) : null;
}

export async function openTransportCredentials(env: Env, row: Pick<TransportRow, 'credentialsEnc'>): Promise<Credentials> {
  return row.credentialsEnc ? (JSON.parse(await decryptSecret(encryptionKeys(env), row.credentialsEnc)) as Credentials) : {};
}

function credentialHints(credentials: Credentials): Record<string, string> {
  return Object.fromEntries(
    Object.entries(credentials).map(([name, value]) => [name, FULLY_MASKED.has(name) || value.length < 12 ? '••••••••' : `••••${value.slice(-4)}`]),
  );
}

export async function transportView(env: Env, t: TransportRow) {
  const credentials = await openTransportCredentials(env, t).then(credentialHints, () => null);
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    settings: t.settings,
    /** Hints only; null when the stored secret cannot be opened (re-enter the credentials). */
    credentials,
    /** Where the provider's delivery, bounce and complaint webhook goes (null for kinds without one). */
    webhook_url: hookUrl(env, t.kind, t.id),
    health: {
      consecutive_failures: t.consecutiveFailures,
      failing: isFailing(t),
      last_error: t.lastError,
      last_failure_at: t.lastFailureAt?.toISOString() ?? null,
      last_success_at: t.lastSuccessAt?.toISOString() ?? null,
    },
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt?.toISOString() ?? null,
  };
}

async function assertUniqueName(scope: TenantScope, name: string, exceptId?: string) {
  const same = await scope.db.select({ id: transports.id }).from(transports).where(scope.own(transports, eq(transports.name, name))).get();
  if (same && same.id !== exceptId) throw new Problem('conflict', `A transport named "${name}" exists already.`, { extensions: { existing_id: same.id } });
}

function assertDeployable(env: Env, kind: TransportKind, settings: Record<string, unknown>) {
  const issues = deploymentIssues(env, kind, settings);
  if (issues.length) throw validationProblem(issues);
}

export async function listTransports(env: Env, scope: TenantScope) {
  const rows = await scope.db.select().from(transports).where(scope.own(transports)).orderBy(transports.name).all();
  return { data: await Promise.all(rows.map((t) => transportView(env, t))) };
}

export async function getTransport(env: Env, scope: TenantScope, id: string) {
  return transportView(env, await scope.get(transports, id, 'Transport'));
}

export async function addTransport(env: Env, scope: TenantScope, input: TransportConfig & { name: string }, actor: Actor) {
  assertDeployable(env, input.kind, input.settings);
  await assertUniqueName(scope, input.name);
  const row = await scope.insert(transports, {
    id: newId(ID_PREFIX.transport),
    name: input.name,
    kind: input.kind,
    settings: input.settings,
    credentialsEnc: await sealCredentials(env, input.credentials as Credentials),
  });
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'transport.created', target: { type: 'transport', id: row.id }, metadata: { kind: row.kind } });
  return transportView(env, row);
}

export interface TransportPatch {
  name?: string;
  settings?: Record<string, unknown>;
  /** Fields sent replace the stored ones; fields left out keep their stored value. */
  credentials?: Record<string, string>;
}

/** A PATCH body part checked against the transport kind's schema; field errors name `settings.port`, `credentials.api_key`. */
function parseFor<T extends z.ZodType>(schema: T, value: unknown, field: 'settings' | 'credentials'): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationProblem(fieldErrors(parsed.error.issues, field, [field]));
  return parsed.data;
}

export async function updateTransport(env: Env, scope: TenantScope, id: string, patch: TransportPatch, actor: Actor) {
  const row = await scope.get(transports, id, 'Transport');
  const spec = TRANSPORT_SPECS[row.kind];
  const settings: Record<string, unknown> | undefined = patch.settings ? parseFor(spec.settings, patch.settings, 'settings') : undefined;
  if (settings) assertDeployable(env, row.kind, settings);
  let credentialsEnc: string | null | undefined;
  if (patch.credentials) {
    // Stored fields that cannot be opened any more are simply not carried over.
    const stored = await openTransportCredentials(env, row).catch(() => ({}));
    credentialsEnc = await sealCredentials(env, parseFor(spec.credentials, { ...stored, ...patch.credentials }, 'credentials') as Credentials);
  }
  if (patch.name !== undefined) await assertUniqueName(scope, patch.name, id);
  const reconfigured = settings !== undefined || credentialsEnc !== undefined;
  const updated = await scope.update(
    transports,
    id,
    {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(settings ? { settings } : {}),
      ...(credentialsEnc !== undefined ? { credentialsEnc } : {}),
      // New settings or credentials get a clean record: the router stops avoiding the transport at once.
      ...(reconfigured ? { consecutiveFailures: 0, lastError: null, lastFailureAt: null } : {}),
      updatedAt: new Date(),
    },
    'Transport',
  );
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'transport.updated', target: { type: 'transport', id }, metadata: { fields: Object.keys(patch) } });
  return transportView(env, updated);
}

export async function deleteTransport(scope: TenantScope, id: string, actor: Actor) {
  await scope.get(transports, id, 'Transport');
  const primaryOf = await scope.db
    .select({ stream: transportRoutes.stream, domain: transportRoutes.domain })
    .from(transportRoutes)
    .where(scope.own(transportRoutes, eq(transportRoutes.transportId, id)))
    .all();
  if (primaryOf.length) {
    const where = primaryOf.map((r) => `${r.stream} mail from ${r.domain === '*' ? 'any domain' : r.domain}`).join(', ');
    throw new Problem('conflict', `This transport carries ${where}. Route that mail elsewhere before deleting it.`, { extensions: { routes: primaryOf } });
  }
  // A route that only falls back to it loses its fallback (ON DELETE SET NULL).
  await scope.remove(transports, id, 'Transport');
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'transport.deleted', target: { type: 'transport', id } });
}

/** The transport for a stored row: credentials opened here, once per batch. */
async function transportOf(env: Env, row: TransportRow): Promise<Transport> {
  let credentials: Credentials;
  try {
    credentials = await openTransportCredentials(env, row);
  } catch {
    return undecryptableTransport(row.kind);
  }
  return createTransport(env, row.kind, row.settings, credentials);
}

/**
 * `POST /v1/transports/{id}/test`: the provider's cheapest read-only check (or an SMTP login). The
 * outcome counts towards the transport's health like a send does; a failure is a problem carrying
 * the provider's answer (422 when it refused, 503 when it could not be reached or asked to wait).
 */
export async function testTransport(env: Env, scope: TenantScope, id: string) {
  const row = await scope.get(transports, id, 'Transport');
  await assertWithinRate(env, scope.tenantId, [TEST_LIMIT], 'connection tests (30 per hour)');
  const transport = await transportOf(env, row);
  try {
    const result = await transport.test();
    await recordTransportOutcome(env, scope.db, id, { ok: 1, failed: 0 });
    return result;
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    await recordTransportOutcome(env, scope.db, id, { ok: 0, failed: 1, error: err.message });
    const retryAfter = err.opts.retryAfterSeconds;
    throw new Problem(err.kind === 'permanent' ? 'unprocessable' : 'service-unavailable', err.message, {
      extensions: { transport_error: { kind: err.kind, code: err.opts.code ?? null, scope: err.opts.scope ?? 'message' } },
      ...(retryAfter !== undefined ? { headers: { 'retry-after': String(retryAfter) } } : {}),
    });
  }
}

// Routing

export interface RouteInput {
  stream: MailStream;
  domain: string;
  transport_id: string;
  fallback_transport_id?: string | null;
}

const routeView = (r: typeof transportRoutes.$inferSelect) => ({
  stream: r.stream,
  domain: r.domain,
  transport_id: r.transportId,
  fallback_transport_id: r.fallbackTransportId,
});

export async function listRoutes(scope: TenantScope) {
  const rows = await scope.db.select().from(transportRoutes).where(scope.own(transportRoutes)).orderBy(transportRoutes.stream, transportRoutes.domain).all();
  return { data: rows.map(routeView) };
}

/** Every rule of the routing table at once, so the table is checked as a whole (field errors name `routes[i]…`). */
async function routeIssues(scope: TenantScope, routes: RouteInput[]): Promise<FieldError[]> {
  const [owned, domains] = await Promise.all([
    scope.db.select({ id: transports.id, kind: transports.kind }).from(transports).where(scope.own(transports)).all(),
    scope.db.select({ domain: sendingDomains.domain }).from(sendingDomains).where(scope.own(sendingDomains)).all(),
  ]);
  const kinds = new Map(owned.map((t) => [t.id, t.kind]));
  const tenantDomains = new Set(domains.map((d) => d.domain));
  const seen = new Set<string>();
  const issues: FieldError[] = [];
  routes.forEach((r, i) => {
    const at = `routes[${i}]`;
    if (r.domain !== '*' && !tenantDomains.has(r.domain)) issues.push({ field: `${at}.domain`, message: 'must be "*" or one of your sending domains' });
    const key = `${r.stream} ${r.domain}`;
    if (seen.has(key)) issues.push({ field: at, message: `another route already covers ${r.stream} mail from ${r.domain}` });
    seen.add(key);
    for (const [field, id] of [['transport_id', r.transport_id], ['fallback_transport_id', r.fallback_transport_id]] as const) {
      if (!id) continue;
      const kind = kinds.get(id);
      if (!kind) issues.push({ field: `${at}.${field}`, message: 'no such transport' });
      // The Email Service's terms forbid marketing mail.
      else if (kind === 'cloudflare' && r.stream === 'marketing') issues.push({ field: `${at}.${field}`, message: 'the Cloudflare Email Service carries transactional mail only' });
    }
    if (r.fallback_transport_id && r.fallback_transport_id === r.transport_id) issues.push({ field: `${at}.fallback_transport_id`, message: 'must differ from the primary transport' });
  });
  return issues;
}

/** `PUT /v1/transport-routes`: replaces the whole routing table in one transaction. */
export async function replaceRoutes(scope: TenantScope, input: RouteInput[], actor: Actor) {
  const routes = input.map((r) => ({ ...r, domain: r.domain.trim().toLowerCase().replace(/\.$/, '') }));
  const issues = await routeIssues(scope, routes);
  if (issues.length) throw validationProblem(issues);
  const { db } = scope;
  await db.batch([
    db.delete(transportRoutes).where(scope.own(transportRoutes)),
    ...routes.map((r) =>
      db.insert(transportRoutes).values({
        id: newId(ID_PREFIX.transportRoute),
        tenantId: scope.tenantId,
        stream: r.stream,
        domain: r.domain,
        transportId: r.transport_id,
        fallbackTransportId: r.fallback_transport_id ?? null,
      }),
    ),
    auditStatement(db, { tenantId: scope.tenantId, actor, action: 'transport_routes.replaced', metadata: { routes: routes.length } }),
  ]);
  return listRoutes(scope);
}

/**
 * The transport for a batch of one tenant's mail: the route for the sending domain, else the '*'
 * route, else the platform relay (id null). One query; the send consumer calls it once per batch.
 * While the primary is failing (FAILOVER_THRESHOLD failures in a row, the last within
 * FAILOVER_WINDOW_MS) the fallback carries the mail; after the window the primary is tried again.
 */
export async function resolveTransport(env: Env, db: DB, tenantId: string, stream: MailStream, fromDomain: string, now = Date.now()): Promise<{ id: string | null; transport: Transport }> {
  const fallback = alias(transports, 'fallback');
  const domain = fromDomain.trim().toLowerCase();
  const rows = await db
    .select({ domain: transportRoutes.domain, primary: transports, fallback })
    .from(transportRoutes)
    .innerJoin(transports, and(eq(transports.id, transportRoutes.transportId), eq(transports.tenantId, tenantId)))
    .leftJoin(fallback, and(eq(fallback.id, transportRoutes.fallbackTransportId), eq(fallback.tenantId, tenantId)))
    .where(and(eq(transportRoutes.tenantId, tenantId), eq(transportRoutes.stream, stream), inArray(transportRoutes.domain, [domain, '*'])))
    .all();
  const route = rows.find((r) => r.domain !== '*') ?? rows[0];
  if (!route) return { id: null, transport: platformTransport(env) };
  const chosen = route.fallback && isFailing(route.primary, now) ? route.fallback : route.primary;
  return { id: chosen.id, transport: await transportOf(env, chosen) };
}

/** A batch's result on one transport. Count only failures of the transport (temporary or connection-scoped), not recipients it refused. */
export interface TransportOutcome {
  ok: number;
  failed: number;
  /** The last failure's message, kept as the transport's `last_error`. */
  error?: string;
}

/**
 * Updates a transport's health once per batch. Any success ends a failure streak; failures extend
 * it atomically (concurrent consumers never lose a count), and the batch that takes the streak
 * to FAILOVER_THRESHOLD notifies the tenant's managers, once per streak. The platform relay (id
 * null) keeps no record here.
 */
export async function recordTransportOutcome(env: Env, db: DB, transportId: string | null, outcome: TransportOutcome, now = new Date()) {
  if (!transportId || (outcome.ok <= 0 && outcome.failed <= 0)) return;
  const failure = outcome.failed > 0 ? { lastError: (outcome.error ?? 'send failed').slice(0, MAX_ERROR_LENGTH), lastFailureAt: now } : {};
  if (outcome.ok > 0) {
    await db.update(transports).set({ consecutiveFailures: 0, lastSuccessAt: now, ...failure }).where(eq(transports.id, transportId)).run();
    return;
  }
  const row = await db
    .update(transports)
    .set({ consecutiveFailures: sql`${transports.consecutiveFailures} + ${outcome.failed}`, ...failure })
    .where(eq(transports.id, transportId))
    .returning({ tenantId: transports.tenantId, name: transports.name, failures: transports.consecutiveFailures, since: sql<number>`coalesce(${transports.lastSuccessAt}, ${transports.createdAt})` })
    .get();
  if (!row || row.failures < FAILOVER_THRESHOLD || row.failures - outcome.failed >= FAILOVER_THRESHOLD) return;
  await notify(env, db, {
    tenantId: row.tenantId,
    kind: 'transport_failing',
    data: { transport: row.name, failures: row.failures, minutes: Math.max(1, Math.ceil((now.getTime() - row.since) / 60_000)), error: failure.lastError ?? '' },
  });
}
