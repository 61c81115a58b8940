// Idempotent seed of the local database: the demo tenant and the platform super-admin.
// Re-running changes nothing, except that the passwords follow .dev.vars (DEMO_PASSWORD,
// ADMIN_PASSWORD). Every statement is an upsert keyed on a natural key (slug, email, tenant+user),
// so ids generated on the first run stay. Later issues add seed steps as more small functions.
// The worker's own helpers (TypeScript, loaded through tsx), so seeded hashes, ids and encrypted
// secrets are exactly what the worker reads.
import { ensureDevVars } from './dev-vars.mjs';
import { decryptSecret, encryptSecret, hashPassword, verifyPassword } from '../worker/lib/crypto.ts';
import { newId } from '../worker/lib/ids.ts';
import { DEV_STATE_DIR, isMain } from './lib/paths.mjs';
import { applyMigrations, d1ExecuteSql, d1Query } from './lib/wrangler.mjs';
import { audienceSql } from './seed-audience.mjs';
import { templatesSql } from './seed-templates.mjs';
import { demoDomainSql, publishSeedZone } from './seed-domains.mjs';
import { lit } from './lib/sql.mjs';

/** Who the seed creates; each user owns one tenant. The start banner prints these logins. */
export function seedAccounts(vars) {
  return [
    {
      label: 'Demo tenant owner',
      // An established sender (ARCHITECTURE.md): campaigns and test sends need the postal address of the footer.
      tenant: { name: 'Demo Company', slug: 'demo', planId: 'pro', country: 'US', postalAddress: { line1: '548 Market Street', line2: 'Suite 100', city: 'San Francisco', region: 'CA', postal_code: '94104', country: 'US' } },
      user: { email: 'demo@edgepost.test', name: 'Demo Owner', password: vars.DEMO_PASSWORD },
    },
    {
      // A super-admin because SUPER_ADMIN_EMAILS (wrangler.toml) lists this address.
      label: 'Platform super-admin',
      tenant: { name: 'Edgepost Platform', slug: 'platform', planId: 'enterprise' },
      // Super-admin powers also need a second factor: the seed enrols ADMIN_TOTP_SECRET
      // (`npm run admin-code` prints the current code).
      user: { email: 'admin@edgepost.test', name: 'Platform Admin', password: vars.ADMIN_PASSWORD, totpSecret: vars.ADMIN_TOTP_SECRET },
    },
  ];
}

/** The `WHERE … IS NOT …` guards skip no-op updates, so a re-run does not even touch updated_at. */
function upsertTenant({ name, slug, planId }, now) {
  return `INSERT INTO tenants (id, name, slug, plan_id, status)
VALUES (${lit(newId('ten'))}, ${lit(name)}, ${lit(slug)}, ${lit(planId)}, 'active')
ON CONFLICT (slug) DO UPDATE SET name = excluded.name, plan_id = excluded.plan_id, status = excluded.status, updated_at = ${now}
WHERE (tenants.name, tenants.plan_id, tenants.status) IS NOT (excluded.name, excluded.plan_id, excluded.status);`;
}

/**
 * The demo tenant is an established sender (ARCHITECTURE.md): its first send was three months ago,
 * so the warm-up schedule is behind it and it sends at its plan's rate. Set once.
 */
function establishedSender({ slug }, now) {
  return `UPDATE tenants SET sending_started_at = ${now - 90 * 86_400_000} WHERE slug = ${lit(slug)} AND sending_started_at IS NULL;`;
}

/** Set once: an address the demo user changes in Settings stays as they left it. */
function initialAddress({ slug, country, postalAddress }, now) {
  return `UPDATE tenants SET postal_address = ${lit(JSON.stringify(postalAddress))}, country = coalesce(country, ${lit(country)}), updated_at = ${now}
WHERE slug = ${lit(slug)} AND postal_address IS NULL;`;
}

function upsertVerifiedUser({ email, name }, passwordHash, now) {
  return `INSERT INTO users (id, email, name, password_hash, email_verified_at, password_changed_at)
VALUES (${lit(newId('usr'))}, ${lit(email)}, ${lit(name)}, ${lit(passwordHash)}, ${now}, ${now})
ON CONFLICT (email) DO UPDATE SET
  name = excluded.name,
  password_hash = excluded.password_hash,
  password_changed_at = iif(users.password_hash IS excluded.password_hash, users.password_changed_at, excluded.password_changed_at),
  email_verified_at = coalesce(users.email_verified_at, excluded.email_verified_at),
  updated_at = ${now}
WHERE (users.name, users.password_hash) IS NOT (excluded.name, excluded.password_hash) OR users.email_verified_at IS NULL;`;
}

function upsertMembership(slug, email, role) {
  // INSERT … SELECT needs its WHERE for SQLite to parse the ON CONFLICT clause that follows.
  return `INSERT INTO memberships (id, tenant_id, user_id, role)
SELECT ${lit(newId('mem'))}, tenants.id, users.id, ${lit(role)} FROM tenants, users
WHERE tenants.slug = ${lit(slug)} AND users.email = ${lit(email)}
ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role WHERE memberships.role IS NOT excluded.role;`;
}

/**
 * The hash to store per email: the current one while it still matches the password in .dev.vars
 * (hashes are salted, so rehashing would change the row on every run), else a fresh one.
 */
async function passwordHashes(users, persistTo) {
  const emails = users.map((u) => lit(u.email)).join(', ');
  const rows = await d1Query(`SELECT email, password_hash FROM users WHERE email IN (${emails})`, { persistTo });
  const stored = new Map(rows.map((r) => [r.email, r.password_hash]));
  const hashes = new Map();
  for (const { email, password } of users) {
    const current = stored.get(email);
    hashes.set(email, current && (await verifyPassword(password, current)) ? current : await hashPassword(password));
  }
  return hashes;
}

/**
 * Enrols the user's TOTP secret. The stored value is encrypted with a random IV, so it is rewritten
 * only when it no longer decrypts to the secret in .dev.vars (new key or new secret).
 */
async function enrolTotpSql({ email, totpSecret }, { vars, persistTo, now }) {
  const [row] = await d1Query(`SELECT totp_secret FROM users WHERE email = ${lit(email)}`, { persistTo });
  const current = row?.totp_secret ? await decryptSecret(vars.ENCRYPTION_KEY, row.totp_secret).catch(() => null) : null;
  if (current === totpSecret) return [];
  const sealed = await encryptSecret(vars.ENCRYPTION_KEY, totpSecret);
  return [`UPDATE users SET totp_secret = ${lit(sealed)}, totp_enabled_at = ${now}, totp_last_step = NULL, updated_at = ${now} WHERE email = ${lit(email)};`];
}

async function seedAccountsSql(context) {
  const { vars, persistTo, now } = context;
  const accounts = seedAccounts(vars);
  const hashes = await passwordHashes(accounts.map((a) => a.user), persistTo);
  const statements = [];
  for (const { tenant, user } of accounts) {
    statements.push(upsertTenant(tenant, now), upsertVerifiedUser(user, hashes.get(user.email), now), upsertMembership(tenant.slug, user.email, 'owner'));
    if (tenant.postalAddress) statements.push(initialAddress(tenant, now), establishedSender(tenant, now));
    if (user.totpSecret) statements.push(...(await enrolTotpSql(user, context)));
  }
  return statements;
}

/** The demo tenant's contacts, tags, custom fields, lists and segments (scripts/seed-audience.mjs). */
const seedAudienceSql = ({ now }) => audienceSql('demo', now);

/** Three of the starter templates (scripts/seed-templates.mjs). */
const seedTemplatesSql = ({ now }) => templatesSql('demo', now);

/**
 * Each step returns SQL statements; later issues append steps (campaigns…). A step may add
 * DNS record sets to `context.localZone`, published in the local DNS zone (R2) after the SQL ran.
 */
const STEPS = [seedAccountsSql, seedAudienceSql, demoDomainSql, seedTemplatesSql];

/** Seeds the local D1 in `persistTo` (migrations must be applied) in one wrangler call, then the local DNS zone. */
export async function seed({ persistTo = DEV_STATE_DIR, vars }) {
  const context = { vars, persistTo, now: Date.now(), localZone: [] };
  const statements = [];
  for (const step of STEPS) statements.push(...(await step(context)));
  await d1ExecuteSql(statements.join('\n\n'), { persistTo });
  await publishSeedZone(context);
}

if (isMain(import.meta.url)) {
  const { vars } = ensureDevVars();
  await applyMigrations({ persistTo: DEV_STATE_DIR });
  await seed({ vars });
  console.log('Seeded the local database (.wrangler/state): demo and platform tenants, demo@edgepost.test, admin@edgepost.test, 500 demo contacts with lists and segments, the verified sending domain edgepost.test, 3 templates.');
}
