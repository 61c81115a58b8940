// Contact search, filters and segment counts in a tenant of 1,000,000 contacts (BENCH_CONTACTS to
// scale down), each reported as a ratio to a plain indexed page (GET /v1/contacts?limit=50, the
// newest contacts) measured in the same run. Run from bench/run.mjs against its stack.
//
// The tenant and its definitions (custom fields, tags, lists, segments) are made through the API;
// the rows themselves (contacts, tags, list memberships, opens and clicks in the past) are written
// straight into the stack's local D1 SQLite file with node:sqlite — a million API calls would take
// hours, and past opens cannot be made through the API — and then counted through the API, so the
// running workerd is known to see them.
import { readdirSync } from 'node:fs';
import { prng } from '../scripts/seed-audience.mjs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { newId } from '../worker/lib/ids.ts';

const CAPTCHA_PASS = 'XXXX.DUMMY.TOKEN.XXXX';
const DAY_MS = 86_400_000;
/** Rows of contacts written per transaction (with their tags, memberships and events). */
const LOAD_CHUNK = 25_000;

const FIRST = [
  'Maria', 'James', 'Anna', 'John', 'Sarah', 'Michael', 'Laura', 'David', 'Emma', 'Daniel', 'Sophie', 'Thomas', 'Julia', 'Robert', 'Marie', 'Peter',
  'Elena', 'Mark', 'Lisa', 'Paul', 'Martina', 'Carlos', 'Sofia', 'Lucas', 'Hannah', 'Martin', 'Chloé', 'Mario', 'Aisha', 'Andrea', 'Olivia', 'Luca',
  'Fatima', 'Jonas', 'Priya', 'Noah', 'Lena', 'Marco', 'Amara', 'Ahmed', 'Mia', 'Kofi', 'Ingrid', 'Hiroshi', 'Yuki', 'Mateo', 'Camille', 'Ravi',
  'Zoë', 'Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Katherine', 'Tim', 'Barbara', 'Dennis', 'Radia', 'Ken', 'Frances', 'Guido', 'Hedy', 'Edsger',
  'Ömer', 'Björn', 'Siobhan', 'Nkechi', 'Thandiwe', 'Mei', 'Wei', 'Sven', 'Astrid', 'Dmitri', 'Olga', 'Pierre', 'Agnieszka', 'Xavier', 'Quentin', 'Ulrike',
];
const LAST = [
  'Smith', 'Müller', 'García', 'Martin', 'Rossi', 'Johnson', 'Schmidt', 'Martínez', 'Bernard', 'Ferrari', 'Williams', 'Schneider', 'López', 'Dubois', 'Russo',
  'Brown', 'Fischer', 'Sánchez', 'Thomas', 'Bianchi', 'Jones', 'Weber', 'Pérez', 'Robert', 'Romano', 'Miller', 'Meyer', 'Gómez', 'Richard', 'Colombo',
  'Davis', 'Wagner', 'Fernández', 'Petit', 'Ricci', 'Wilson', 'Becker', 'Díaz', 'Durand', 'Marino', 'Taylor', 'Hoffmann', 'Moreno', 'Leroy', 'Greco',
  'Anderson', 'Schulz', 'Álvarez', 'Moreau', 'Bruno', 'Okafor', 'Mensah', 'Sharma', 'Patel', 'Nakamura', 'Tanaka', 'Kim', 'Nguyen', 'Yılmaz', 'Kowalski',
  'Novak', 'Horvat', 'Jensen', 'Hansen', 'Andersson', 'Virtanen', 'Papadopoulos', "O'Brien", 'Murphy', 'van Dijk', 'de Vries', 'Lovelace', 'Hopper',
  'Torvalds', 'Hamilton', 'Turing', 'Liskov', 'Ritchie', 'Perlman', 'Dijkstra', 'Zubiri', 'Quispe', 'Xu', 'Ivanova', 'Eze',
];
const DOMAINS = [
  ['gmail.example', 30], ['yahoo.example', 8], ['outlook.example', 10], ['icloud.example', 5], ['gmx.example', 4], ['web.example', 3], ['orange.example', 3],
  ['proton.example', 2], ['mail.example', 2], ['northwind.example', 1], ['globex.example', 1], ['initech.example', 1], ['hooli.example', 1],
];
const PLACES = [
  ['Berlin', 'DE', 'de', 'Europe/Berlin', 9], ['Paris', 'FR', 'fr', 'Europe/Paris', 8], ['London', 'GB', 'en', 'Europe/London', 10], ['Madrid', 'ES', 'es', 'Europe/Madrid', 6],
  ['Milan', 'IT', 'it', 'Europe/Rome', 6], ['New York', 'US', 'en', 'America/New_York', 14], ['San Francisco', 'US', 'en', 'America/Los_Angeles', 8],
  ['Toronto', 'CA', 'en', 'America/Toronto', 4], ['São Paulo', 'BR', 'pt-BR', 'America/Sao_Paulo', 5], ['Lagos', 'NG', 'en', 'Africa/Lagos', 3],
  ['Bangalore', 'IN', 'en', 'Asia/Kolkata', 5], ['Tokyo', 'JP', 'ja', 'Asia/Tokyo', 4], ['Sydney', 'AU', 'en', 'Australia/Sydney', 3],
  ['Amsterdam', 'NL', 'nl', 'Europe/Amsterdam', 3], ['Stockholm', 'SE', 'sv', 'Europe/Stockholm', 2], ['Warsaw', 'PL', 'pl', 'Europe/Warsaw', 3],
];
const COMPANIES = ['Northwind', 'Globex', 'Initech', 'Umbrella Labs', 'Hooli', 'Stark Industries', 'Acme Corp', 'Soylent', 'Tyrell', null, null, null, null];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const SOURCES = ['signup-form', 'import', 'checkout', 'webinar'];
/** Tag name and the share of contacts carrying it. */
const TAGS = [['customer', 0.3], ['lead', 0.35], ['newsletter', 0.5], ['vip', 0.04], ['beta', 0.08], ['churn-risk', 0.06], ['webinar-2026', 0.12], ['partner', 0.01]];
/** List name and the share of contacts on it. */
const LISTS = [['Newsletter', 0.7], ['Product updates', 0.35], ['Events', 0.1]];
const CAMPAIGNS = 12;

const FIELDS = [
  { key: 'plan', label: 'Plan', type: 'text' },
  { key: 'lifetime_value', label: 'Lifetime value', type: 'number' },
  { key: 'signup_date', label: 'Signup date', type: 'date' },
  { key: 'beta_tester', label: 'Beta tester', type: 'boolean' },
];

/** A picker over `items` where the item of rank r weighs 1/r^s (names are Zipf-like), or by explicit weights. */
function weighted(rand, items, weightOf) {
  const weights = items.map(weightOf);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  return () => {
    const x = rand();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
}

const ascii = (s) => s.normalize('NFD').replace(/[^\w]/g, '').toLowerCase();

/** Made-up but realistic people, oldest first; each is handed to `sink` as it is made. */
function generatePeople(count, now, sink) {
  const rand = prng(20261126);
  const first = weighted(rand, FIRST, (_, r) => 1 / (r + 1) ** 0.7);
  const last = weighted(rand, LAST, (_, r) => 1 / (r + 1) ** 0.6);
  const domain = weighted(rand, DOMAINS, (_, r) => DOMAINS[r][1]);
  const place = weighted(rand, PLACES, (_, r) => PLACES[r][4]);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const emails = new Set();
  const span = 3 * 365 * DAY_MS;
  for (let i = 0; i < count; i++) {
    const f = first();
    const l = last();
    const patterns = [`${ascii(f)}.${ascii(l)}`, `${ascii(f)[0]}${ascii(l)}`, `${ascii(f)}${ascii(l)}`, `${ascii(f)}_${ascii(l)}`, `${ascii(l)}.${ascii(f)}`, `${ascii(f)}${Math.floor(rand() * 99)}`];
    let email = `${pick(patterns)}@${domain()[0]}`;
    while (emails.has(email)) email = email.replace('@', String(Math.floor(rand() * 10)) + '@');
    emails.add(email);
    const createdAt = now - span + Math.floor((i / count) * span) + Math.floor(rand() * 60_000);
    const [city, country, language, timezone] = place();
    const roll = rand();
    const status = roll < 0.86 ? 'subscribed' : roll < 0.93 ? 'unsubscribed' : roll < 0.96 ? 'bounced' : roll < 0.985 ? 'pending' : roll < 0.99 ? 'complained' : 'cleaned';
    const tags = TAGS.filter(([, share]) => rand() < share).map(([name]) => name);
    const source = pick(SOURCES);
    const opens = status === 'subscribed' && rand() < 0.35 ? 1 + Math.floor(rand() * 3) : 0;
    sink({
      email,
      firstName: rand() < 0.03 ? null : f,
      lastName: rand() < 0.05 ? null : l,
      phone: rand() < 0.3 ? `+1555${String(Math.floor(rand() * 1e7)).padStart(7, '0')}` : null,
      company: pick(COMPANIES),
      city,
      country,
      language,
      timezone,
      status,
      createdAt,
      deletedAt: rand() < 0.01 ? now - Math.floor(rand() * 20) * DAY_MS : null,
      consent: { source, at: new Date(createdAt).toISOString(), ip: null, wording_version: source === 'signup-form' ? 'v2' : null },
      custom: {
        plan: pick(PLANS),
        lifetime_value: Math.round(rand() * 2500 * 100) / 100,
        signup_date: new Date(createdAt).toISOString().slice(0, 10),
        ...(rand() < 0.5 ? { beta_tester: tags.includes('beta') } : {}),
      },
      tags,
      lists: LISTS.filter(([, share]) => rand() < share).map(([name]) => name),
      // Opens (and some clicks) within the last 90 days, never before the contact existed.
      events: Array.from({ length: opens }, () => {
        const at = Math.max(createdAt + 1, now - Math.floor(rand() * 90 * DAY_MS));
        return { type: rand() < 0.25 ? 'click' : 'open', campaign: Math.floor(rand() * CAMPAIGNS), at };
      }),
    });
  }
}

/** The D1 database file of a `wrangler dev --persist-to stateDir` stack. */
function d1File(stateDir) {
  const dir = path.join(stateDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}`);
  return path.join(dir, files[0]);
}

/** Writes the people into the tenant's tables; returns what was written and one contact to look up by email. */
function loadPeople({ file, tenantId, tagIds, listIds, campaignIds, count, now }) {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 10000; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA wal_autocheckpoint = 0;');
  const insertContact = db.prepare(
    `INSERT INTO contacts (id, tenant_id, email, first_name, last_name, phone, company, city, country, language, timezone, status, consent, custom, created_at, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTag = db.prepare('INSERT INTO contact_tags (tenant_id, contact_id, tag_id) VALUES (?, ?, ?)');
  const insertMember = db.prepare('INSERT INTO list_members (tenant_id, list_id, contact_id, status, created_at) VALUES (?, ?, ?, ?, ?)');
  const insertEvent = db.prepare('INSERT INTO contact_events (id, tenant_id, contact_id, type, campaign_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const written = { contacts: 0, tags: 0, memberships: 0, events: 0 };
  let sample = null;
  let pending = 0;
  // The tables' own indexes, dropped for the load and created again from their stored definitions:
  // building an index from the finished table is several times faster than a million random inserts.
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('contacts', 'contact_tags', 'list_members', 'contact_events')`).all();
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  db.exec('BEGIN');
  try {
    generatePeople(count, now, (p) => {
      const id = newId('con', p.createdAt);
      insertContact.run(id, tenantId, p.email, p.firstName, p.lastName, p.phone, p.company, p.city, p.country, p.language, p.timezone, p.status, JSON.stringify(p.consent), JSON.stringify(p.custom), p.createdAt, p.deletedAt);
      for (const t of p.tags) insertTag.run(tenantId, id, tagIds[t]);
      // Unsubscribed and bounced people stay on their lists as unsubscribed, as they do in real data.
      const memberStatus = p.status === 'subscribed' || p.status === 'pending' ? p.status : 'unsubscribed';
      for (const l of p.lists) insertMember.run(tenantId, listIds[l], id, memberStatus, p.createdAt);
      for (const e of p.events) insertEvent.run(newId('evt', e.at), tenantId, id, e.type, campaignIds[e.campaign], JSON.stringify({ link: 0 }), e.at);
      written.contacts++;
      written.tags += p.tags.length;
      written.memberships += p.lists.length;
      written.events += p.events.length;
      if (written.contacts === Math.ceil(count / 2)) sample = p.email;
      if (++pending === LOAD_CHUNK) {
        db.exec('COMMIT; BEGIN');
        pending = 0;
      }
    });
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  } finally {
    for (const { sql } of indexes) db.exec(sql);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
  }
  return { written, sample };
}

/** How many live contacts a search matches (context for reading the table, not measured). */
function searchMatchCounts(file, tenantId, queries) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const stmt = db.prepare(
      `SELECT count(*) AS n FROM contacts WHERE tenant_id = ?1 AND deleted_at IS NULL
       AND (email LIKE ?2 ESCAPE '\\' OR first_name LIKE ?2 ESCAPE '\\' OR last_name LIKE ?2 ESCAPE '\\')`,
    );
    return Object.fromEntries(queries.map((q) => [q, stmt.get(tenantId, `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`).n]));
  } finally {
    db.close();
  }
}

/**
 * Signs up a tenant, fills it with `count` contacts and measures search, filters and segments.
 * `measure` is bench/run.mjs's helper; `durationMs` and `concurrency` apply to every row.
 */
export async function benchContactsAtScale({ api, stateDir, measure, count = Number(process.env.BENCH_CONTACTS ?? 1_000_000), durationMs = 5_000, concurrency = 1, log = console.log }) {
  const call = async (p, body, token) => {
    const request = () =>
      fetch(api + p, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // The load blocks this process for a while: the server may have closed the idle kept-alive socket.
    const res = await request().catch(request);
    const json = await res.json();
    if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const signup = await call('/v1/auth/signup', { tenant_name: 'Million Co', email: `scale-${Date.now()}@bench.edgepost.test`, password: 'Bench-Marmot-Quasar-64', captcha_token: CAPTCHA_PASS });
  const token = signup.token;
  const tenantId = signup.tenant.id;
  for (const f of FIELDS) await call('/v1/fields', f, token);
  const tagIds = {};
  for (const [name] of TAGS) tagIds[name] = (await call('/v1/tags', { name }, token)).id;
  const listIds = {};
  for (const [name] of LISTS) listIds[name] = (await call('/v1/lists', { name }, token)).id;
  const campaignIds = Array.from({ length: CAMPAIGNS }, () => newId('cmp'));

  const file = d1File(stateDir);
  const now = Date.now();
  log(`[bench] loading ${count.toLocaleString('en')} contacts into ${path.relative(process.cwd(), file)}…`);
  const loadStarted = performance.now();
  const { written, sample } = loadPeople({ file, tenantId, tagIds, listIds, campaignIds, count, now });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const live = (await call('/v1/segments/count', { rules: { match: 'all', conditions: [] } }, token)).count;
  log(`[bench] loaded in ${loadSeconds.toFixed(0)} s: ${JSON.stringify(written)}; the API counts ${live.toLocaleString('en')} live contacts.`);
  if (live === 0) throw new Error('the running worker does not see the loaded contacts');

  const searches = { common: 'mar', single: 's', rare: 'zub', none: 'qxj', email: sample };
  const matches = searchMatchCounts(file, tenantId, Object.values(searches));
  const all = (...conditions) => ({ match: 'all', conditions });
  const segmentRules = {
    tagCountry: all({ field: 'tag', op: 'has', value: 'vip' }, { field: 'country', op: 'eq', value: 'DE' }),
    customRange: all({ field: 'custom.lifetime_value', op: 'gt', value: 2000 }),
    listMember: all({ field: 'list', op: 'member', value: listIds['Events'] }),
    openedRecently: all({ field: 'activity', op: 'opened', value: { within_days: 30 } }),
  };
  const segmentIds = {};
  for (const [name, rules] of Object.entries(segmentRules)) segmentIds[name] = (await call('/v1/segments', { name, rules }, token)).id;

  const auth = { headers: { authorization: `Bearer ${token}` } };
  const get = (p) => () => fetch(api + p, auth);
  const post = (p, body) => () => fetch(api + p, { method: 'POST', headers: { ...auth.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const n = (x) => x.toLocaleString('en');
  const cases = [
    ['GET /v1/contacts?limit=50 (baseline: newest page, indexed)', get('/v1/contacts?limit=50')],
    [`?q=${searches.common} (common prefix, ${n(matches[searches.common])} matches)`, get(`/v1/contacts?limit=50&q=${searches.common}`)],
    [`?q=${searches.single} (one letter, ${n(matches[searches.single])} matches)`, get(`/v1/contacts?limit=50&q=${searches.single}`)],
    [`?q=${searches.rare} (rare prefix, ${n(matches[searches.rare])} matches)`, get(`/v1/contacts?limit=50&q=${searches.rare}`)],
    [`?q=${searches.none} (no match)`, get(`/v1/contacts?limit=50&q=${searches.none}`)],
    ['?q=<full email> (1 match)', get(`/v1/contacts?limit=50&q=${encodeURIComponent(sample)}`)],
    ['?status=unsubscribed', get('/v1/contacts?limit=50&status=unsubscribed')],
    ['?tag=vip (4 % of contacts)', get('/v1/contacts?limit=50&tag=vip')],
    ['?tag=newsletter (50 % of contacts)', get('/v1/contacts?limit=50&tag=newsletter')],
    ['?list=<Events>', get(`/v1/contacts?limit=50&list=${listIds['Events']}`)],
    ['?q=mar&status=unsubscribed&tag=customer', get(`/v1/contacts?limit=50&q=mar&status=unsubscribed&tag=customer`)],
    ['POST /v1/segments/count: all live contacts', post('/v1/segments/count', { rules: all() })],
    ['POST /v1/segments/count: tag vip AND country DE', post('/v1/segments/count', { rules: segmentRules.tagCountry })],
    ['GET /v1/segments/{id}/count: tag vip AND country DE', get(`/v1/segments/${segmentIds.tagCountry}/count`)],
    ['GET /v1/segments/{id}/count: custom lifetime_value > 2000', get(`/v1/segments/${segmentIds.customRange}/count`)],
    ['GET /v1/segments/{id}/count: list member (Events)', get(`/v1/segments/${segmentIds.listMember}/count`)],
    ['GET /v1/segments/{id}/count: opened in the last 30 days', get(`/v1/segments/${segmentIds.openedRecently}/count`)],
    ['GET /v1/segments/{id}/contacts: tag vip AND country DE', get(`/v1/segments/${segmentIds.tagCountry}/contacts?limit=50`)],
    ['GET /v1/segments/{id}/contacts: opened in the last 30 days', get(`/v1/segments/${segmentIds.openedRecently}/contacts?limit=50`)],
  ];
  const rows = [];
  for (const [name, request] of cases) {
    // `wrangler dev` restarts the worker when a source file changes (others may be editing): retry once.
    let res = await request();
    if (res.status === 503) res = await request();
    if (!res.ok) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    const body = await res.json();
    const shown = 'count' in body ? `count ${n(body.count)}` : `${body.data.length} on the page`;
    rows.push({ ...(await measure(name, request, { concurrency, durationMs })), shown });
  }

  const base = rows[0].rps;
  log(`\n### contacts at ${n(count)}\n`);
  log(`Loaded ${n(written.contacts)} contacts (${n(live)} live), ${n(written.tags)} tag links, ${n(written.memberships)} list memberships, ${n(written.events)} open/click events in ${loadSeconds.toFixed(0)} s.\n`);
  log('| request | answer | req/s | ratio to baseline | p50 ms | p99 ms | ok | failed |\n|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) log(`| ${r.name} | ${r.shown} | ${r.rps.toFixed(1)} | ${(r.rps / base).toFixed(3)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.failed} |`);
  log(`\n${new Date().toISOString()}, ${durationMs / 1000} s per row, ${concurrency} connection${concurrency === 1 ? '' : 's'}, wrangler dev on 127.0.0.1.`);
  return rows;
}
