// `node --import tsx bench/render.mjs`: messages per second through the real mail pipeline, inside
// workerd (Miniflare, in this process), over the newsletter starter and BENCH_RECIPIENTS (300) recipients
// whose names differ, at three depths measured in the same run:
//   merge — compiled.render alone (Liquid, spintax, text part): the baseline;
//   build — composeRecipientMessage without a DKIM signer: signed recipient links, merge, click
//           rewriting, footer, pixel, MIME;
//   sign  — the same with an RSA-2048 DKIM signature: what a campaign sends.
// Only the ratios mean anything on these shared machines. Each request renders every recipient (ten
// times over for the cheap merge) and is timed from here, around dispatchFetch: in a deployed Worker the
// clock stands still while code runs (it advances only on I/O), so a Worker cannot time its own CPU work;
// local workerd's clock does advance (checked), but timing from outside holds in both. A request's fixed
// cost is measured too (an empty batch). Best of BENCH_ROUNDS (10) rounds, stopped early after 45 s.
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { generateKeyPairSync } from 'node:crypto';
import { loadavg } from 'node:os';
import { bundleBenchWorker } from './bundle-worker.mjs';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const BUDGET_MS = 45_000;
/** [mode, what it does, passes over the recipients per request (the merge is ~20× cheaper)]. */
const MODES = [
  ['merge', 'merge only: compiled.render (baseline)', 10],
  ['build', '+ signed links, click rewriting, footer, pixel, MIME (no DKIM)', 1],
  ['sign', '+ DKIM signature, RSA-2048: the full pipeline', 1],
];

const started = performance.now();
const load = [loadavg()[0]];
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const mf = new Miniflare(
  convertV4MiniflareOptions({
    modules: true,
    script: await bundleBenchWorker('render-worker.ts'),
    compatibilityDate: '2026-11-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: { DKIM_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  }),
);

/** One request rendering `recipients` × `passes` messages at one depth: its milliseconds seen from outside, per message. */
async function timed(mode, recipients, passes) {
  const t = performance.now();
  const res = await mf.dispatchFetch('http://bench/', { method: 'POST', body: JSON.stringify({ mode, recipients, passes }) });
  if (!res.ok) throw new Error(`${mode}: ${res.status} ${await res.text()}`);
  const { bytes } = await res.json();
  const messages = recipients * passes;
  return { ms: performance.now() - t, msPerMessage: (performance.now() - t) / messages, bytesPerMessage: bytes / messages };
}

/** The measured pipeline must be the whole one: tracked links, pixel, footer, and a signature that verifies. */
async function checkSample() {
  const { raw, html } = await (await mf.dispatchFetch('http://bench/sample')).json();
  const published = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const resolver = async (name, type) => {
    if (name === 'ep1._domainkey.bench.example.com' && type === 'TXT') return [[`v=DKIM1; k=rsa; p=${published}`]];
    throw Object.assign(new Error('NXDOMAIN'), { code: 'ENOTFOUND' });
  };
  const { results } = await dkimVerify(raw, { resolver });
  const clicks = html.match(/href="[^"]*\/t\/c\//g)?.length ?? 0;
  if (results[0]?.status.result !== 'pass' || !clicks || !html.includes('/t/o/') || !html.includes('1 Main St')) {
    throw new Error(`the sample message is not the full pipeline's: dkim ${results[0]?.status.result}, ${clicks} tracked links`);
  }
  return { clicks, links: html.match(/href="/g).length, bytes: raw.length };
}

try {
  const sample = await checkSample();
  // Warm-up: JIT, the DKIM key import, liquidjs's and linkedom's lazy set-up.
  for (const [mode] of MODES) await timed(mode, Math.min(50, RECIPIENTS), 1);
  const rounds = Object.fromEntries(MODES.map(([mode]) => [mode, []]));
  const overhead = [];
  for (let round = 0; round < ROUNDS && (round < 2 || performance.now() - started < BUDGET_MS); round++) {
    // Rotating the order spreads slow spells of a noisy machine over all three depths.
    for (let k = 0; k < MODES.length; k++) {
      const [mode, , passes] = MODES[(round + k) % MODES.length];
      rounds[mode].push(await timed(mode, RECIPIENTS, passes));
    }
    overhead.push((await timed('merge', 0, 1)).ms);
  }
  load.push(loadavg()[0]);

  const best = Object.fromEntries(MODES.map(([mode]) => [mode, Math.min(...rounds[mode].map((r) => r.msPerMessage))]));
  const rate = (mode) => 1000 / best[mode];
  console.log(`\n| depth (newsletter starter, ${RECIPIENTS} recipients) | messages per request | request times (ms) | best ms/message | messages/s | ratio to merge |\n|---|---:|---|---:|---:|---:|`);
  for (const [mode, what, passes] of MODES) {
    console.log(`| ${what} | ${RECIPIENTS * passes} | ${rounds[mode].map((r) => Math.round(r.ms)).join(', ')} | ${best[mode].toFixed(3)} | ${Math.round(rate(mode))} | ${(rate(mode) / rate('merge')).toFixed(3)} |`);
  }
  console.log(`\nratio build / merge: ${(rate('build') / rate('merge')).toFixed(3)}; sign / merge: ${(rate('sign') / rate('merge')).toFixed(3)}; sign / build (the cost of DKIM): ${(rate('sign') / rate('build')).toFixed(2)}, +${(best.sign - best.build).toFixed(2)} ms per message`);
  console.log(`per message: ${sample.links} links of which ${sample.clicks} tracked; ${Math.round(rounds.merge[0].bytesPerMessage)} bytes merged (HTML + text), ${sample.bytes} bytes signed; the sample verified with mailauth`);
  console.log(`a request's fixed cost (empty batch): best ${Math.min(...overhead).toFixed(1)} ms, worst ${Math.max(...overhead).toFixed(1)} ms`);
  console.log(`${new Date().toISOString()}, workerd via Miniflare in one process, ${rounds.merge.length} rounds, best of each; load average ${load.map((l) => l.toFixed(2)).join(' → ')}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await mf.dispose();
}
