// The demo tenant's sending domain: `edgepost.test`, verified, with a real DKIM key sealed under
// .dev.vars' ENCRYPTION_KEY, and its records published in the local DNS zone (R2), so the local
// stack verifies and signs exactly as production does. Idempotent: the key is kept while it still
// decrypts, and the rows are only rewritten when something changed.
import { expectedRecords, localRecordSets } from '../worker/domain/domain-records.ts';
import { decryptSecret, encryptSecret } from '../worker/lib/crypto.ts';
import { generateDkimKeyPair } from '../worker/lib/dkim-keys.ts';
import { publishLocalRecords } from '../worker/lib/dns.ts';
import { newId } from '../worker/lib/ids.ts';
import { lit } from './lib/sql.mjs';
import { d1Query, withLocalBucket, wranglerConfig } from './lib/wrangler.mjs';

export const DEMO_DOMAIN = { tenantSlug: 'demo', domain: 'edgepost.test', selector: 'epdemo' };

const DOMAIN_ROW = `(SELECT d.id FROM sending_domains d JOIN tenants t ON t.id = d.tenant_id
  WHERE t.slug = ${lit(DEMO_DOMAIN.tenantSlug)} AND d.domain = ${lit(DEMO_DOMAIN.domain)})`;

/** The demo domain's active key, when there is one that .dev.vars' ENCRYPTION_KEY still opens. */
async function currentKey({ vars, persistTo }) {
  const [row] = await d1Query(`SELECT selector, public_key, private_key_enc FROM dkim_keys WHERE domain_id = ${DOMAIN_ROW} AND status = 'active'`, { persistTo });
  if (!row) return null;
  const opened = await decryptSecret(vars.ENCRYPTION_KEY, row.private_key_enc).catch(() => null);
  return opened ? { selector: row.selector, publicKey: row.public_key } : null;
}

/** A fresh key replaces every key of the domain (there was none, or none the current ENCRYPTION_KEY opens). */
async function newKeySql({ vars, now }) {
  const pair = await generateDkimKeyPair();
  const sealed = await encryptSecret(vars.ENCRYPTION_KEY, pair.privateKey);
  const key = { selector: DEMO_DOMAIN.selector, publicKey: pair.publicKey };
  const statements = [
    `DELETE FROM dkim_keys WHERE domain_id = ${DOMAIN_ROW};`,
    `INSERT INTO dkim_keys (id, tenant_id, domain_id, selector, public_key, private_key_enc, status, created_at, activated_at)
SELECT ${lit(newId('dkk'))}, d.tenant_id, d.id, ${lit(key.selector)}, ${lit(key.publicKey)}, ${lit(sealed)}, 'active', ${now}, ${now}
FROM sending_domains d WHERE d.id = ${DOMAIN_ROW};`,
  ];
  return { key, statements };
}

/**
 * SQL for the domain and its key. Also records, on `context.localZone`, the DNS records the seeded
 * data expects to find, for `publishSeedZone` to write once the SQL has run.
 */
export async function demoDomainSql(context) {
  const { vars, now } = context;
  const platformDomain = vars.PLATFORM_SENDING_DOMAIN ?? (await wranglerConfig()).vars.PLATFORM_SENDING_DOMAIN;
  const existing = await currentKey(context);
  const fresh = existing ? null : await newKeySql(context);
  const key = existing ?? fresh.key;
  const expected = expectedRecords(DEMO_DOMAIN.domain, platformDomain, [{ ...key, status: 'active' }]);
  // As the verifier would store them after finding every record published.
  const records = JSON.stringify(expected.map((r) => ({ ...r, found: [r.expected], ok: true, state: 'ok' })));
  // The domain also receives mail (maildev stands in for its mail server), so addresses at it pass the MX check.
  context.localZone.push(...localRecordSets(expected), { name: DEMO_DOMAIN.domain, type: 'MX', values: [`10 ${platformDomain}.`] });
  return [
    `INSERT INTO sending_domains (id, tenant_id, domain, status, records, verified_at, last_checked_at, created_at)
SELECT ${lit(newId('dom'))}, id, ${lit(DEMO_DOMAIN.domain)}, 'verified', ${lit(records)}, ${now}, ${now}, ${now} FROM tenants WHERE slug = ${lit(DEMO_DOMAIN.tenantSlug)}
ON CONFLICT (tenant_id, domain) DO UPDATE SET status = 'verified', records = excluded.records, failing_since = NULL,
  verified_at = coalesce(sending_domains.verified_at, excluded.verified_at), last_checked_at = excluded.last_checked_at, updated_at = ${now}
WHERE (sending_domains.status, sending_domains.records) IS NOT ('verified', excluded.records);`,
    ...(fresh?.statements ?? []),
  ];
}

/** Writes the record sets the seed collected into the local DNS zone of `persistTo` (R2, binding FILES). */
export async function publishSeedZone({ localZone, persistTo }) {
  if (!localZone.length) return;
  await withLocalBucket('FILES', { persistTo }, (bucket) => publishLocalRecords({ APP_ENV: 'development', FILES: bucket }, localZone));
}
