import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contacts, tenants } from '../../worker/db/schema';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { call, paidTenant, type Session } from './helpers';

export const ADDRESS = { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
export const HTML = `<!doctype html><html><body><p>Hello {{ first_name | default: "there" }},</p>
<p><a href="https://shop.example/sale">Shop the sale</a></p></body></html>`;

/** A Pro workspace that can send at once: postal address set, warm-up skipped, one template. */
export async function sendingTenant(name = 'Campaign Co'): Promise<Session & { templateId: string }> {
  const s = await paidTenant(name);
  await call('/v1/tenant', { method: 'PATCH', token: s.token, body: { postal_address: ADDRESS } });
  await getDb(env).update(tenants).set({ limitOverrides: { warmup_complete: true } }).where(eq(tenants.id, s.tenantId)).run();
  const t = await call('/v1/templates', { token: s.token, body: { name: 'Letter', subject: 'News for {{ first_name | default: "you" }}', html: HTML } });
  expect(t.status).toBe(201);
  return { ...s, templateId: t.json.id };
}

let seq = 0;
/** Contacts written straight to D1 (the API path is tested elsewhere): unique addresses under a label. */
export async function addContacts(tenantId: string, n: number, label: string, extra: Partial<typeof contacts.$inferInsert> = {}) {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: newId(ID_PREFIX.contact),
    tenantId,
    email: `${label}-${Date.now().toString(36)}-${++seq}-${i}@example.com`,
    firstName: `${label}${i}`,
    ...extra,
  }));
  for (let i = 0; i < rows.length; i += 8) await getDb(env).insert(contacts).values(rows.slice(i, i + 8)).run();
  return rows;
}

export async function createCampaign(s: Session & { templateId: string }, body: Record<string, unknown> = {}) {
  const res = await call('/v1/campaigns', { token: s.token, body: { name: 'Autumn letter', template_id: s.templateId, audience: { all: true }, ...body } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.id as string;
}

/** Polls the campaign until `done` says so (the runner's alarm and the send queue run in the background). */
export async function waitForCampaign(s: Session, id: string, done: (c: any) => boolean, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await call(`/v1/campaigns/${id}`, { token: s.token })).json;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`campaign ${id} did not get there: ${JSON.stringify({ status: last?.status, progress: last?.progress })}`);
}

interface SinkMessage {
  id: string;
  subject: string;
  to: { address: string }[];
}

/** Messages in the mail sink addressed to any of these recipients. */
export async function sinkMessagesTo(addresses: string[]) {
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const list = (await (await fetch(`${env.MAILDEV_URL}/api/email`)).json()) as SinkMessage[];
  return list.filter((m) => m.to.some((t) => wanted.has(t.address.toLowerCase())));
}
