import { eq } from 'drizzle-orm';
import { webhookDeliveries, webhookEndpoints, type WebhookEndpoint, type WebhookDelivery } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { config, encryptionKeys, type Env } from '../env';
import { decryptSecret, encryptSecret, randomBytes } from '../lib/crypto';
import { toBase64 } from '../lib/encoding';
import { ID_PREFIX, newId } from '../lib/ids';
import { notFound, Problem, validationProblem } from '../lib/problem';
import { resolverFor } from '../lib/dns';
import { checkWebhookUrl } from '../lib/ssrf';
import { audit, type AuditInput } from './audit';

/** The old secret keeps signing this long after a rotation, so a receiver can switch without losing messages. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;
export const MAX_ENDPOINTS = 20;

export interface EndpointInput {
  url: string;
  description?: string | null;
  event_types?: string[];
}

/** Standard Webhooks secrets: `whsec_` and 24 random bytes in base64. */
const newSecret = () => `whsec_${toBase64(randomBytes(24))}`;

export const allowPrivateWebhooks = (env: Env) => config(env).APP_ENV !== 'production' && env.WEBHOOKS_ALLOW_PRIVATE === 'true';

/** The SSRF check (lib/ssrf.ts) with this deployment's resolver and setting, at creation and again before every attempt. */
export const checkEndpointUrl = (env: Env, url: string) => checkWebhookUrl(url, { allowPrivate: allowPrivateWebhooks(env), resolve: (host) => resolverFor(env).resolveAddresses(host) });

/** A refusal is a 422 naming the field. */
export async function assertDeliverable(env: Env, url: string) {
  const verdict = await checkEndpointUrl(env, url);
  if (!verdict.ok) throw validationProblem([{ field: 'url', message: verdict.reason }]);
}

export const listEndpoints = (scope: TenantScope) => scope.db.select().from(webhookEndpoints).where(scope.own(webhookEndpoints)).orderBy(webhookEndpoints.id).all();

export function endpointView(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    status: e.status,
    disabled_reason: e.disabledReason,
    consecutive_failures: e.consecutiveFailures,
    failing_since: e.failingSince?.toISOString() ?? null,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt?.toISOString() ?? null,
  };
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    response_status: d.responseStatus,
    response_excerpt: d.responseExcerpt,
    latency_ms: d.latencyMs,
    error: d.error,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    delivered_at: d.deliveredAt?.toISOString() ?? null,
    payload: JSON.parse(d.payload) as unknown,
  };
}

export async function createEndpoint(env: Env, scope: TenantScope, input: EndpointInput, actor: AuditInput['actor']) {
  await assertDeliverable(env, input.url);
  const existing = await scope.db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(scope.own(webhookEndpoints)).all();
  if (existing.length >= MAX_ENDPOINTS) throw new Problem('conflict', `A workspace can have ${MAX_ENDPOINTS} webhook endpoints.`);
  const secret = newSecret();
  const row = await scope.insert(webhookEndpoints, {
    id: newId(ID_PREFIX.webhookEndpoint),
    url: input.url,
    description: input.description ?? null,
    eventTypes: input.event_types ?? [],
    secretEnc: await encryptSecret(encryptionKeys(env)[0], secret),
  });
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'webhook.created', target: { type: 'webhook_endpoint', id: row.id } });
  return { endpoint: row, secret };
}

export const getEndpoint = (scope: TenantScope, id: string) => scope.get(webhookEndpoints, id, 'Webhook endpoint');

export async function updateEndpoint(env: Env, scope: TenantScope, id: string, patch: Partial<EndpointInput> & { enabled?: boolean }, actor: AuditInput['actor']) {
  await getEndpoint(scope, id);
  if (patch.url !== undefined) await assertDeliverable(env, patch.url);
  const row = await scope.db
    .update(webhookEndpoints)
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.event_types !== undefined ? { eventTypes: patch.event_types } : {}),
      // Re-enabling starts a fresh count: the failures that disabled it are history.
      ...(patch.enabled === true ? { status: 'active' as const, disabledReason: null, failingSince: null, consecutiveFailures: 0 } : {}),
      ...(patch.enabled === false ? { status: 'disabled' as const, disabledReason: 'disabled by a member' } : {}),
      updatedAt: new Date(),
    })
    .where(scope.own(webhookEndpoints, eq(webhookEndpoints.id, id)))
    .returning()
    .get();
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'webhook.updated', target: { type: 'webhook_endpoint', id }, metadata: { fields: Object.keys(patch) } });
  return row!;
}

export async function deleteEndpoint(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  await getEndpoint(scope, id);
  await scope.db.delete(webhookEndpoints).where(scope.own(webhookEndpoints, eq(webhookEndpoints.id, id))).run();
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'webhook.deleted', target: { type: 'webhook_endpoint', id } });
}

/** A new secret, shown once; the old one keeps signing (as a second signature) for 24 hours. */
export async function rotateSecret(env: Env, scope: TenantScope, id: string, actor: AuditInput['actor'], now = Date.now()) {
  const e = await getEndpoint(scope, id);
  const secret = newSecret();
  await scope.db
    .update(webhookEndpoints)
    .set({ secretEnc: await encryptSecret(encryptionKeys(env)[0], secret), previousSecretEnc: e.secretEnc, previousSecretExpiresAt: new Date(now + PREVIOUS_SECRET_GRACE_MS), updatedAt: new Date(now) })
    .where(scope.own(webhookEndpoints, eq(webhookEndpoints.id, id)))
    .run();
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'webhook.secret_rotated', target: { type: 'webhook_endpoint', id } });
  return secret;
}

/** The secrets that sign a delivery now: the current one, and the previous one during its grace period. */
export async function signingSecrets(env: Env, e: WebhookEndpoint, now = Date.now()): Promise<string[]> {
  const keys = encryptionKeys(env);
  const current = await decryptSecret(keys, e.secretEnc);
  const previous = e.previousSecretEnc && e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > now ? await decryptSecret(keys, e.previousSecretEnc) : null;
  return previous ? [current, previous] : [current];
}

export async function listDeliveries(scope: TenantScope, endpointId: string, page: { limit: number; cursor?: string }) {
  await getEndpoint(scope, endpointId);
  return scope.list(webhookDeliveries, page, deliveryView, eq(webhookDeliveries.endpointId, endpointId));
}

export async function getDelivery(scope: TenantScope, endpointId: string, deliveryId: string) {
  const d = await scope.db.select().from(webhookDeliveries).where(scope.own(webhookDeliveries, eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId))).get();
  if (!d) throw notFound('Webhook delivery');
  return d;
}

