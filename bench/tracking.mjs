// The recipient endpoints under load, for bench/run.mjs: the open pixel and the click redirect
// against GET /health served by the same `wrangler dev` in the same run (target: at least 0.8 of its
// throughput), then events per second through the events consumer — a burst of opens from real
// tokens, timed from the first request to the last timeline row. Loopback only, bounded in count.
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDevVars } from '../scripts/dev-vars.mjs';
import { d1Query } from '../scripts/lib/wrangler.mjs';
import { signTrackingToken } from '../worker/mail/tracking-tokens.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const EVENT_BURST = Number(process.env.BENCH_EVENTS ?? 2_000);
const EVENTS_TIMEOUT_MS = 120_000;

export async function benchTracking({ api, stateDir, envFile, measure, health, session }) {
  const { vars } = ensureDevVars(envFile);
  const auth = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
  const contact = await (await fetch(`${api}/v1/contacts`, { method: 'POST', headers: auth, body: JSON.stringify({ email: `reader-${Date.now()}@bench.example.com` }) })).json();
  if (!contact.id) throw new Error(`could not create the bench contact: ${JSON.stringify(contact)}`);
  const recipient = { tenantId: session.tenant.id, messageId: 'msg_bench', contactId: contact.id };
  const open = await signTrackingToken(vars.TOKEN_SIGNING_KEYS, { ...recipient, kind: 'o' });
  const click = await signTrackingToken(vars.TOKEN_SIGNING_KEYS, { ...recipient, kind: 'c', url: 'https://shop.example/sale', linkIndex: 0 });
  const headers = { headers: { 'user-agent': CHROME } };

  const rows = [
    await measure('GET /t/o/:token (open pixel: verify, GIF, event queued after the response)', () => fetch(`${api}/t/o/${open}`, headers)),
    await measure('GET /t/c/:token (click: verify, 302, event queued after the response)', () => fetch(`${api}/t/c/${click}`, { ...headers, redirect: 'manual' }), { ok: (res) => res.status === 302 }),
  ];
  console.log(`\n| endpoint | req/s | ratio to /health (target ≥ 0.8) | p50 ms | p99 ms | ok | failed |\n|---|---:|---:|---:|---:|---:|---:|`);
  console.log(`| ${health.name} | ${health.rps.toFixed(0)} | 1.00 | ${health.p50} | ${health.p99} | ${health.ok} | ${health.failed} |`);
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${(r.rps / health.rps).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.failed} |`);

  // Let the load's own events drain, then time a burst of known size through the consumer.
  const countEvents = async () => (await d1Query(`SELECT count(*) AS n FROM contact_events WHERE contact_id = '${contact.id}'`, { persistTo: stateDir }))[0].n;
  let before = await countEvents();
  for (let settled = 0; settled < 3; ) {
    await sleep(2_000);
    const now = await countEvents();
    settled = now === before ? settled + 1 : 0;
    before = now;
  }
  const started = performance.now();
  for (let sent = 0; sent < EVENT_BURST; sent += 50) await Promise.all(Array.from({ length: Math.min(50, EVENT_BURST - sent) }, () => fetch(`${api}/t/o/${open}`, headers).then((r) => r.arrayBuffer())));
  const requestsDone = performance.now();
  let recorded = 0;
  while ((recorded = (await countEvents()) - before) < EVENT_BURST && performance.now() - started < EVENTS_TIMEOUT_MS) await sleep(250);
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nevents consumer: ${recorded} of ${EVENT_BURST} opens recorded in ${seconds.toFixed(1)} s from the first request (requests took ${((requestsDone - started) / 1000).toFixed(1)} s): ${(recorded / seconds).toFixed(0)} events/s end to end.`);
}
