import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contacts, customFields, jobs } from '../../worker/db/schema';
import { tenantScope } from '../../worker/db/tenant-scope';
import { PART_BYTES, runContactExport } from '../../worker/domain/contact-export';
import type { Env } from '../../worker/env';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { SELF_FETCH, call, createApiKey, expectProblem, paidTenant, type Session } from './helpers';

async function contact(s: Session, body: Record<string, unknown>) {
  const res = await call('/v1/contacts', { token: s.token, body });
  if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

async function waitForJob(token: string, jobId: string) {
  for (let i = 0; i < 150; i++) {
    const job = await call(`/v1/jobs/${jobId}`, { token });
    if (job.json.status === 'succeeded' || job.json.status === 'failed') return job.json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not finish');
}

/** Downloads an export; returns its raw bytes and its rows as objects keyed by the header. */
async function download(url: string) {
  const res = await SELF_FETCH(url);
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, delimiter: ',', skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { bytes, text, header: parsed.meta.fields!, rows: parsed.data };
}

/**
 * A contact_export job run by hand: the row without a queue message, and an env whose queue only
 * records the continuations the runner asks for (the test plays the queue, one invocation at a time).
 */
async function manualExport(s: Session, columns: string[]) {
  const db = getDb(env);
  const job = await tenantScope(db, s.tenantId).insert(jobs, {
    id: newId(ID_PREFIX.job),
    type: 'contact_export',
    params: { selection: { filter: {} }, columns, now: new Date().toISOString() },
    createdBy: s.userId,
  });
  const continuations: string[] = [];
  const testEnv = { ...env, JOBS_QUEUE: { send: async (m: { jobId: string }) => void continuations.push(m.jobId) } } as unknown as Env;
  const reload = async () => (await db.select().from(jobs).where(eq(jobs.id, job.id)).get())!;
  return { db, job, testEnv, continuations, reload };
}

async function exportOf(s: Session, body: unknown = {}) {
  const started = await call('/v1/contacts/export', { token: s.token, body });
  expect(started.status, JSON.stringify(started.json)).toBe(202);
  return waitForJob(s.token, started.json.id);
}

describe('contact export', () => {
  it('writes every column as formula-safe CSV, links it for 7 days and tells the requester', async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'note', label: 'Note', type: 'text' } });
    await call('/v1/fields', { token: s.token, body: { key: 'seats', label: 'Seats', type: 'number' } });
    const list = (await call('/v1/lists', { token: s.token, body: { name: 'News' } })).json.id;
    const evil = await contact(s, {
      email: 'evil@example.com',
      first_name: '=HYPERLINK("http://evil")',
      last_name: 'Ünïcode, "quoted"',
      phone: '+44 20 7946 0958',
      tags: ['b', 'a'],
      consent: { source: 'import', at: '2026-01-02T03:04:05.000Z' },
      custom: { note: '@SUM(1)', seats: 3 },
    });
    const plain = await contact(s, { email: 'plain@example.com' });
    await call(`/v1/lists/${list}/members`, { token: s.token, body: { contact_ids: [evil] } });
    const gone = await contact(s, { email: 'gone@example.com' });
    await call(`/v1/contacts/${gone}`, { method: 'DELETE', token: s.token });

    const job = await exportOf(s);
    expect(job).toMatchObject({ type: 'contact_export', status: 'succeeded', processed: 2, total: 2, result: { rows: 2 } });
    expect(Date.parse(job.result.expires_at) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    const csv = await download(job.result.download_url);
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.header).toEqual(['id', 'email', 'first_name', 'last_name', 'phone', 'company', 'city', 'country', 'language', 'timezone', 'status', 'tags', 'lists', 'consent_source', 'consent_at', 'created_at', 'custom.note', 'custom.seats']);
    expect(csv.rows.map((r) => r.id)).toEqual([evil, plain]);
    expect(csv.rows[0]).toMatchObject({
      email: 'evil@example.com',
      first_name: `'=HYPERLINK("http://evil")`,
      last_name: 'Ünïcode, "quoted"',
      phone: "'+44 20 7946 0958",
      status: 'subscribed',
      tags: 'a, b',
      lists: 'News',
      consent_source: 'import',
      consent_at: '2026-01-02T03:04:05.000Z',
      'custom.note': "'@SUM(1)",
      'custom.seats': '3',
    });
    expect(csv.rows[1]).toMatchObject({ email: 'plain@example.com', tags: '', lists: '', 'custom.note': '' });
    expect(csv.text).not.toMatch(/(^|,)=HYPERLINK/m);

    const notes = await call('/v1/notifications', { token: s.token });
    expect(notes.json.data[0]).toMatchObject({ kind: 'export_finished', title: 'Your export is ready', link: `/jobs/${job.id}` });
    const log = await call('/v1/audit-log?action=contact.export_requested', { token: s.token });
    expect(log.json.data[0]).toMatchObject({ target_id: job.id, metadata: { selection: 'filter', rows: 2 } });
  });

  it('exports a selection with the chosen columns in their order', async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'plan', label: 'Plan', type: 'text' } });
    const a = await contact(s, { email: 'a@example.com', city: 'Oslo', custom: { plan: 'gold' } });
    const b = await contact(s, { email: 'b@example.com', city: 'Oslo', status: 'unsubscribed' });
    await contact(s, { email: 'c@example.com', city: 'Rome' });
    const seg = await call('/v1/segments', { token: s.token, body: { name: 'Oslo', rules: { match: 'all', conditions: [{ field: 'city', op: 'eq', value: 'Oslo' }] } } });
    const bySegment = await download((await exportOf(s, { selection: { segment_id: seg.json.id }, fields: ['custom.plan', 'email'] })).result.download_url);
    expect(bySegment.header).toEqual(['custom.plan', 'email']);
    expect(bySegment.rows).toEqual([{ 'custom.plan': 'gold', email: 'a@example.com' }, { 'custom.plan': '', email: 'b@example.com' }]);
    const byFilter = await download((await exportOf(s, { selection: { filter: { status: 'unsubscribed' } }, fields: ['id'] })).result.download_url);
    expect(byFilter.rows).toEqual([{ id: b }]);
    const byIds = await download((await exportOf(s, { selection: { ids: [a, 'con_unknown'] }, fields: ['email'] })).result.download_url);
    expect(byIds.rows).toEqual([{ email: 'a@example.com' }]);
    const bad = await call('/v1/contacts/export', { token: s.token, body: { fields: ['email', 'password', 'custom.nope'] } });
    expectProblem(bad, 400, 'validation-error');
    expect(bad.json.errors.map((e: { field: string }) => e.field)).toEqual(['fields[1]', 'fields[2]']);
  });

  it("never exports another tenant's contacts, segments or lists, and needs contacts:read", async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    await contact(b, { email: 'theirs@example.com' });
    const mine = await contact(a, { email: 'mine@example.com' });
    const theirSeg = (await call('/v1/segments', { token: b.token, body: { name: 'All', rules: { match: 'all', conditions: [] } } })).json.id;
    const theirList = (await call('/v1/lists', { token: b.token, body: { name: 'List' } })).json.id;
    expectProblem(await call('/v1/contacts/export', { token: a.token, body: { selection: { segment_id: theirSeg } } }), 404, 'not-found');
    expectProblem(await call('/v1/contacts/export', { token: a.token, body: { selection: { filter: { list: theirList } } } }), 404, 'not-found');
    const key = await createApiKey(a, ['contacts:read', 'jobs:read']);
    const started = await call('/v1/contacts/export', { token: key.secret, body: {} });
    expect(started.status).toBe(202);
    const job = await waitForJob(key.secret, started.json.id);
    expect((await download(job.result.download_url)).rows.map((r) => r.id)).toEqual([mine]);
    expectProblem(await call(`/v1/jobs/${job.id}`, { token: b.token }), 404, 'not-found');
    const noScope = await createApiKey(a, ['templates:read']);
    expectProblem(await call('/v1/contacts/export', { token: noScope.secret, body: {} }), 403, 'insufficient-scope');
  });

  it('streams a large export in equal 5 MiB parts and resumes after an interruption without losing or repeating rows', async () => {
    const s = await paidTenant();
    const db = getDb(env);
    await db.insert(customFields).values({ id: newId(ID_PREFIX.customField), tenantId: s.tenantId, key: 'bio', label: 'Bio', type: 'text' }).run();
    const bio = 'x'.repeat(480);
    const ids = Array.from({ length: 12_000 }, () => newId(ID_PREFIX.contact));
    const rows = ids.map((id) => ({ id, tenantId: s.tenantId, email: `${id}@example.com`, custom: { bio } }));
    const statements = Array.from({ length: Math.ceil(rows.length / 14) }, (_, i) => db.insert(contacts).values(rows.slice(i * 14, (i + 1) * 14)));
    for (let i = 0; i < statements.length; i += 200) {
      const slice = statements.slice(i, i + 200);
      await db.batch(slice as [(typeof slice)[number], ...typeof slice]);
    }
    const { job, testEnv, continuations, reload } = await manualExport(s, ['id', 'email', 'custom.bio']);

    await runContactExport(testEnv, db, job, { partBytes: PART_BYTES, rowsPerRun: 1 });
    const paused = await reload();
    expect(continuations).toEqual([job.id]);
    expect(paused.status).not.toBe('succeeded');
    const state = paused.params!.resume as { parts: unknown[]; rows: number; carry: string };
    expect(state.parts).toHaveLength(1);
    expect(paused.processed).toBe(state.rows);
    expect(state.rows).toBeLessThan(ids.length);
    await runContactExport(testEnv, db, await reload(), { partBytes: PART_BYTES, rowsPerRun: 1_000_000 });
    const done = await reload();
    expect(done).toMatchObject({ status: 'succeeded', processed: ids.length, result: { rows: ids.length } });
    expect(done.params!.resume).toBeUndefined();
    const csv = await download((done.result as { download_url: string }).download_url);
    expect(csv.bytes.length).toBeGreaterThan(PART_BYTES);
    expect(csv.rows.map((r) => r.id)).toEqual([...ids].sort());
    expect(csv.rows.every((r) => r['custom.bio'] === bio)).toBe(true);
  });

  it('writes one file and sends one notification when a re-delivered first message runs alongside the first run', async () => {
    const s = await paidTenant();
    await contact(s, { email: 'only@example.com' });
    const { job, testEnv, reload } = await manualExport(s, ['email']);
    await Promise.all([runContactExport(testEnv, getDb(env), job), runContactExport(testEnv, getDb(env), job)]);
    const done = await reload();
    expect(done).toMatchObject({ status: 'succeeded', result: { rows: 1 } });
    expect((await download((done.result as { download_url: string }).download_url)).rows).toEqual([{ email: 'only@example.com' }]);
    const notes = await call('/v1/notifications', { token: s.token });
    expect(notes.json.data.filter((n: { kind: string }) => n.kind === 'export_finished')).toHaveLength(1);
  });
});
