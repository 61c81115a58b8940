// `node --import tsx bench/delivery.mjs`: emails per second through the real delivery engine, from
// `POST /v1/campaigns/:id/send` to the last message the SMTP sink accepts, for BENCH_RECIPIENTS
// (10,000) recipients — fan-out by the CampaignRunner, the send queue, the consumer's claims, permits,
// rendering, DKIM and one SMTP session per batch — against the baseline measured in the same run on
// the same machine and sink: the same number of prepared messages (the engine's own first message,
// byte for byte) sent by a plain worker-mailer loop from one Worker (Miniflare, in this process), one
// connection per 1,000 messages. Also the governor's overhead: the consumer's one `acquireSendPermits`
// call per batch of 50, against as many calls to a Durable Object that does nothing; and, to say where
// the engine's time goes, a second campaign of two-line letters (the HTML pass's share), the gaps
// between the rows' sent_at (per-message vs per-batch work) and the cost of the consumer's per-message
// D1 write. BENCH_RECIPIENTS, BENCH_RAW_RUNS (3) scale it; about 4 minutes at 10,000.
//
// The stack (`wrangler dev`, no dashboard, ports 8847/1085/1140, its own state) sends through the
// platform relay, pointed by SMTP_PORT at a discarding `smtp-server` in this process. The demo
// workspace's limits are lifted through the super-admin API so nothing throttles, and the stack seeds
// no demo campaign, so the measured campaign has the engine to itself. Only the ratios mean
// anything on these shared machines; the profile printed with them says where the engine's time goes.
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';
import { ROOT } from '../scripts/lib/paths.mjs';
import { startStack, stopStack } from '../scripts/stack.mjs';
import { newsletter } from '../worker/mail/starters/newsletter.ts';
import { adminToken, apiCall } from './api-client.mjs';
import { bundleBenchWorker } from './bundle-worker.mjs';
import { migrationStatements } from './migrations.mjs';

const PORTS = { api: 8847, dashboard: 8848, smtp: 1085, maildevWeb: 1140 };
const STATE_DIR = path.join(ROOT, '.wrangler', 'bench-delivery-state');
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 10_000);
const RAW_RUNS = Number(process.env.BENCH_RAW_RUNS ?? 3);
/** The send consumer's batch (max_batch_size): one permit call per batch. */
const PERMIT_BATCH = 50;
const PERMIT_CALLS = Math.ceil(RECIPIENTS / PERMIT_BATCH);
const PERMIT_ROUNDS = 5;
/** Recipients of the profiling campaign (a two-line letter instead of the newsletter). */
const PLAIN_RECIPIENTS = Math.min(2000, RECIPIENTS);
const ENGINE_TIMEOUT_MS = 20 * 60_000;
const RAW_TIMEOUT_MS = 5 * 60_000;

const started = performance.now();
const load = [loadavg()[0]];
const seconds = (ms) => (ms / 1000).toFixed(1);
const perSecond = (n, ms) => Math.round(n / (ms / 1000));

/**
 * The sink: accepts everything, keeps nothing but counts per run (the envelope recipient's local part
 * up to its first '-': `engine-…`, `raw1-…`) with the time of the first and last 250, and one whole
 * message of the engine run for the baseline to send.
 */
async function startSink() {
  const runs = new Map();
  let sample = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const label = session.envelope.rcptTo[0]?.address.split('-')[0] ?? '';
      const keep = label === 'engine' && sample === null ? [] : null;
      let bytes = 0;
      stream.on('data', (chunk) => {
        bytes += chunk.length;
        keep?.push(chunk);
      });
      stream.on('end', () => {
        const now = performance.now();
        const run = runs.get(label) ?? { n: 0, bytes: 0, firstAt: now, lastAt: now, from: session.envelope.mailFrom.address };
        run.n++;
        run.bytes += bytes;
        run.lastAt = now;
        runs.set(label, run);
        if (keep && sample === null) sample = Buffer.concat(keep).toString('utf8');
        callback();
      });
    },
  });
  server.on('error', () => {});
  const port = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.server.address().port)));
  return {
    port,
    run: (label) => runs.get(label) ?? { n: 0, bytes: 0 },
    sample: () => sample,
    async waitFor(label, n, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while ((runs.get(label)?.n ?? 0) < n) {
        if (performance.now() > deadline) throw new Error(`the sink got ${runs.get(label)?.n ?? 0} of ${n} ${label} messages within ${timeoutMs / 1000} s`);
        await sleep(20);
      }
      return runs.get(label);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Send-queue batches as wrangler dev reports them ("QUEUE edgepost-send 50/50 (812ms)"), with when each ended. */
function watchSendBatches(service) {
  const batches = [];
  let reloads = 0;
  for (const stream of [service.child.stdout, service.child.stderr]) {
    stream.on('data', (data) => {
      const text = String(data).replace(/\x1b\[[0-9;]*m/g, '');
      reloads += text.split('Local server updated').length - 1;
      for (const m of text.matchAll(/QUEUE edgepost-send (\d+)\/(\d+) \((\d+)ms\)/g)) batches.push({ at: performance.now(), size: Number(m[2]), ms: Number(m[3]) });
    });
  }
  return { batches, reloads: () => reloads };
}

/** `count` contacts `${label}-i@bench.edgepost.test` (the sink's run label), tagged `label`. */
async function importContacts(api, token, label, count) {
  const csv = ['email,first_name,last_name', ...Array.from({ length: count }, (_, i) => `${label}-${i}@bench.edgepost.test,Reader${i},Bench`)].join('\r\n');
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  form.append('tags', label);
  const job = await apiCall(api, '/v1/contacts/import', { token, form });
  for (const deadline = performance.now() + 120_000; performance.now() < deadline; await sleep(200)) {
    const state = await apiCall(api, `/v1/jobs/${job.id}`, { token });
    if (state.status === 'succeeded' && state.result.created === count) return;
    if (state.status === 'failed' || state.status === 'succeeded') throw new Error(`the import did not create every contact: ${JSON.stringify(state)}`);
  }
  throw new Error('the import did not finish within 120 s');
}

/** A campaign of the demo workspace from its verified domain to the contacts tagged `label`, checked ready. */
async function readyCampaign(api, token, label, count, template) {
  const { id: templateId } = await apiCall(api, '/v1/templates', { token, body: { name: `Bench ${label}`, ...template } });
  const campaign = await apiCall(api, '/v1/campaigns', { token, body: { name: `Delivery bench (${label})`, template_id: templateId, from_email: 'news@edgepost.test', audience: { tags: [label] } } });
  const check = await apiCall(api, `/v1/campaigns/${campaign.id}/checklist`, { token });
  if (!check.ready || check.recipients !== count) throw new Error(`the campaign is not ready: ${JSON.stringify(check)}`);
  return campaign.id;
}

/**
 * The demo workspace, made ready to send at full speed: limits lifted,
 * the recipients imported; the measured campaign uses the newsletter starter (10 KB of HTML, tracked
 * links), the profiling one a two-line letter, so their difference is the cost of the HTML pass.
 */
async function prepareEngine(stack) {
  const api = stack.urls.api;
  const demo = stack.logins.find((l) => l.email === 'demo@edgepost.test');
  const { token, tenant } = await apiCall(api, '/v1/auth/login', { body: { email: demo.email, password: demo.password } });
  const admin = await adminToken(api, stack.logins.find((l) => l.totpSecret));
  await apiCall(api, `/v1/admin/tenants/${tenant.id}/overrides`, {
    token: admin,
    method: 'PUT',
    body: { warmup_complete: true, send_rate_per_hour: 10_000_000, daily_emails: 1_000_000_000, monthly_emails: 1_000_000_000, max_contacts: 1_000_000 },
  });
  await importContacts(api, token, 'engine', RECIPIENTS);
  await importContacts(api, token, 'plain', PLAIN_RECIPIENTS);
  return {
    api,
    token,
    engine: await readyCampaign(api, token, 'engine', RECIPIENTS, { subject: newsletter.subject, preheader: newsletter.preheader, html: newsletter.html }),
    plain: await readyCampaign(api, token, 'plain', PLAIN_RECIPIENTS, { subject: 'Hello {{ first_name }}', html: '<p>Dear {{ first_name }},</p><p>A short letter.</p>' }),
  };
}

/** POST /send → the last message in the sink; then the campaign's own end (its status settles after the last send). */
async function engineRun({ api, token }, campaignId, sink, label, count) {
  const t0 = performance.now();
  await apiCall(api, `/v1/campaigns/${campaignId}/send`, { token, method: 'POST' });
  const run = await sink.waitFor(label, count, ENGINE_TIMEOUT_MS);
  let campaign;
  for (const deadline = performance.now() + 120_000; performance.now() < deadline; await sleep(200)) {
    campaign = await apiCall(api, `/v1/campaigns/${campaignId}`, { token });
    if (campaign.status === 'sent') break;
  }
  if (campaign.status !== 'sent' || campaign.progress.sent !== count) throw new Error(`the campaign did not end with every message sent: ${JSON.stringify(campaign.progress)}`);
  return {
    t0,
    ms: run.lastAt - t0,
    firstMs: run.firstAt - t0,
    /** From the first 250 to the last: the steady pace, without the start-up (fan-out, first batch). */
    steadyMsPerMessage: (run.lastAt - run.firstAt) / (count - 1),
    bytesPerMessage: run.bytes / run.n,
    campaignMs: Date.parse(campaign.finished_at) - Date.parse(campaign.started_at),
  };
}

/** The campaign's rows from the stack's D1 file: when each was fanned out and sent; its attempts. */
function rowTimeline(campaignId) {
  const dir = path.join(STATE_DIR, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  const db = new DatabaseSync(path.join(dir, file), { readOnly: true });
  try {
    return db.prepare('SELECT created_at AS createdAt, sent_at AS sentAt, attempts FROM messages WHERE campaign_id = ?').all(campaignId);
  } finally {
    db.close();
  }
}

/** The bench worker (bench/delivery-worker.ts) under Miniflare, with the governor and a no-op object as SQLite-backed Durable Objects. */
async function startBenchWorker() {
  return new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: await bundleBenchWorker('delivery-worker.ts'),
      compatibilityDate: '2026-11-01',
      compatibilityFlags: ['nodejs_compat'],
      d1Databases: ['DB'],
      durableObjects: { GOVERNOR: { className: 'TenantGovernor', useSQLite: true }, NOOP: { className: 'NoopObject', useSQLite: true } },
    }),
  );
}

async function post(mf, pathname, body) {
  const res = await mf.dispatchFetch(`http://bench${pathname}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Messages per request of the baseline. worker-mailer leaves timers behind for every message it sends,
 * and an invocation may hold at most 10,000 (workerd's limit), so one request cannot send 10,000
 * messages; each chunk opens its own connection, as each batch of the consumer does.
 */
const RAW_CHUNK = 1000;

/** The baseline: first request → the sink's last 250, as for the engine. */
async function rawRun(mf, sink, sample, envelopeFrom, label) {
  const t0 = performance.now();
  for (let from = 0; from < RECIPIENTS; from += RAW_CHUNK) {
    await post(mf, '/raw', { host: '127.0.0.1', port: sink.port, raw: sample, envelopeFrom, label, from, count: Math.min(RAW_CHUNK, RECIPIENTS - from) });
  }
  const run = await sink.waitFor(label, RECIPIENTS, RAW_TIMEOUT_MS);
  return { ms: run.lastAt - t0, bytesPerMessage: run.bytes / run.n };
}

/** PERMIT_CALLS governor calls vs as many no-op Durable Object calls, rounds alternating, best of each. */
async function permitOverhead(mf) {
  const timed = async (pathname) => {
    const t = performance.now();
    await post(mf, pathname, { calls: PERMIT_CALLS });
    return performance.now() - t;
  };
  await timed('/permits');
  await timed('/noop');
  const rounds = { permits: [], noop: [] };
  for (let r = 0; r < PERMIT_ROUNDS; r++) {
    for (const which of r % 2 ? ['noop', 'permits'] : ['permits', 'noop']) rounds[which].push(await timed(`/${which}`));
  }
  return { permits: Math.min(...rounds.permits), noop: Math.min(...rounds.noop) };
}

/** Rows marked sent per round (the consumer's write after each 250) and rounds of each way. */
const MARK_ROWS = 500;
const MARK_ROUNDS = 5;

/** The consumer's per-message D1 write, timed inside the worker (the inserts that set each round up are not counted). */
async function markCost(mf) {
  await post(mf, '/marks/setup', { migrations: migrationStatements() });
  const rounds = { each: [], batch: [] };
  for (let r = 0; r < MARK_ROUNDS * 2; r++) {
    const each = r % 2 === 0;
    rounds[each ? 'each' : 'batch'].push((await post(mf, '/marks', { round: r, n: MARK_ROWS, each })).ms);
  }
  return { each: Math.min(...rounds.each) / MARK_ROWS, batch: Math.min(...rounds.batch) / MARK_ROWS };
}

/**
 * How the consumer spent the run: its batches (from wrangler's QUEUE lines) and, from the rows' sent_at
 * (stamped at each 250), the gap between consecutive sends. Within a batch a gap is one message's
 * compose + SMTP exchange; the long gaps, one per batch, are the batch's fixed work (claims, contacts,
 * send context, permits, SMTP connect, the timeline insert, the next batch's start).
 */
function profile(engine, watched, rows) {
  const sentAt = rows.map((r) => r.sentAt).filter(Boolean).sort((a, b) => a - b);
  const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]).sort((a, b) => a - b);
  const medianGap = gaps[Math.floor(gaps.length / 2)] ?? 0;
  const longGaps = gaps.filter((g) => g > Math.max(5, 4 * medianGap));
  const fanOut = Math.max(...rows.map((r) => r.createdAt)) - Math.min(...rows.map((r) => r.createdAt));
  const batches = watched.batches.filter((b) => b.at >= engine.t0 && b.at <= engine.t0 + engine.ms + 2000);
  const busy = batches.reduce((a, b) => a + b.ms, 0);
  const sizes = batches.map((b) => b.size);
  const retried = rows.filter((r) => r.attempts > 1).length;
  // A batch that started before the previous one ended: consumer invocations running side by side.
  const overlapping = batches.filter((b, i) => i > 0 && b.at - b.ms < batches[i - 1].at - 50).length;
  return {
    fanOutMs: fanOut,
    firstSentMs: engine.firstMs,
    batches: batches.length,
    meanBatch: sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0,
    meanBatchMs: batches.length ? busy / batches.length : 0,
    busyShare: Math.min(1, busy / engine.ms),
    perMessageInBatchMs: busy / Math.max(1, sizes.reduce((a, b) => a + b, 0)),
    retried,
    overlapping,
    medianGap,
    meanShortGap: gaps.filter((g) => g <= Math.max(5, 4 * medianGap)).reduce((a, b) => a + b, 0) / Math.max(1, gaps.length - longGaps.length),
    longGaps: longGaps.length,
    meanLongGap: longGaps.reduce((a, b) => a + b, 0) / Math.max(1, longGaps.length),
    longGapShare: longGaps.reduce((a, b) => a + b, 0) / Math.max(1, sentAt[sentAt.length - 1] - sentAt[0]),
  };
}

const sink = await startSink();
let mf;
try {
  const stack = await startStack({
    ports: PORTS,
    stateDir: STATE_DIR,
    envFile: path.join(STATE_DIR, '.dev.vars'),
    fresh: true,
    quiet: true,
    dashboard: false,
    demoCampaigns: false,
    vars: { SMTP_PORT: String(sink.port) },
    log: (m) => console.log(`[bench] ${m}`),
  });
  const watched = watchSendBatches(stack.services.api);
  const prepared = await prepareEngine(stack);
  const reloadsBefore = watched.reloads();
  console.log(`[bench] sending ${RECIPIENTS.toLocaleString('en')} messages through the engine…`);
  const engine = await engineRun(prepared, prepared.engine, sink, 'engine', RECIPIENTS);
  console.log(`[bench] …and ${PLAIN_RECIPIENTS.toLocaleString('en')} two-line letters, to profile…`);
  const plain = await engineRun(prepared, prepared.plain, sink, 'plain', PLAIN_RECIPIENTS);
  if (watched.reloads() > reloadsBefore) console.log('[bench] warning: wrangler dev reloaded the worker during the engine runs (a source file changed); the runs include that restart');
  const p = profile(engine, watched, rowTimeline(prepared.engine));
  const pp = profile(plain, watched, rowTimeline(prepared.plain));
  await stopStack();

  mf = await startBenchWorker();
  const sample = sink.sample();
  const envelopeFrom = sink.run('engine').from;
  await post(mf, '/raw', { host: '127.0.0.1', port: sink.port, raw: sample, envelopeFrom, label: 'warmup', from: 0, count: 200 });
  const raws = [];
  for (let i = 1; i <= RAW_RUNS; i++) raws.push(await rawRun(mf, sink, sample, envelopeFrom, `raw${i}`));
  const permits = await permitOverhead(mf);
  const mark = await markCost(mf);
  load.push(loadavg()[0]);

  const raw = raws.reduce((a, b) => (b.ms < a.ms ? b : a));
  const engineRate = RECIPIENTS / (engine.ms / 1000);
  const rawRate = RECIPIENTS / (raw.ms / 1000);
  const perCall = (ms) => (ms / PERMIT_CALLS) * 1000;
  console.log(`\n| path (${RECIPIENTS.toLocaleString('en')} messages, ${Math.round(engine.bytesPerMessage).toLocaleString('en')} bytes each) | time (s) | messages/s | ratio to raw |\n|---|---:|---:|---:|`);
  console.log(`| raw worker-mailer loop, one connection per ${RAW_CHUNK}, prepared messages (best of ${RAW_RUNS}: ${raws.map((r) => seconds(r.ms)).join(', ')} s) | ${seconds(raw.ms)} | ${Math.round(rawRate)} | 1.00 |`);
  console.log(`| engine: POST /send → last message in the sink | ${seconds(engine.ms)} | ${Math.round(engineRate)} | **${(engineRate / rawRate).toFixed(2)}** |`);
  console.log(`\nratio engine / raw: ${(engineRate / rawRate).toFixed(3)} (target ≥ 0.5)`);
  console.log(`engine profile: first message ${seconds(p.firstSentMs)} s after POST /send; fan-out of ${RECIPIENTS} rows over ${seconds(p.fanOutMs)} s; ${p.batches} send-queue batches (mean ${p.meanBatch.toFixed(1)} messages, ${Math.round(p.meanBatchMs)} ms each = ${p.perMessageInBatchMs.toFixed(2)} ms per message); consumer busy ${(p.busyShare * 100).toFixed(0)} % of the run, ${p.overlapping} batches overlapping another; rows retried: ${p.retried}; campaign started → finished ${seconds(engine.campaignMs)} s`);
  console.log(`per message: engine ${(engine.ms / RECIPIENTS).toFixed(2)} ms (steady ${engine.steadyMsPerMessage.toFixed(2)} ms), raw ${(raw.ms / RECIPIENTS).toFixed(2)} ms`);
  console.log(`\n| profile (sent_at gaps) | messages | ms per message, steady | median gap ms | mean in-batch gap ms | long gaps (≈ batches) | mean long gap ms | share of the run in long gaps |\n|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const [what, run, q, n] of [[`newsletter (${Math.round(engine.bytesPerMessage / 1000)} KB)`, engine, p, RECIPIENTS], [`two-line letter (${Math.round(plain.bytesPerMessage / 1000)} KB)`, plain, pp, PLAIN_RECIPIENTS]]) {
    console.log(`| ${what} | ${n} | ${run.steadyMsPerMessage.toFixed(2)} | ${q.medianGap.toFixed(1)} | ${q.meanShortGap.toFixed(2)} | ${q.longGaps} | ${q.meanLongGap.toFixed(0)} | ${(q.longGapShare * 100).toFixed(0)} % |`);
  }
  console.log(`marking a row sent (the real schema, its four indexes): ${mark.each.toFixed(2)} ms per row with one statement each, as the consumer does after each 250; ${mark.batch.toFixed(3)} ms per row in one statement for ${MARK_ROWS} (best of ${MARK_ROUNDS}, Miniflare)`);
  console.log(`the newsletter's HTML pass (links, footer, pixel on 10 KB) costs ${(engine.steadyMsPerMessage - plain.steadyMsPerMessage).toFixed(2)} ms per message: ${(((engine.steadyMsPerMessage - plain.steadyMsPerMessage) / engine.steadyMsPerMessage) * 100).toFixed(0)} % of the engine's steady pace; the raw SMTP exchange ${(raw.ms / RECIPIENTS).toFixed(2)} ms`);
  console.log(`\n| governor (${PERMIT_CALLS} calls, best of ${PERMIT_ROUNDS}) | total ms | µs per call | µs per message (÷${PERMIT_BATCH}) | ratio to no-op |\n|---|---:|---:|---:|---:|`);
  console.log(`| no-op Durable Object call (fresh stub each, as governorOf) | ${Math.round(permits.noop)} | ${Math.round(perCall(permits.noop))} | ${(perCall(permits.noop) / PERMIT_BATCH).toFixed(1)} | 1.00 |`);
  console.log(`| acquireSendPermits (one per batch of ${PERMIT_BATCH}) | ${Math.round(permits.permits)} | ${Math.round(perCall(permits.permits))} | ${(perCall(permits.permits) / PERMIT_BATCH).toFixed(1)} | **${(permits.permits / permits.noop).toFixed(2)}** |`);
  console.log(`permit calls for a ${RECIPIENTS.toLocaleString('en')}-message campaign: ${Math.round(permits.permits)} ms = ${((permits.permits / engine.ms) * 100).toFixed(1)} % of the engine's run`);
  console.log(`\n${new Date().toISOString()}, wrangler dev (engine) and Miniflare in this process (raw, governor), one discarding smtp-server sink in this process; load average ${load.map((l) => l.toFixed(2)).join(' → ')}; ${seconds(performance.now() - started)} s`);
} finally {
  await mf?.dispose();
  await stopStack();
  await sink.close();
}
