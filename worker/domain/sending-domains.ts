import { and, asc, eq, inArray, isNotNull, lt, ne, sql } from 'drizzle-orm';
import type { DB } from '../db/client';
import { dkimKeys, sendingDomains, tenants, type DkimKey, type DomainStatus, type SendingDomain } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import { config, encryptionKeys, type Env } from '../env';
import { encryptSecret, randomBytes } from '../lib/crypto';
import { generateDkimKeyPair } from '../lib/dkim-keys';
import { publishLocalRecords, resolverFor, type DnsResolver } from '../lib/dns';
import { ID_PREFIX, newId } from '../lib/ids';
import { log } from '../lib/log';
import { Problem, notFound } from '../lib/problem';
import { audit, auditStatement, type AuditInput } from './audit';
import { checkRecords, dkimRecordName, expectedRecords, localRecordSets, recordLabel, withResults, type RecordCheck } from './domain-records';
import { toAsciiDomain } from './email-validation';
import { notify } from './notifications';
import { countDomains, effectiveLimits } from './plan-limits';
import { assertWithinRate } from './rate-limit';
import { platformDkimRecord, platformDomain } from './sender-identity';

/** Verification does a handful of DNS lookups; a tenant clicking "verify" in a loop gets 30 an hour. */
export const VERIFY_LIMIT = { capacity: 30, windowSeconds: 3600 };
/** Verified (and failing) domains are looked up again once a day by the cron. */
export const RECHECK_AFTER_MS = 24 * 3600_000;
/** Domains re-checked per cron run (every minute), so one run stays short whatever the backlog. */
const RECHECK_BATCH = 10;
/** DKIM keys older than this get a successor (rotation) from the hourly cron. */
export const DKIM_KEY_MAX_AGE_MS = 365 * 24 * 3600_000;
/** A retired key stays this long, so mail signed with it and still in flight keeps verifying. */
export const RETIRED_KEY_GRACE_MS = 7 * 24 * 3600_000;
const ROTATION_BATCH = 20;

const SYSTEM = { type: 'system' as const, id: null };

// ---------------------------------------------------------------------------------------------------
// Views

function keyView(k: DkimKey) {
  return {
    selector: k.selector,
    status: k.status,
    created_at: k.createdAt.toISOString(),
    activated_at: k.activatedAt?.toISOString() ?? null,
    retired_at: k.retiredAt?.toISOString() ?? null,
  };
}

/** Records carry their expected values from the start; a check lays what DNS answered over them. */
function domainView(env: Env, d: SendingDomain, keys: DkimKey[]) {
  return {
    id: d.id,
    domain: d.domain,
    status: d.status,
    records: withResults(expectedRecords(d.domain, platformDomain(env), keys), (d.records ?? []) as RecordCheck[]),
    dkim_keys: keys.map(keyView),
    verified_at: d.verifiedAt?.toISOString() ?? null,
    last_checked_at: d.lastCheckedAt?.toISOString() ?? null,
    failing_since: d.failingSince?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
  };
}

export type DomainView = ReturnType<typeof domainView>;

async function keysOf(scope: TenantScope, domainIds: string[]) {
  if (!domainIds.length) return [];
  return scope.db.select().from(dkimKeys).where(scope.own(dkimKeys, inArray(dkimKeys.domainId, domainIds))).orderBy(asc(dkimKeys.createdAt)).all();
}

export async function getDomainView(env: Env, scope: TenantScope, id: string) {
  const d = await scope.get(sendingDomains, id, 'Sending domain');
  return domainView(env, d, await keysOf(scope, [id]));
}

export async function planOf(scope: TenantScope) {
  const [limits, tenant] = await Promise.all([
    effectiveLimits(scope.db, scope.tenantId),
    scope.db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, scope.tenantId)).get(),
  ]);
  if (!tenant) throw notFound('Workspace');
  return { plan: limits.planName, customDomains: limits.customDomains, maxDomains: limits.maxDomains, slug: tenant.slug };
}

/** The workspace's domains (a plan allows at most 50, so no pagination), and the platform address free plans send from. */
export async function listDomains(env: Env, scope: TenantScope) {
  const plan = await planOf(scope);
  const rows = await scope.db.select().from(sendingDomains).where(scope.own(sendingDomains)).orderBy(asc(sendingDomains.createdAt)).all();
  const keys = await keysOf(scope, rows.map((d) => d.id));
  const dkim = await platformDkimRecord(env);
  return {
    data: rows.map((d) => domainView(env, d, keys.filter((k) => k.domainId === d.id))),
    platform: {
      domain: platformDomain(env),
      from_email: `${plan.slug}@${platformDomain(env)}`,
      dkim_selector: dkim.selector,
      dkim_record_name: dkim.name,
      dkim_record_value: dkim.value,
    },
    custom_domains_allowed: plan.customDomains,
    max_domains: plan.maxDomains,
  };
}

// ---------------------------------------------------------------------------------------------------
// Adding and removing

/** Room left for `<selector>._domainkey.` within DNS's 253-character names. */
const MAX_DOMAIN_LENGTH = 253 - 32;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Special-use names (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal) that can never carry public mail. */
const NEVER_PUBLIC = new Set(['localhost', 'local', 'internal', 'invalid', 'arpa', 'onion']);
/** RFC 2606 names: fine locally, where the `.test` zone is simulated, never in production. */
const RESERVED_FOR_TESTING = new Set(['test', 'example']);

const invalidDomain = (message: string) => new Problem('validation-error', message, { extensions: { errors: [{ field: 'domain', message }] } });

/**
 * The domain as stored: trimmed, one trailing root dot dropped, lower-cased, an IDN in its punycode
 * form. Refuses URLs, addresses, IP literals, single labels, special-use names and the platform's own domain.
 */
export function normalizeSendingDomain(raw: string, env: Env): string {
  const input = raw.trim().replace(/\.$/, '');
  if (!input) throw invalidDomain('Enter a domain, e.g. acme.com.');
  const ip = 'An IP address cannot be a sending domain; enter a domain name.';
  if (/^\[|^[0-9a-f]*:[0-9a-f:.]*$/i.test(input)) throw invalidDomain(ip);
  if (/[\s/:@[\]]/.test(input)) throw invalidDomain('Enter the domain alone (acme.com): no http://, path, port or address.');
  const domain = toAsciiDomain(input);
  if (!/^[\x21-\x7e]+$/.test(domain)) throw invalidDomain('The domain contains characters that are not allowed.');
  const labels = domain.split('.');
  if (labels.every((l) => /^\d+$/.test(l))) throw invalidDomain(ip);
  if (domain.length > MAX_DOMAIN_LENGTH) throw invalidDomain(`The domain is longer than ${MAX_DOMAIN_LENGTH} characters.`);
  if (!labels.every((l) => LABEL.test(l))) throw invalidDomain('Each part of the domain must be 1–63 letters, digits or inner hyphens.');
  const tld = labels.at(-1)!;
  if (NEVER_PUBLIC.has(tld) || (RESERVED_FOR_TESTING.has(tld) && config(env).APP_ENV === 'production')) {
    throw invalidDomain(`${domain} is a reserved name that cannot send public email.`);
  }
  if (labels.length < 2) throw invalidDomain(`${domain} is not a full domain name: add its ending, e.g. ${domain}.com.`);
  if (!/^[a-z]{2,63}$/.test(tld) && !tld.startsWith('xn--')) throw invalidDomain(`.${tld} is not a top-level domain.`);
  const platform = platformDomain(env);
  if (domain === platform || domain.endsWith(`.${platform}`)) throw invalidDomain(`${domain} belongs to Edgepost's own sending domain.`);
  return domain;
}

/** `ep<yyyymm>-<4 random chars>`: dated for people, random so two workspaces sending from one domain never share a selector. */
function newSelector(now: Date, taken: ReadonlySet<string>) {
  const month = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  for (;;) {
    const suffix = Array.from(randomBytes(4), (b) => 'abcdefghjkmnpqrstvwxyz0123456789'[b % 32]).join('');
    const selector = `ep${month}-${suffix}`;
    if (!taken.has(selector)) return selector;
  }
}

async function newKeyRow(env: Env, domainId: string, selector: string, status: 'active' | 'pending', now: Date) {
  const pair = await generateDkimKeyPair();
  return {
    id: newId(ID_PREFIX.dkimKey),
    domainId,
    selector,
    publicKey: pair.publicKey,
    privateKeyEnc: await encryptSecret(encryptionKeys(env)[0], pair.privateKey),
    status,
    createdAt: now,
    activatedAt: status === 'active' ? now : null,
  };
}

export async function addDomain(env: Env, scope: TenantScope, raw: string, actor: AuditInput['actor']) {
  const domain = normalizeSendingDomain(raw, env);
  const plan = await planOf(scope);
  if (!plan.customDomains) {
    throw new Problem(
      'conflict',
      `The ${plan.plan} plan sends from ${plan.slug}@${platformDomain(env)}, signed by Edgepost, so there is nothing to set up. Sending from your own domain comes with paid plans: upgrade the plan to add ${domain}.`,
      { extensions: { plan: plan.plan, upgrade_required: true } },
    );
  }
  const used = await countDomains(scope);
  if (used >= plan.maxDomains) {
    throw new Problem('conflict', `The ${plan.plan} plan allows ${plan.maxDomains} sending domain${plan.maxDomains === 1 ? '' : 's'}. Upgrade the plan or remove a domain first.`, {
      extensions: { limit: plan.maxDomains, used },
    });
  }
  const existing = await scope.db.select({ id: sendingDomains.id }).from(sendingDomains).where(scope.own(sendingDomains, eq(sendingDomains.domain, domain))).get();
  if (existing) throw new Problem('conflict', `${domain} is already a sending domain of this workspace.`, { extensions: { existing_id: existing.id } });

  const now = new Date();
  const id = newId(ID_PREFIX.sendingDomain);
  // The first key is active at once: it is the one the DKIM record to publish carries.
  const key = await newKeyRow(env, id, newSelector(now, new Set()), 'active', now);
  try {
    await scope.db.batch([
      scope.db.insert(sendingDomains).values({ id, tenantId: scope.tenantId, domain, createdAt: now }),
      scope.db.insert(dkimKeys).values({ ...key, tenantId: scope.tenantId }),
      auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'domain.created', target: { type: 'sending_domain', id }, metadata: { selector: key.selector } }),
    ]);
  } catch (err) {
    // Two requests adding the same domain at once: the unique index keeps one.
    if (String(err).includes('UNIQUE')) throw new Problem('conflict', `${domain} is already a sending domain of this workspace.`);
    throw err;
  }
  return getDomainView(env, scope, id);
}

export async function deleteDomain(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  // Its DKIM keys go with it (ON DELETE CASCADE).
  await scope.remove(sendingDomains, id, 'Sending domain');
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'domain.deleted', target: { type: 'sending_domain', id } });
}

// ---------------------------------------------------------------------------------------------------
// Verification

/**
 * A domain is verified when every required record checks out. Once verified, a record that is
 * missing or wrong makes it failing; a lookup that failed proves nothing and leaves the status as it was.
 */
function nextStatus(current: DomainStatus, records: RecordCheck[]): DomainStatus {
  const required = records.filter((r) => r.required);
  if (required.some((r) => r.state === 'missing' || r.state === 'mismatch')) return current === 'pending' ? 'pending' : 'failing';
  if (required.some((r) => !r.ok)) return current;
  return 'verified';
}

/**
 * Looks the domain's records up, stores what was found, moves the status, and completes a pending key
 * rotation whose record is published (the new key becomes active, the old one retired). The status
 * update is conditional on the status read, so a cron run and a click racing each other notify once.
 */
export async function checkDomain(env: Env, scope: TenantScope, d: SendingDomain, resolver: DnsResolver, now = new Date()) {
  const platform = platformDomain(env);
  const keys = (await keysOf(scope, [d.id])).filter((k) => k.status !== 'retired');
  const checks = await checkRecords(expectedRecords(d.domain, platform, keys), resolver, platform);
  const pending = keys.find((k) => k.status === 'pending');
  const promote = pending && checks.some((c) => c.kind === 'dkim' && c.name === dkimRecordName(pending.selector, d.domain) && c.ok);
  const keysAfter = promote ? keys.filter((k) => k.id === pending.id).map((k) => ({ ...k, status: 'active' as const })) : keys;
  const records = withResults(expectedRecords(d.domain, platform, keysAfter), checks);
  const status = nextStatus(d.status, records);

  const [updated] = await scope.db.batch([
    scope.db
      .update(sendingDomains)
      .set({
        status,
        records,
        lastCheckedAt: now,
        updatedAt: now,
        verifiedAt: status === 'verified' ? (d.verifiedAt ?? now) : d.verifiedAt,
        failingSince: status === 'failing' ? (d.failingSince ?? now) : null,
      })
      .where(scope.own(sendingDomains, eq(sendingDomains.id, d.id), eq(sendingDomains.status, d.status)))
      .returning({ id: sendingDomains.id }),
    ...(promote
      ? [
          scope.db
            .update(dkimKeys)
            .set({ status: 'retired', retiredAt: now })
            .where(scope.own(dkimKeys, eq(dkimKeys.domainId, d.id), eq(dkimKeys.status, 'active'), ne(dkimKeys.id, pending.id))),
          scope.db.update(dkimKeys).set({ status: 'active', activatedAt: now }).where(scope.own(dkimKeys, eq(dkimKeys.id, pending.id), eq(dkimKeys.status, 'pending'))),
        ]
      : []),
  ]);
  if (!updated.length || status === d.status) return;
  if (status === 'verified' && !d.verifiedAt) {
    await notify(env, scope.db, { tenantId: scope.tenantId, kind: 'domain_verified', data: { domain: d.domain } });
  } else if (status === 'failing') {
    const broken = records.filter((r) => r.required && !r.ok);
    await notify(env, scope.db, {
      tenantId: scope.tenantId,
      kind: 'domain_broken',
      data: { domain: d.domain, record: broken.map(recordLabel).join(' and '), detail: broken.map((r) => r.detail).join(' ') },
    });
  }
}

/** `POST /v1/domains/{id}/verify`: checks now, rate-limited per workspace. */
export async function verifyDomain(env: Env, scope: TenantScope, id: string, resolver = resolverFor(env)) {
  const d = await scope.get(sendingDomains, id, 'Sending domain');
  await assertWithinRate(env, scope.tenantId, [{ name: 'domain-verify', spec: VERIFY_LIMIT }], 'verification checks');
  await checkDomain(env, scope, d, resolver);
  return getDomainView(env, scope, id);
}

/**
 * Development only: writes the domain's expected records into the local DNS zone, so verification can
 * succeed on the local stack. Production has no such thing: 404.
 */
export async function publishLocally(env: Env, scope: TenantScope, id: string) {
  if (config(env).APP_ENV === 'production') throw new Problem('not-found', 'Publishing DNS records locally exists only in development.');
  const d = await scope.get(sendingDomains, id, 'Sending domain');
  const keys = await keysOf(scope, [id]);
  await publishLocalRecords(env, localRecordSets(expectedRecords(d.domain, platformDomain(env), keys)));
  return domainView(env, d, keys);
}

// ---------------------------------------------------------------------------------------------------
// Key rotation

/** A new key under a new selector, pending until its record is published; the current key keeps signing meanwhile. */
async function startRotation(env: Env, scope: TenantScope, d: SendingDomain, actor: AuditInput['actor'], reason: 'requested' | 'yearly') {
  const keys = await keysOf(scope, [d.id]);
  const waiting = keys.find((k) => k.status === 'pending');
  if (waiting) {
    throw new Problem('conflict', `A key rotation is already waiting for its record: publish ${dkimRecordName(waiting.selector, d.domain)} and verify the domain.`);
  }
  const now = new Date();
  const key = await newKeyRow(env, d.id, newSelector(now, new Set(keys.map((k) => k.selector))), 'pending', now);
  await scope.db.batch([
    scope.db.insert(dkimKeys).values({ ...key, tenantId: scope.tenantId }),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'domain.dkim_rotation_started', target: { type: 'sending_domain', id: d.id }, metadata: { selector: key.selector, reason } }),
  ]);
  return key;
}

export async function rotateDkim(env: Env, scope: TenantScope, id: string, actor: AuditInput['actor']) {
  await startRotation(env, scope, await scope.get(sendingDomains, id, 'Sending domain'), actor, 'requested');
  return getDomainView(env, scope, id);
}

// ---------------------------------------------------------------------------------------------------
// Cron

/**
 * Every minute: re-checks the verified and failing domains whose last check is a day old, oldest first,
 * a few per run (each status read from the `sending_domains_check` index). One domain's failure is
 * logged and does not stop the others.
 */
export async function recheckDomains(env: Env, db: DB, now = Date.now(), resolver = resolverFor(env)) {
  const due = new Date(now - RECHECK_AFTER_MS);
  for (const status of ['failing', 'verified'] as const) {
    const rows = await db
      .select()
      .from(sendingDomains)
      .where(and(eq(sendingDomains.status, status), lt(sendingDomains.lastCheckedAt, due)))
      .orderBy(asc(sendingDomains.lastCheckedAt))
      .limit(RECHECK_BATCH)
      .all();
    for (const d of rows) {
      try {
        await checkDomain(env, tenantScope(db, d.tenantId), d, resolver, new Date(now));
      } catch (err) {
        log('error', 'domain_recheck_failed', { tenant_id: d.tenantId, domain_id: d.id, error: String(err) }, env.LOG_LEVEL);
      }
    }
  }
}

/** Hourly: starts the yearly rotation of active keys older than a year (on domains in use) and tells the managers. */
export async function rotateAgedKeys(env: Env, db: DB, now = Date.now()) {
  const aged = await db
    .select({ domain: sendingDomains })
    .from(dkimKeys)
    .innerJoin(sendingDomains, eq(sendingDomains.id, dkimKeys.domainId))
    .where(
      and(
        eq(dkimKeys.status, 'active'),
        lt(dkimKeys.activatedAt, new Date(now - DKIM_KEY_MAX_AGE_MS)),
        isNotNull(sendingDomains.verifiedAt),
        sql`not exists (select 1 from ${dkimKeys} as waiting where waiting.domain_id = ${dkimKeys.domainId} and waiting.status = 'pending')`,
      ),
    )
    .limit(ROTATION_BATCH)
    .all();
  for (const { domain: d } of aged) {
    try {
      const key = await startRotation(env, tenantScope(db, d.tenantId), d, SYSTEM, 'yearly');
      await notify(env, db, { tenantId: d.tenantId, kind: 'dkim_rotation', data: { domain: d.domain, record_name: dkimRecordName(key.selector, d.domain) } });
    } catch (err) {
      log('error', 'dkim_rotation_failed', { tenant_id: d.tenantId, domain_id: d.id, error: String(err) }, env.LOG_LEVEL);
    }
  }
}

/** Hourly: deletes keys retired more than the grace period ago. */
export async function purgeRetiredKeys(db: DB, now = Date.now()) {
  await db
    .delete(dkimKeys)
    .where(and(eq(dkimKeys.status, 'retired'), lt(dkimKeys.retiredAt, new Date(now - RETIRED_KEY_GRACE_MS))))
    .run();
}
