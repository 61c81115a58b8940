// The worker bench/delivery.mjs bundles and runs under Miniflare, next to the stack it measures:
//   /raw     — the baseline: prepared messages sent by a plain worker-mailer loop over one connection
//              per request (worker/transports/smtp.ts, the session the send consumer uses), no
//              database, no queue, no rendering;
//   /permits — `acquireSendPermits` (the send consumer's one TenantGovernor call per batch) n times;
//   /noop    — n calls to a Durable Object that does nothing, made the same way: the floor under /permits;
//   /marks   — the consumer's per-message write (`messages` row → sent, one statement each, as each 250
//              arrives) for n rows of the real schema, against one statement marking all n; timed
//              inside, so the inserts that set a round up are not counted.
// It only does the work; delivery.mjs times each request from outside (as bench/render.mjs does).
import { DurableObject } from 'cloudflare:workers';
import { eq, inArray } from 'drizzle-orm';
import { getDb } from '../worker/db/client';
import { jsonValues } from '../worker/db/conditions';
import { messages } from '../worker/db/schema';
import { acquireSendPermits, type SendLimits } from '../worker/domain/send-permits';
import type { Env } from '../worker/env';
import { openSmtpSession } from '../worker/transports/smtp';

export { TenantGovernor } from '../durable-objects/tenant-governor';

export class NoopObject extends DurableObject {
  async ping(): Promise<number> {
    return 1;
  }
}

/** Limits that never throttle, with the warm-up over, so every call grants its whole batch and notifies nobody. */
const UNLIMITED: SendLimits = { ratePerHour: 1e9, dailyCap: 1e9, monthlyQuota: 1e9, warmupStartedAt: 0, warmupComplete: true, planId: 'bench', planName: 'Bench' };
/** Permits per call: the send consumer's batch (max_batch_size in wrangler.toml). */
const BATCH = 50;

interface BenchEnv {
  GOVERNOR: Env['GOVERNOR'];
  NOOP: DurableObjectNamespace<NoopObject>;
  DB: D1Database;
}

interface RawRun {
  host: string;
  port: number;
  /** One complete message as the sink received it from the engine: CRLF line endings, not dot-stuffed. */
  raw: string;
  envelopeFrom: string;
  /** Envelope recipients `${label}-${i}@bench.example.com`, from ≤ i < from + count. */
  label: string;
  from: number;
  count: number;
}

async function sendRaw({ host, port, raw, envelopeFrom, label, from, count }: RawRun) {
  const session = await openSmtpSession({ host, port });
  try {
    for (let i = from; i < from + count; i++) await session.send({ from: envelopeFrom, to: [`${label}-${i}@bench.example.com`], raw });
  } finally {
    await session.close();
  }
}

/** The fresh D1 gets the schema, a tenant and a campaign; each /marks round its own `n` queued rows. */
async function setUpMarks(env: BenchEnv, migrations: string[]) {
  for (const sql of migrations) await env.DB.prepare(sql).run();
  await env.DB.prepare("insert into tenants (id, name, slug, plan_id) values ('ten_bench', 'Bench', 'bench', 'pro')").run();
  await env.DB.prepare("insert into campaigns (id, tenant_id, name, audience) values ('cmp_bench', 'ten_bench', 'Bench', '{}')").run();
}

/** Marks `n` fresh rows sent, one statement per row (each = the consumer after a 250) or one for all; answers the ids' count. */
async function marks(env: BenchEnv, round: number, n: number, each: boolean) {
  const db = getDb(env as unknown as Env);
  const ids = Array.from({ length: n }, (_, i) => `msg_bench_${round}_${i}`);
  const now = Date.now();
  await env.DB.prepare(
    "insert into messages (id, tenant_id, campaign_id, email, status, send_after, claimed_at, attempts, created_at) select value, 'ten_bench', 'cmp_bench', value || '@bench.example.com', 'sending', ?1, ?1, 1, ?1 from json_each(?2)",
  )
    .bind(now, JSON.stringify(ids))
    .run();
  const sent = (id: string) => ({ status: 'sent' as const, sentAt: new Date(), providerMessageId: `<${id}@edgepost.test>`, transportId: null, error: null, claimedAt: null });
  const started = Date.now();
  if (each) for (const id of ids) await db.update(messages).set(sent(id)).where(eq(messages.id, id)).run();
  else await db.update(messages).set({ ...sent('all'), providerMessageId: null }).where(inArray(messages.id, jsonValues(ids))).run();
  return Date.now() - started;
}

export default {
  async fetch(request: Request, env: BenchEnv) {
    const { pathname } = new URL(request.url);
    const body = (await request.json()) as Record<string, unknown>;
    if (pathname === '/marks/setup') {
      await setUpMarks(env, body.migrations as string[]);
      return Response.json({ ok: true });
    }
    if (pathname === '/marks') return Response.json({ ms: await marks(env, Number(body.round), Number(body.n), Boolean(body.each)) });
    if (pathname === '/raw') {
      await sendRaw(body as unknown as RawRun);
      return Response.json({ sent: body.count });
    }
    const calls = Number(body.calls);
    if (pathname === '/permits') {
      // acquireSendPermits reads nothing from D1 once the warm-up has started and no quota notice is due.
      const workerEnv = env as unknown as Env;
      const db = getDb(workerEnv);
      let granted = 0;
      for (let i = 0; i < calls; i++) granted += (await acquireSendPermits(workerEnv, db, 'ten_bench', UNLIMITED, BATCH)).granted;
      if (granted !== calls * BATCH) throw new Error(`the governor granted ${granted} of ${calls * BATCH} permits`);
      return Response.json({ granted });
    }
    if (pathname === '/noop') {
      // A fresh stub per call, as governorOf() makes one per acquireSendPermits call.
      for (let i = 0; i < calls; i++) await env.NOOP.get(env.NOOP.idFromName('ten_bench')).ping();
      return Response.json({ calls });
    }
    return new Response('not found', { status: 404 });
  },
};
