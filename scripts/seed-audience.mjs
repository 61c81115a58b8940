// The demo tenant's audience: 500 made-up but realistic contacts with tags, typed custom fields,
// list memberships and two saved segments. Deterministic (a seeded PRNG), and idempotent: contacts
// are keyed on (tenant, email), tags/fields/lists/segments on (tenant, name|key), so re-running
// adds nothing and edits made in the dashboard survive.
import { newId } from '../worker/lib/ids.ts';
import { lit } from './lib/sql.mjs';

export const DEMO_CONTACT_COUNT = 500;

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Katherine', 'Tim', 'Barbara', 'Dennis', 'Radia', 'Ken', 'Frances', 'Guido', 'Hedy', 'Edsger', 'Sophie', 'Yukihiro', 'Anita', 'Bjarne', 'Joan', 'Mateo', 'Amara', 'Lena', 'Kofi', 'Priya', 'Noah', 'Chiara', 'Jonas', 'Aylin', 'Lucas'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Johnson', 'Berners-Lee', 'Liskov', 'Ritchie', 'Perlman', 'Thompson', 'Allen', 'van Rossum', 'Lamarr', 'Dijkstra', 'Wilson', 'Matsumoto', 'Borg', 'Stroustrup', 'Clarke', 'García', 'Okafor', 'Schmidt', 'Mensah', 'Sharma', 'Martin', 'Rossi', 'Berg', 'Yılmaz', 'Dubois'];
const COMPANIES = ['Northwind', 'Globex', 'Initech', 'Umbrella Labs', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Acme Corp', 'Soylent', 'Tyrell', null, null];
const PLACES = [
  ['Berlin', 'DE', 'de', 'Europe/Berlin'],
  ['Paris', 'FR', 'fr', 'Europe/Paris'],
  ['London', 'GB', 'en', 'Europe/London'],
  ['Madrid', 'ES', 'es', 'Europe/Madrid'],
  ['Milan', 'IT', 'it', 'Europe/Rome'],
  ['New York', 'US', 'en', 'America/New_York'],
  ['San Francisco', 'US', 'en', 'America/Los_Angeles'],
  ['Toronto', 'CA', 'en', 'America/Toronto'],
  ['São Paulo', 'BR', 'pt-BR', 'America/Sao_Paulo'],
  ['Lagos', 'NG', 'en', 'Africa/Lagos'],
  ['Bangalore', 'IN', 'en', 'Asia/Kolkata'],
  ['Tokyo', 'JP', 'ja', 'Asia/Tokyo'],
  ['Sydney', 'AU', 'en', 'Australia/Sydney'],
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'inbox.example'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const SOURCES = ['signup-form', 'import', 'checkout', 'webinar'];

export const DEMO_FIELDS = [
  { key: 'plan', label: 'Plan', type: 'text' },
  { key: 'lifetime_value', label: 'Lifetime value (€)', type: 'number' },
  { key: 'signup_date', label: 'Signup date', type: 'date' },
  { key: 'beta_tester', label: 'Beta tester', type: 'boolean' },
];
const TAGS = ['customer', 'lead', 'vip', 'newsletter', 'beta', 'churn-risk'];
const LISTS = [
  { name: 'Newsletter', description: 'The monthly newsletter', doubleOptIn: 1 },
  { name: 'Product updates', description: 'Release notes and new features', doubleOptIn: 0 },
];

/** Segment rules in the /v1/segments format (domain/segment-rules.ts). */
export const DEMO_SEGMENTS = [
  {
    name: 'VIP customers in Europe',
    description: 'Tagged vip, subscribed, in an EU/UK country',
    rules: {
      match: 'all',
      conditions: [
        { field: 'tag', op: 'has', value: 'vip' },
        { field: 'status', op: 'eq', value: 'subscribed' },
        {
          match: 'any',
          conditions: ['DE', 'FR', 'GB', 'ES', 'IT'].map((country) => ({ field: 'country', op: 'eq', value: country })),
        },
      ],
    },
  },
  {
    name: 'High-value pro accounts',
    description: 'Pro or enterprise plan with a lifetime value over 1,000 €',
    rules: {
      match: 'all',
      conditions: [
        { match: 'any', conditions: [{ field: 'custom.plan', op: 'eq', value: 'pro' }, { field: 'custom.plan', op: 'eq', value: 'enterprise' }] },
        { field: 'custom.lifetime_value', op: 'gt', value: 1000 },
      ],
    },
  },
];

/** mulberry32: the same 500 people on every machine (the scale benchmark draws from it too). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The demo audience as plain data (also what tests compare the seeded database against). */
export function demoContacts(now = Date.now()) {
  const rand = prng(20261126);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const people = [];
  for (let i = 0; i < DEMO_CONTACT_COUNT; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [city, country, language, timezone] = pick(PLACES);
    const local = `${first}.${last}`.normalize('NFD').replace(/[^\w.]/g, '').toLowerCase();
    const created = now - Math.floor(rand() * 365) * 86_400_000 - Math.floor(rand() * 86_400_000);
    const roll = rand();
    const status = roll < 0.86 ? 'subscribed' : roll < 0.93 ? 'unsubscribed' : roll < 0.97 ? 'bounced' : 'pending';
    const tags = TAGS.filter((_, t) => rand() < [0.45, 0.35, 0.12, 0.6, 0.1, 0.08][t]);
    const source = pick(SOURCES);
    people.push({
      email: `${local}${i}@${pick(DOMAINS)}`,
      firstName: first,
      lastName: last,
      company: pick(COMPANIES),
      city,
      country,
      language,
      timezone,
      status,
      createdAt: created,
      consent: { source, at: new Date(created).toISOString(), ip: null, wording_version: source === 'signup-form' ? 'v2' : null },
      custom: {
        plan: pick(PLANS),
        lifetime_value: Math.round(rand() * 2500 * 100) / 100,
        signup_date: new Date(created).toISOString().slice(0, 10),
        beta_tester: tags.includes('beta'),
      },
      tags,
      lists: LISTS.filter((_, l) => rand() < [0.7, 0.4][l]).map((l) => l.name),
    });
  }
  return people;
}

const json = (value) => lit(JSON.stringify(value));
const tenantOf = (slug) => `(SELECT id FROM tenants WHERE slug = ${lit(slug)})`;

/** SQL statements seeding the audience of the tenant with this slug. */
export function audienceSql(slug, now = Date.now()) {
  const tenant = tenantOf(slug);
  const people = demoContacts(now);
  const statements = [];
  for (const f of DEMO_FIELDS) {
    statements.push(`INSERT INTO custom_fields (id, tenant_id, key, label, type) VALUES (${lit(newId('fld'))}, ${tenant}, ${lit(f.key)}, ${lit(f.label)}, ${lit(f.type)}) ON CONFLICT (tenant_id, key) DO NOTHING;`);
  }
  for (const name of TAGS) statements.push(`INSERT INTO tags (id, tenant_id, name) VALUES (${lit(newId('tag'))}, ${tenant}, ${lit(name)}) ON CONFLICT (tenant_id, name) DO NOTHING;`);
  for (const l of LISTS) {
    statements.push(`INSERT INTO lists (id, tenant_id, name, description, double_opt_in) VALUES (${lit(newId('lst'))}, ${tenant}, ${lit(l.name)}, ${lit(l.description)}, ${l.doubleOptIn}) ON CONFLICT (tenant_id, name) DO NOTHING;`);
  }
  for (const s of DEMO_SEGMENTS) {
    statements.push(`INSERT INTO segments (id, tenant_id, name, description, rules) VALUES (${lit(newId('seg'))}, ${tenant}, ${lit(s.name)}, ${lit(s.description)}, ${json(s.rules)}) ON CONFLICT (tenant_id, name) DO NOTHING;`);
  }
  // Multi-row statements in chunks: a few dozen statements instead of thousands keeps the seed quick.
  for (let i = 0; i < people.length; i += 100) {
    const rows = people.slice(i, i + 100).map(
      // Ids carry the contact's creation time, so newest-first lists look like a real history.
      (p) => `(${lit(newId('con', p.createdAt))}, ${tenant}, ${lit(p.email)}, ${lit(p.firstName)}, ${lit(p.lastName)}, ${lit(p.company)}, ${lit(p.city)}, ${lit(p.country)}, ${lit(p.language)}, ${lit(p.timezone)}, ${lit(p.status)}, ${json(p.consent)}, ${json(p.custom)}, ${p.createdAt})`,
    );
    statements.push(`INSERT INTO contacts (id, tenant_id, email, first_name, last_name, company, city, country, language, timezone, status, consent, custom, created_at) VALUES\n${rows.join(',\n')}\nON CONFLICT (tenant_id, email) DO NOTHING;`);
  }
  const byEmail = (values, columns, insert) => `WITH v(${columns}) AS (VALUES ${values.join(', ')})\n${insert}`;
  const tagRows = people.flatMap((p) => p.tags.map((t) => `(${lit(p.email)}, ${lit(t)})`));
  statements.push(
    byEmail(tagRows, 'email, tag', `INSERT INTO contact_tags (tenant_id, contact_id, tag_id) SELECT c.tenant_id, c.id, t.id FROM v JOIN contacts c ON c.tenant_id = ${tenant} AND c.email = v.email JOIN tags t ON t.tenant_id = c.tenant_id AND t.name = v.tag WHERE true ON CONFLICT DO NOTHING;`),
  );
  // Unsubscribed and bounced people stay on their lists as unsubscribed, as they would in real data.
  const memberStatus = (p) => (p.status === 'subscribed' || p.status === 'pending' ? p.status : 'unsubscribed');
  const listRows = people.flatMap((p) => p.lists.map((l) => `(${lit(p.email)}, ${lit(l)}, ${lit(memberStatus(p))})`));
  statements.push(
    byEmail(listRows, 'email, list, status', `INSERT INTO list_members (tenant_id, list_id, contact_id, status) SELECT c.tenant_id, l.id, c.id, v.status FROM v JOIN contacts c ON c.tenant_id = ${tenant} AND c.email = v.email JOIN lists l ON l.tenant_id = c.tenant_id AND l.name = v.list WHERE true ON CONFLICT DO NOTHING;`),
  );
  const eventRows = people.map((p) => `(${lit(p.email)}, ${lit(newId('evt', p.createdAt))}, ${json({ source: p.consent.source })}, ${p.createdAt})`);
  statements.push(
    byEmail(eventRows, 'email, id, data, at', `INSERT INTO contact_events (id, tenant_id, contact_id, type, data, created_at) SELECT v.id, c.tenant_id, c.id, 'created', v.data, v.at FROM v JOIN contacts c ON c.tenant_id = ${tenant} AND c.email = v.email WHERE NOT EXISTS (SELECT 1 FROM contact_events e WHERE e.tenant_id = c.tenant_id AND e.contact_id = c.id AND e.type = 'created');`),
  );
  return statements;
}
