import { env } from 'cloudflare:test';
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { contactEvents, contacts, jobs, listMembers, type ContactEventType } from '../../worker/db/schema';
import { tenantScope } from '../../worker/db/tenant-scope';
import { runContactBulk } from '../../worker/domain/contact-bulk';
import type { Env } from '../../worker/env';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { addMember, call, createApiKey, expectProblem, paidTenant, type Session } from './helpers';

async function contact(s: Session, body: Record<string, unknown>) {
  const res = await call('/v1/contacts', { token: s.token, body });
  if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

/** Many contacts at once, straight into the database (the API would take a request per contact). */
async function seedContacts(tenantId: string, n: number) {
  const db = getDb(env);
  const ids = Array.from({ length: n }, () => newId(ID_PREFIX.contact));
  // Six bound values a row (defaults included), under D1's 100 per statement.
  const statements = Array.from({ length: Math.ceil(n / 16) }, (_, i) =>
    db.insert(contacts).values(ids.slice(i * 16, (i + 1) * 16).map((id) => ({ id, tenantId, email: `${id}@example.com` }))),
  );
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  return ids;
}

const bulk = (s: Session, body: unknown) => call('/v1/contacts/bulk', { token: s.token, body });

async function eventCount(tenantId: string, type: ContactEventType) {
  const [row] = await getDb(env).select({ n: count() }).from(contactEvents).where(and(eq(contactEvents.tenantId, tenantId), eq(contactEvents.type, type)));
  return row!.n;
}

async function waitForJob(token: string, jobId: string) {
  for (let i = 0; i < 150; i++) {
    const job = await call(`/v1/jobs/${jobId}`, { token });
    if (job.json.status === 'succeeded' || job.json.status === 'failed') return job.json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not finish');
}

describe('bulk actions', () => {
  it('tag and untag: tags are created on demand, only changes count, each change is on the timeline', async () => {
    const s = await paidTenant();
    const [a, b, c] = [await contact(s, { email: 'a@example.com', tags: ['vip'] }), await contact(s, { email: 'b@example.com' }), await contact(s, { email: 'c@example.com' })];
    expect((await bulk(s, { action: 'tag', tag: 'vip', selection: { ids: [a, b] } })).json).toEqual({ affected: 1 });
    expect((await bulk(s, { action: 'tag', tag: ' Autumn ', selection: { ids: [a, b, c] } })).json).toEqual({ affected: 3 });
    expect((await call(`/v1/contacts/${b}`, { token: s.token })).json.tags).toEqual(['Autumn', 'vip']);
    expect((await call('/v1/tags', { token: s.token })).json.data.map((t: { name: string }) => t.name).sort()).toEqual(['Autumn', 'vip']);
    expect((await bulk(s, { action: 'untag', tag: 'vip', selection: { ids: [a, b, c] } })).json).toEqual({ affected: 2 });
    expect((await bulk(s, { action: 'untag', tag: 'never-existed', selection: { ids: [a] } })).json).toEqual({ affected: 0 });
    expect((await call(`/v1/contacts/${a}`, { token: s.token })).json.tags).toEqual(['Autumn']);
    const activity = await call(`/v1/contacts/${b}/activity`, { token: s.token });
    expect(activity.json.data.map((e: { type: string }) => e.type).slice(0, 3)).toEqual(['untagged', 'tagged', 'tagged']);
    expect(activity.json.data[0].data).toEqual({ tag: 'vip' });
  });

  it('add to a list without re-subscribing anyone who left it, and remove while keeping that choice', async () => {
    const s = await paidTenant();
    const list = (await call('/v1/lists', { token: s.token, body: { name: 'News' } })).json.id;
    const [stays, left, fresh] = [await contact(s, { email: 'stays@example.com' }), await contact(s, { email: 'left@example.com' }), await contact(s, { email: 'fresh@example.com' })];
    await call(`/v1/lists/${list}/members`, { token: s.token, body: { contact_ids: [stays, left] } });
    await getDb(env).update(listMembers).set({ status: 'unsubscribed' }).where(eq(listMembers.contactId, left)).run();
    expect((await bulk(s, { action: 'list_add', list_id: list, selection: { ids: [stays, left, fresh] } })).json).toEqual({ affected: 1 });
    expect((await call(`/v1/lists/${list}`, { token: s.token })).json.subscribers).toBe(2);
    expect((await getDb(env).select({ status: listMembers.status }).from(listMembers).where(eq(listMembers.contactId, left)).get())!.status).toBe('unsubscribed');
    expect((await bulk(s, { action: 'list_remove', list_id: list, selection: { filter: {} } })).json).toEqual({ affected: 2 });
    expect((await call(`/v1/lists/${list}`, { token: s.token })).json.subscribers).toBe(0);
    expect((await getDb(env).select({ status: listMembers.status }).from(listMembers).where(eq(listMembers.contactId, left)).get())!.status).toBe('unsubscribed');
    expect((await bulk(s, { action: 'list_add', list_id: list, selection: { ids: [left] } })).json).toEqual({ affected: 0 });
    expect(await eventCount(s.tenantId, 'list_removed')).toBe(2);
  });

  it('unsubscribe changes the status only, and delete is the restorable soft delete', async () => {
    const s = await paidTenant();
    const consent = { source: 'signup-form', at: '2026-01-02T03:04:05.000Z' };
    const [a, b] = [await contact(s, { email: 'a@example.com', consent }), await contact(s, { email: 'b@example.com', status: 'bounced' })];
    expect((await bulk(s, { action: 'unsubscribe', selection: { ids: [a, b] } })).json).toEqual({ affected: 1 });
    const after = await call(`/v1/contacts/${a}`, { token: s.token });
    expect(after.json).toMatchObject({ status: 'unsubscribed', consent });
    expect((await call(`/v1/contacts/${b}`, { token: s.token })).json.status).toBe('bounced');
    expect((await call('/v1/suppressions', { token: s.token })).json.data).toEqual([]);
    // A mistake can be undone: no suppression stands in the way.
    expect((await call(`/v1/contacts/${a}`, { method: 'PATCH', token: s.token, body: { status: 'subscribed' } })).json.status).toBe('subscribed');

    expect((await bulk(s, { action: 'delete', selection: { filter: { q: 'a@' } } })).json).toEqual({ affected: 1 });
    expectProblem(await call(`/v1/contacts/${a}`, { method: 'PATCH', token: s.token, body: { first_name: 'x' } }), 404, 'not-found');
    expect((await call('/v1/contacts?deleted=true', { token: s.token })).json.data.map((c: { id: string }) => c.id)).toEqual([a]);
    expect((await call(`/v1/contacts/${a}/restore`, { method: 'POST', token: s.token })).status).toBe(200);
    expect(await eventCount(s.tenantId, 'deleted')).toBe(1);
    expect(await eventCount(s.tenantId, 'unsubscribed')).toBe(1);
  });

  it('select by filter or by saved segment, and audit one entry per action with counts only', async () => {
    const s = await paidTenant();
    await contact(s, { email: 'ann@example.com', city: 'Oslo' });
    await contact(s, { email: 'ben@example.com', city: 'Oslo', status: 'unsubscribed' });
    await contact(s, { email: 'cat@example.com', city: 'Rome' });
    const seg = await call('/v1/segments', { token: s.token, body: { name: 'Oslo', rules: { match: 'all', conditions: [{ field: 'city', op: 'eq', value: 'oslo' }] } } });
    expect((await bulk(s, { action: 'tag', tag: 'nordic', selection: { segment_id: seg.json.id } })).json).toEqual({ affected: 2 });
    expect((await bulk(s, { action: 'tag', tag: 'active', selection: { filter: { status: 'subscribed' } } })).json).toEqual({ affected: 2 });
    expect((await call('/v1/contacts?tag=nordic', { token: s.token })).json.data.map((c: { email: string }) => c.email).sort()).toEqual(['ann@example.com', 'ben@example.com']);
    const log = await call('/v1/audit-log?action=contact.bulk_action', { token: s.token });
    expect(log.json.data).toHaveLength(2);
    expect(log.json.data[1].metadata).toMatchObject({ action: 'tag', selection: 'segment', segment_id: seg.json.id, affected: 2 });
    expect(log.json.data[0].metadata).toMatchObject({ action: 'tag', selection: 'filter', affected: 2 });
    expect(JSON.stringify(log.json.data)).not.toMatch(/@example\.com|nordic|Oslo/i);
  });

  it('run a large selection as a job with progress, one audit entry and the same result', async () => {
    const s = await paidTenant();
    const ids = await seedContacts(s.tenantId, 650);
    const started = await bulk(s, { action: 'tag', tag: 'big', selection: { filter: {} } });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ type: 'contact_bulk', total: 650 });
    const job = await waitForJob(s.token, started.json.id);
    expect(job).toMatchObject({ status: 'succeeded', processed: 650, total: 650, progress: 100, result: { affected: 650 } });
    expect((await call(`/v1/contacts?tag=big&limit=100`, { token: s.token })).json.data).toHaveLength(100);
    expect(await eventCount(s.tenantId, 'tagged')).toBe(650);
    const log = await call('/v1/audit-log?action=contact.bulk_action', { token: s.token });
    expect(log.json.data).toHaveLength(1);
    expect(log.json.data[0]).toMatchObject({ target_type: 'job', target_id: job.id, metadata: { action: 'tag', affected: 650 } });
    // The same action again changes nothing, so it runs inline.
    expect((await bulk(s, { action: 'tag', tag: 'big', selection: { ids } })).json).toEqual({ affected: 0 });
  });

  it('a job resumes from its cursor and never applies a chunk twice, even when two runs overlap', async () => {
    const s = await paidTenant();
    await seedContacts(s.tenantId, 450);
    const db = getDb(env);
    const job = await tenantScope(db, s.tenantId).insert(jobs, {
      id: newId(ID_PREFIX.job),
      type: 'contact_bulk',
      params: { action: 'tag', tag: 'resumed', selection: { filter: {} }, now: new Date().toISOString(), actor: { type: 'user', id: s.userId }, auditMetadata: { action: 'tag' } },
      createdBy: s.userId,
    });
    // Continuations are queued by the runner; here the test plays the queue, one invocation at a time.
    const continuations: string[] = [];
    const testEnv = { ...env, JOBS_QUEUE: { send: async (m: { jobId: string }) => void continuations.push(m.jobId) } } as unknown as Env;
    const reload = async () => (await db.select().from(jobs).where(eq(jobs.id, job.id)).get())!;

    await Promise.all([runContactBulk(testEnv, db, job, 1), runContactBulk(testEnv, db, job, 1)]);
    let now = await reload();
    expect(now.processed).toBe(200);
    expect(now.status).not.toBe('succeeded');
    expect(continuations).toEqual([job.id]);
    expect(await eventCount(s.tenantId, 'tagged')).toBe(200);

    // A re-delivery of the first message (same stale job row) must not redo the first chunk.
    await runContactBulk(testEnv, db, job, 1);
    expect(await eventCount(s.tenantId, 'tagged')).toBe(200);

    while (continuations.length) {
      continuations.pop();
      await runContactBulk(testEnv, db, await reload(), 1);
    }
    now = await reload();
    expect(now).toMatchObject({ status: 'succeeded', processed: 450, result: { affected: 450 } });
    expect(await eventCount(s.tenantId, 'tagged')).toBe(450);
    expect((await call('/v1/audit-log?action=contact.bulk_action', { token: s.token })).json.data).toHaveLength(1);
  });

  it("skip other tenants' contacts and refuse their lists and segments", async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const theirs = await contact(b, { email: 'theirs@example.com' });
    const mine = await contact(a, { email: 'mine@example.com' });
    expect((await bulk(a, { action: 'delete', selection: { ids: [theirs, mine, 'con_unknown'] } })).json).toEqual({ affected: 1 });
    expect((await call(`/v1/contacts/${theirs}`, { token: b.token })).json.deleted_at).toBeNull();
    const listB = (await call('/v1/lists', { token: b.token, body: { name: 'Theirs' } })).json.id;
    const segB = (await call('/v1/segments', { token: b.token, body: { name: 'Theirs', rules: { match: 'all', conditions: [] } } })).json.id;
    expectProblem(await bulk(a, { action: 'list_add', list_id: listB, selection: { ids: [mine] } }), 404, 'not-found');
    expectProblem(await bulk(a, { action: 'tag', tag: 'x', selection: { segment_id: segB } }), 404, 'not-found');
    expectProblem(await bulk(a, { action: 'tag', tag: 'x', selection: { filter: { list: listB } } }), 404, 'not-found');
    expect((await call('/v1/tags', { token: b.token })).json.data).toEqual([]);
  });

  it('refuse malformed requests and callers without contacts:write', async () => {
    const s = await paidTenant();
    const id = await contact(s, { email: 'a@example.com' });
    const missing = await bulk(s, { action: 'tag', selection: { ids: [id] } });
    expectProblem(missing, 400, 'validation-error');
    expect(missing.json.errors[0].field).toBe('tag');
    expectProblem(await bulk(s, { action: 'list_add', selection: { ids: [id] } }), 400, 'validation-error');
    expectProblem(await bulk(s, { action: 'explode', selection: { ids: [id] } }), 400, 'validation-error');
    const both = await bulk(s, { action: 'delete', selection: { ids: [id], segment_id: 'seg_x' } });
    expectProblem(both, 400, 'validation-error');
    const badFilter = await bulk(s, { action: 'delete', selection: { filter: { status: 'happy' } } });
    expect(badFilter.json.errors[0].field).toBe('selection.filter.status');
    const viewer = await addMember(s.tenantId, 'viewer');
    expectProblem(await bulk(viewer, { action: 'delete', selection: { ids: [id] } }), 403, 'forbidden');
    const readOnly = await createApiKey(s, ['contacts:read']);
    expectProblem(await call('/v1/contacts/bulk', { token: readOnly.secret, body: { action: 'delete', selection: { ids: [id] } } }), 403, 'insufficient-scope');
    expect((await call(`/v1/contacts/${id}`, { token: s.token })).json.deleted_at).toBeNull();
  });
});
