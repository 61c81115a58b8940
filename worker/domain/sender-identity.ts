import { and, asc, eq } from 'drizzle-orm';
import type { DB } from '../db/client';
import { dkimKeys, memberships, plans, sendingDomains, tenants, users, type Tenant } from '../db/schema';
import { tenantScope } from '../db/tenant-scope';
import { encryptionKeys, type Env } from '../env';
import { decryptSecret } from '../lib/crypto';
import { dkimRecordValue, publicKeyOf } from '../lib/dkim-keys';
import { canonicalName } from '../lib/dns';
import { importDkimPrivateKey, type DkimSigner } from '../mail/dkim';
import { Problem } from '../lib/problem';
import { dkimRecordName, returnPathHost } from './domain-records';
import { checkSyntax, normalizeEmail } from './email-validation';

/** Who a message is from and how it is signed: what the mail pipeline needs for every message. */
export interface SenderIdentity {
  from: { name: string; email: string };
  replyTo: string | null;
  /** The envelope sender (MAIL FROM, Return-Path): bounces come back to the platform either way. */
  returnPath: string;
  dkim: DkimSigner;
}

export type SenderTenant = Pick<Tenant, 'id' | 'name' | 'slug' | 'planId' | 'defaultFromName' | 'defaultReplyTo'>;

export interface RequestedFrom {
  email: string;
  name?: string | null;
}

// Importing an RSA key costs milliseconds and the sender asks per batch: keep them per isolate, by key id
// (a rotated key has a new id, so nothing stale is ever served).
const importedKeys = new Map<string, Promise<CryptoKey>>();
const IMPORTED_KEYS_LIMIT = 1000;

function cachedKey(cacheKey: string, load: () => Promise<CryptoKey>): Promise<CryptoKey> {
  let key = importedKeys.get(cacheKey);
  if (!key) {
    if (importedKeys.size >= IMPORTED_KEYS_LIMIT) importedKeys.clear();
    key = load();
    // A failed import is not remembered: the next batch tries again.
    key.catch(() => importedKeys.delete(cacheKey));
    importedKeys.set(cacheKey, key);
  }
  return key;
}

const platformPublicKeys = new Map<string, Promise<string>>();

export const platformDomain = (env: Env) => canonicalName(env.PLATFORM_SENDING_DOMAIN);

/** The platform domain's DKIM record, for the operator to publish (GET /v1/domains shows it). */
export async function platformDkimRecord(env: Env) {
  const secret = env.PLATFORM_DKIM_PRIVATE_KEY;
  let publicKey = platformPublicKeys.get(secret);
  if (!publicKey) {
    publicKey = publicKeyOf(secret);
    platformPublicKeys.set(secret, publicKey);
  }
  return { selector: env.PLATFORM_DKIM_SELECTOR, name: dkimRecordName(env.PLATFORM_DKIM_SELECTOR, platformDomain(env)), value: dkimRecordValue(await publicKey) };
}

/** Replies to mail from the platform domain go to the workspace: its default Reply-To, else its first owner. */
async function workspaceReplyTo(db: DB, tenant: SenderTenant) {
  if (tenant.defaultReplyTo) return tenant.defaultReplyTo;
  const owner = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.role, 'owner')))
    .orderBy(asc(memberships.createdAt))
    .limit(1)
    .get();
  return owner?.email ?? null;
}

const refuse = (detail: string) => new Problem('validation-error', detail, { extensions: { errors: [{ field: 'from_email', message: detail }] } });

/**
 * The From, Reply-To, envelope sender and DKIM key of a workspace's mail.
 * - No From asked for (or the workspace's own platform address): `"Name" <slug@platform domain>`,
 *   replies to the workspace, signed with the platform key: a new workspace can send at once.
 * - A From on a sending domain of the workspace that passed verification (verified, or failing since:
 *   a DNS slip must not stop a campaign halfway, and the owner has been told): signed with that domain's
 *   active key. Anything else is refused: only verified domains may be used as From.
 */
export async function senderIdentity(env: Env, db: DB, tenant: SenderTenant, requestedFrom?: RequestedFrom): Promise<SenderIdentity> {
  const platform = platformDomain(env);
  const platformEmail = `${tenant.slug}@${platform}`;
  const name = requestedFrom?.name?.trim() || tenant.defaultFromName || tenant.name;
  const email = requestedFrom ? normalizeEmail(requestedFrom.email) : platformEmail;

  if (email === platformEmail) {
    const secret = env.PLATFORM_DKIM_PRIVATE_KEY;
    return {
      from: { name, email },
      replyTo: await workspaceReplyTo(db, tenant),
      returnPath: `bounces@${platform}`,
      dkim: { domain: platform, selector: env.PLATFORM_DKIM_SELECTOR, privateKey: await cachedKey(`platform:${secret}`, () => importDkimPrivateKey(secret)) },
    };
  }

  if (!checkSyntax(email).ok) throw refuse(`${requestedFrom!.email} is not a valid From address.`);
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (domain === platform || domain.endsWith(`.${platform}`)) {
    throw refuse(`On ${platform} this workspace sends only as ${platformEmail}.`);
  }
  const plan = await db.select({ name: plans.name, customDomains: plans.customDomains }).from(tenants).innerJoin(plans, eq(plans.id, tenants.planId)).where(eq(tenants.id, tenant.id)).get();
  if (!plan?.customDomains) {
    throw refuse(`The ${plan?.name ?? 'current'} plan sends from ${platformEmail}. Sending from your own domain comes with paid plans.`);
  }
  const scope = tenantScope(db, tenant.id);
  const row = await db.select().from(sendingDomains).where(scope.own(sendingDomains, eq(sendingDomains.domain, domain))).get();
  if (!row || !row.verifiedAt || row.status === 'pending') {
    throw refuse(`Only verified domains may be used as From: ${domain} is not a verified sending domain of this workspace. Verify it under Domains, or send from ${platformEmail}.`);
  }
  const key = await db.select().from(dkimKeys).where(scope.own(dkimKeys, eq(dkimKeys.domainId, row.id), eq(dkimKeys.status, 'active'))).get();
  if (!key) throw new Error(`verified sending domain ${row.id} has no active DKIM key`);
  return {
    from: { name, email },
    replyTo: tenant.defaultReplyTo ?? null,
    returnPath: `bounces@${returnPathHost(domain)}`,
    dkim: {
      domain,
      selector: key.selector,
      privateKey: await cachedKey(key.id, async () => importDkimPrivateKey(await decryptSecret(encryptionKeys(env), key.privateKeyEnc))),
    },
  };
}
