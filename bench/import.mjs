// `node --import tsx bench/import.mjs`: a contact import of BENCH_ROWS (100,000) rows through the API
// under `wrangler dev` — upload, start, poll the job until done — against a raw D1 batch insert of the
// same rows into a fresh local D1 run by Miniflare in this process (20 rows per statement, 500
// statements per batch, timed inside the worker). Both use the same workerd and SQLite, so their ratio is what to read;
// absolute numbers move with the machine's load. BENCH_RUNS (2) runs of each; bounded in time.
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import path from 'node:path';
import { startStack, stopStack } from '../scripts/stack.mjs';
import { ROOT } from '../scripts/lib/paths.mjs';
import { adminToken } from './api-client.mjs';
import { migrationStatements } from './migrations.mjs';

const PORTS = { api: 8817, dashboard: 8818, smtp: 1055, maildevWeb: 1110 };
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const JOB_TIMEOUT_MS = 120_000;

const rows = Array.from({ length: ROWS }, (_, i) => [`person${i}@bench.example.com`, `First${i}`, `Last${i}`]);
const csvFor = (run) => ['email,first_name,last_name', ...rows.map(([email, first, last]) => `r${run}.${email},${first},${last}`)].join('\r\n');

/** The baseline worker: inserts the rows into the contacts table (its indexes and foreign keys as in production) as D1 batches. */
const BASELINE_WORKER = `
const batches = async (db, statements) => { for (let i = 0; i < statements.length; i += 500) await db.batch(statements.slice(i, i + 500)); };
const multiRow = (db, sql, columns, rows, perStatement) => {
  const statements = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const slice = rows.slice(i, i + perStatement);
    statements.push(db.prepare(sql + slice.map(() => '(' + Array(columns).fill('?').join(', ') + ')').join(', ')).bind(...slice.flat()));
  }
  return statements;
};
export default {
  async fetch(request, env) {
    const { migrations, tenant, rows } = await request.json();
    if (migrations) {
      for (const sql of migrations) await env.DB.prepare(sql).run();
      return new Response('ok');
    }
    await env.DB.prepare("insert into tenants (id, name, slug, plan_id) values (?, 'Bench', ?, 'enterprise')").bind(tenant, tenant).run();
    const started = Date.now();
    const contacts = rows.map(([email, first, last], i) => ['con_' + tenant + '_' + i, tenant, email, first, last]);
    await batches(env.DB, multiRow(env.DB, 'insert into contacts (id, tenant_id, email, first_name, last_name) values ', 5, contacts, 20));
    return Response.json({ ms: Date.now() - started });
  },
};`;

async function baselineRuns() {
  const mf = new Miniflare(convertV4MiniflareOptions({ modules: true, script: BASELINE_WORKER, d1Databases: ['DB'], compatibilityDate: '2026-11-01' }));
  try {
    const post = (body) => mf.dispatchFetch('http://bench/', { method: 'POST', body: JSON.stringify(body) });
    await post({ migrations: migrationStatements() });
    const times = [];
    for (let run = 0; run < RUNS; run++) times.push((await (await post({ tenant: `bench${run}`, rows })).json()).ms);
    return times;
  } finally {
    await mf.dispose();
  }
}

/** Upload, start, poll until done; also the job's own time, from its creation to its end. */
async function importRun(api, token, run) {
  const auth = { authorization: `Bearer ${token}` };
  const csv = csvFor(run);
  const started = performance.now();
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  const upload = await (await fetch(`${api}/v1/contacts/import/uploads`, { method: 'POST', headers: auth, body: form })).json();
  if (!upload.upload_id) throw new Error(`upload failed: ${JSON.stringify(upload)}`);
  const uploaded = performance.now();
  const job = await (await fetch(`${api}/v1/contacts/import`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ upload_id: upload.upload_id }) })).json();
  for (;;) {
    const state = await (await fetch(`${api}/v1/jobs/${job.id}`, { headers: auth })).json();
    if (state.status === 'succeeded' || state.status === 'failed') {
      if (state.status === 'failed' || state.result.created !== ROWS) throw new Error(`import did not create every row: ${JSON.stringify(state)}`);
      return { uploadMs: uploaded - started, totalMs: performance.now() - started, jobMs: Date.parse(state.finished_at) - Date.parse(state.created_at), bytes: csv.length };
    }
    if (performance.now() - started > JOB_TIMEOUT_MS) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const contactsOnly = await baselineRuns();
const stack = await startStack({ ports: PORTS, stateDir: path.join(ROOT, '.wrangler', 'bench-import-state'), envFile: path.join(ROOT, '.wrangler', 'bench-import-state', '.dev.vars'), fresh: true, quiet: true, dashboard: false, demoCampaigns: false, log: (m) => console.log(`[bench] ${m}`) });
try {
  // wrangler dev restarts the worker when a source file changes (other sessions edit this checkout),
  // dropping the job in flight: such a run is repeated, anything else that stalls is an error.
  let reloads = 0;
  for (const stream of [stack.services.api.child.stdout, stack.services.api.child.stderr]) stream.on('data', (d) => (reloads += String(d).split('Local server updated').length - 1));
  const admin = stack.logins.find((l) => l.totpSecret);
  const token = await adminToken(stack.urls.api, admin);
  const imports = [];
  for (let run = 0, attempt = 0; imports.length < RUNS; run++) {
    const before = reloads;
    const result = await importRun(stack.urls.api, token, run);
    if (result) imports.push(result);
    else if (reloads > before && ++attempt < 3) console.log(`[bench] run ${run} lost to a worker reload; repeating it`);
    else throw new Error(`an import did not finish within ${JOB_TIMEOUT_MS / 1000} s`);
  }
  const rate = (ms) => Math.round(ROWS / (ms / 1000));
  const best = (xs) => Math.min(...xs.map(Math.round));
  const row = (what, times) => `| ${what} | ${times.map(Math.round).join(', ')} | ${best(times)} | ${rate(best(times))} |`;
  console.log(`\n| what (${ROWS} rows) | run times (ms) | best | rows/s |\n|---|---|---:|---:|`);
  console.log(row('raw D1 batch insert into contacts (20 rows/statement, 500 statements/batch)', contactsOnly));
  console.log(row('import through the API: upload + start + poll until done', imports.map((r) => r.totalMs)));
  console.log(row('… the job alone: queued → finished', imports.map((r) => r.jobMs)));
  console.log(row(`… the upload (${(imports[0].bytes / 1e6).toFixed(1)} MB multipart)`, imports.map((r) => r.uploadMs)));
  console.log(`\nratio import / raw insert into contacts: ${(best(contactsOnly) / best(imports.map((r) => r.totalMs))).toFixed(2)} (target ≥ 0.5)`);
  console.log(`${new Date().toISOString()}, ${RUNS} runs each, best of each.`);
} finally {
  await stopStack();
}
