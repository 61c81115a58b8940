import { SELF, env } from 'cloudflare:test';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { auditLog, contactEvents, contacts, jobs, notifications, type Job } from '../../worker/db/schema';
import { tenantScope } from '../../worker/db/tenant-scope';
import { runContactImport, startContactImport } from '../../worker/domain/contact-import';
import { CHUNK_ROWS, LEGACY_GEOMETRY } from '../../worker/domain/import-staging';
import { recordContactEvents } from '../../worker/domain/contact-events';
import type { Env, JobMessage } from '../../worker/env';
import { ID_PREFIX, newId } from '../../worker/lib/ids';
import { CONTACTS_XLSX, EXCEL_WINDOWS_1252_CSV, MESSY_UTF8_BOM_CSV, TAB_DELIMITED_CSV, fixtureBytes } from '../fixtures/imports/fixtures';
import { BASE, SELF_FETCH, addMember, call, createApiKey, expectProblem, paidTenant, setPlan, signupTenant } from './helpers';

type Body = Uint8Array | string;

async function postFile(path: string, token: string, file: Body, filename: string, fields: Record<string, string | string[]> = {}) {
  const form = new FormData();
  form.append('file', new Blob([typeof file === 'string' ? file : new Uint8Array(file)]), filename);
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
  const res = await SELF.fetch(BASE + path, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

const upload = (token: string, file: Body, filename = 'contacts.csv') => postFile('/v1/contacts/import/uploads', token, file, filename);

async function waitForJob(token: string, jobId: string, timeoutMs = 100_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await call(`/v1/jobs/${jobId}`, { token });
    if (job.json.status === 'succeeded' || job.json.status === 'failed') return job.json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** Uploads a file, imports it with the options, and waits for the job. */
async function importFile(token: string, file: Body, options: Record<string, unknown> = {}, filename = 'contacts.csv') {
  const up = await upload(token, file, filename);
  expect(up.status).toBe(201);
  const started = await call('/v1/contacts/import', { token, body: { upload_id: up.json.upload_id, ...options } });
  expect(started.status).toBe(202);
  return waitForJob(token, started.json.id);
}

/** Work that follows a job's end (audit entry, notification, clean-up) lands moments after its status. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function contactsOf(tenantId: string) {
  const rows = await getDb(env).select().from(contacts).where(eq(contacts.tenantId, tenantId)).all();
  return new Map(rows.map((r) => [r.email, r]));
}

async function contactByEmail(token: string, email: string) {
  const page = await call(`/v1/contacts?q=${encodeURIComponent(email)}`, { token });
  return page.json.data.find((c: { email: string }) => c.email === email);
}

async function errorReport(url: string) {
  const res = await SELF_FETCH(url);
  expect(res.status).toBe(200);
  return res.text();
}

describe('uploads', () => {
  it('describe the file: format, encoding, delimiter, columns, first rows and a suggested mapping', async () => {
    const s = await paidTenant();
    const up = await upload(s.token, fixtureBytes(MESSY_UTF8_BOM_CSV), 'Kunden Export.csv');
    expect(up.status).toBe(201);
    expect(up.json).toMatchObject({
      upload_id: expect.stringMatching(/^upl_/),
      filename: 'Kunden Export.csv',
      format: 'csv',
      delimiter: ';',
      encoding: 'utf-8-bom',
      headers: ['E-Mail-Adresse', 'Vorname', 'Nachname', 'Firma', 'Tags'],
      suggested_mapping: { 'E-Mail-Adresse': 'email', Vorname: 'first_name', Nachname: 'last_name', Firma: 'company', Tags: 'tags' },
      rows_estimate: 7,
    });
    expect(up.json.sample_rows).toHaveLength(5);
    expect(up.json.sample_rows[0]).toEqual(['anna@example.com', 'Anna', 'Schmidt', 'ACME\r\nGmbH', 'kunde, newsletter']);
  });

  it("suggest the tenant's custom fields by key or label", async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'score', label: 'Score', type: 'number' } });
    const up = await upload(s.token, fixtureBytes(TAB_DELIMITED_CSV), 'export.txt');
    expect(up.json).toMatchObject({ delimiter: '\t', suggested_mapping: { 'Email Address': 'email', 'First Name': 'first_name', Surname: 'last_name', Organisation: 'company', Score: 'custom.score' } });
  });

  it('refuse files that are not CSV or XLSX, empty ones, and a request without a file', async () => {
    const s = await paidTenant();
    expectProblem(await upload(s.token, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]), 'old.xls'), 400, 'validation-error');
    expectProblem(await upload(s.token, '', 'empty.csv'), 400, 'validation-error');
    const form = new FormData();
    form.append('note', 'no file');
    const res = await SELF.fetch(`${BASE}/v1/contacts/import/uploads`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('file');
  });

  it('refuse a file over 50 MB with a 413 problem', async () => {
    const s = await paidTenant();
    const big = new Uint8Array(50 * 1024 * 1024 + 1).fill(0x61);
    const res = await upload(s.token, big, 'huge.csv');
    expectProblem(res, 413, 'payload-too-large');
    expect(res.json.detail).toMatch(/larger than 50 MB/);
  });
});

describe('importing', () => {
  it('imports a messy UTF-8 CSV and reports duplicates and invalid rows by line in a formula-safe CSV', async () => {
    const s = await paidTenant();
    const job = await importFile(s.token, fixtureBytes(MESSY_UTF8_BOM_CSV), { tags: ['import-2026'], consent_source: 'trade fair' });
    expect(job).toMatchObject({ type: 'contact_import', status: 'succeeded', total: 7, processed: 7, progress: 100 });
    expect(job.result).toMatchObject({ rows: 7, created: 3, updated: 0, skipped: 0, invalid: 3, duplicates: 1, suppressed: 0 });
    const anna = await contactByEmail(s.token, 'anna@example.com');
    expect(anna).toMatchObject({ first_name: 'Anna', last_name: 'Schmidt', company: 'ACME\r\nGmbH', status: 'subscribed', tags: ['import-2026', 'kunde', 'newsletter'] });
    expect(anna.consent).toEqual({ source: 'trade fair', at: expect.any(String), wording_version: null, import_job: job.id });
    expect(await contactByEmail(s.token, 'bernd@example.com')).toMatchObject({ first_name: 'Bernd', company: 'Becker & Söhne', tags: ['import-2026'] });
    expect((await contactsOf(s.tenantId)).size).toBe(3);

    const report = await errorReport(job.result.error_report_url);
    const lines = report.trim().split('\r\n');
    expect(lines[0]).toBe('line,email,reason');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['line', '5', '6', '7', '8']);
    expect(lines[1]).toMatch(/^5,ANNA@example\.com,duplicate of line 2/);
    // The formula is neutralized with a leading quote: a spreadsheet shows it as text.
    expect(lines[3]).toMatch(/^7,"'=HYPERLINK\(""http:\/\/evil\.example"",""click""\)",/);
    expect(report).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('consumes the upload: importing the same upload again is a 404', async () => {
    const s = await paidTenant();
    const up = await upload(s.token, 'email\nonce@example.com\n');
    await waitForJob(s.token, (await call('/v1/contacts/import', { token: s.token, body: { upload_id: up.json.upload_id } })).json.id);
    expectProblem(await call('/v1/contacts/import', { token: s.token, body: { upload_id: up.json.upload_id } }), 404, 'not-found');
  });

  it('keeps the accents of a windows-1252 Excel export', async () => {
    const s = await paidTenant();
    const job = await importFile(s.token, fixtureBytes(EXCEL_WINDOWS_1252_CSV));
    expect(job.result).toMatchObject({ rows: 4, created: 4, invalid: 0, error_report_url: null });
    expect(await contactByEmail(s.token, 'conor@example.ie')).toMatchObject({ first_name: 'Conor', last_name: 'O’Brien', company: 'Ó Súilleabháin & Sons', city: 'Dún Laoghaire' });
    expect(await contactByEmail(s.token, 'zoe@example.fr')).toMatchObject({ first_name: 'Zoë', last_name: 'Lefèvre', company: 'Café "Le Zéphyr"', city: 'Besançon' });
  });

  it('imports the first worksheet of an XLSX file into typed custom fields', async () => {
    const s = await paidTenant();
    for (const f of [{ key: 'score', label: 'Score', type: 'number' }, { key: 'vip', label: 'VIP', type: 'boolean' }, { key: 'birthday', label: 'Birthday', type: 'date' }]) {
      expect((await call('/v1/fields', { token: s.token, body: f })).status).toBe(201);
    }
    const up = await upload(s.token, fixtureBytes(CONTACTS_XLSX), 'contacts.xlsx');
    expect(up.json).toMatchObject({ format: 'xlsx', delimiter: null, encoding: null, rows_estimate: 4, suggested_mapping: { Score: 'custom.score', VIP: 'custom.vip', Birthday: 'custom.birthday', Greeting: null } });
    const started = await call('/v1/contacts/import', { token: s.token, body: { upload_id: up.json.upload_id } });
    const job = await waitForJob(s.token, started.json.id);
    expect(job.result).toMatchObject({ rows: 4, created: 3, invalid: 1 });
    expect(await contactByEmail(s.token, 'ada@example.com')).toMatchObject({ company: 'Analytical Engines', custom: { score: 42, vip: true, birthday: '1990-12-10' }, tags: ['math', 'vip'] });
    expect(await contactByEmail(s.token, 'grace@example.com')).toMatchObject({ custom: { score: 7.5, vip: false, birthday: '1986-12-09' } });
    expect(await contactByEmail(s.token, 'linus@example.com')).toMatchObject({ first_name: null, company: 'Linux Foundation', tags: ['kernel'] });
  });

  it('follows a mapping override, and coerces or refuses custom values per row', async () => {
    const s = await paidTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'score', label: 'Score', type: 'number' } });
    const file = 'Email Address\tFirst Name\tSurname\tOrganisation\tScore\ngrace@example.com\tGrace\tHopper\tUS Navy\t9,5\nalan@example.com\tAlan\tTuring\tBletchley\tlots\n';
    const job = await importFile(s.token, file, { mapping: { Surname: null, Organisation: 'city' } });
    expect(job.result).toMatchObject({ created: 1, invalid: 1 });
    expect(await contactByEmail(s.token, 'grace@example.com')).toMatchObject({ last_name: null, company: null, city: 'US Navy', custom: { score: 9.5 } });
    expect(await errorReport(job.result.error_report_url)).toContain('3,alan@example.com,"Score must be a number, not ""lots"""');
  });

  it('updates existing contacts from the mapped columns only, merging custom values into the ones they had', async () => {
    const s = await paidTenant();
    for (const f of [{ key: 'score', label: 'Score', type: 'number' }, { key: 'vip', label: 'VIP', type: 'boolean' }]) await call('/v1/fields', { token: s.token, body: f });
    await call('/v1/contacts', { token: s.token, body: { email: 'grace@example.com', first_name: 'Grace', city: 'Arlington', custom: { score: 1, vip: true } } });
    await call('/v1/contacts', { token: s.token, body: { email: 'ada@example.com', first_name: 'Ada' } });
    const file = 'email,city,score\ngrace@example.com,New York,2\nada@example.com,,3\nnew@example.com,Paris,\n';
    const job = await importFile(s.token, file, { existing: 'update' });
    expect(job.result).toMatchObject({ created: 1, updated: 2 });
    expect(await contactByEmail(s.token, 'grace@example.com')).toMatchObject({ first_name: 'Grace', city: 'New York', custom: { score: 2, vip: true } });
    expect(await contactByEmail(s.token, 'ada@example.com')).toMatchObject({ first_name: 'Ada', city: null, custom: { score: 3 } });
    expect(await contactByEmail(s.token, 'new@example.com')).toMatchObject({ first_name: null, city: 'Paris', status: 'subscribed', custom: {} });
  });

  it('refuses a mapping without an email column before starting, naming it', async () => {
    const s = await paidTenant();
    const up = await upload(s.token, 'Name,Phone\nAda,123\n');
    const res = await call('/v1/contacts/import', { token: s.token, body: { upload_id: up.json.upload_id } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors).toEqual([{ field: 'mapping', message: 'no column is mapped to email (columns: Name, Phone)' }]);
    expectProblem(await call('/v1/contacts/import', { token: s.token, body: { upload_id: up.json.upload_id, mapping: { Name: 'email', Phone: 'fax' } } }), 400, 'validation-error');
  });

  it('updates existing contacts or skips them, never changes their status, and skips soft-deleted ones', async () => {
    const s = await paidTenant();
    const keep = await call('/v1/contacts', { token: s.token, body: { email: 'keep@example.com', first_name: 'Kept', company: 'Old Co', tags: ['old'] } });
    const gone = await call('/v1/contacts', { token: s.token, body: { email: 'gone@example.com', status: 'unsubscribed' } });
    const bounced = await call('/v1/contacts', { token: s.token, body: { email: 'bounced@example.com', status: 'bounced' } });
    const complained = await call('/v1/contacts', { token: s.token, body: { email: 'complained@example.com', status: 'complained' } });
    await call(`/v1/contacts/${keep.json.id}`, { method: 'PATCH', token: s.token, body: { status: 'unsubscribed' } });
    const deleted = await call('/v1/contacts', { token: s.token, body: { email: 'deleted@example.com' } });
    await call(`/v1/contacts/${deleted.json.id}`, { method: 'DELETE', token: s.token });
    const file = 'email,first_name,company\nkeep@example.com,,New Co\ngone@example.com,Back,\ndeleted@example.com,Zombie,\nnew@example.com,New,\nbounced@example.com,B,\ncomplained@example.com,C,\n';

    const skipped = await importFile(s.token, file);
    expect(skipped.result).toMatchObject({ created: 1, updated: 0, skipped: 5 });
    expect(await errorReport(skipped.result.error_report_url)).toMatch(/2,keep@example\.com,already a contact[\s\S]*4,deleted@example\.com,a deleted contact has this address/);

    const updated = await importFile(s.token, file, { existing: 'update', tags: ['fair'] });
    expect(updated.result).toMatchObject({ created: 0, updated: 5, skipped: 1 });
    // Empty cells leave fields alone; tags are added; the unsubscribe stands.
    expect((await call(`/v1/contacts/${keep.json.id}`, { token: s.token })).json).toMatchObject({ first_name: 'Kept', company: 'New Co', status: 'unsubscribed', tags: ['fair', 'old'] });
    expect((await call(`/v1/contacts/${gone.json.id}`, { token: s.token })).json).toMatchObject({ first_name: 'Back', status: 'unsubscribed' });
    expect((await call(`/v1/contacts/${bounced.json.id}`, { token: s.token })).json).toMatchObject({ first_name: 'B', status: 'bounced' });
    expect((await call(`/v1/contacts/${complained.json.id}`, { token: s.token })).json).toMatchObject({ first_name: 'C', status: 'complained' });
    const zombie = (await contactsOf(s.tenantId)).get('deleted@example.com')!;
    expect(zombie.deletedAt).not.toBeNull();
    expect(zombie.firstName).toBeNull();
  });

  it('never subscribes a suppressed address: created as unsubscribed, counted, kept off lists', async () => {
    const s = await paidTenant();
    await call('/v1/suppressions', { token: s.token, body: { email: 'blocked@example.com', reason: 'complaint' } });
    await call('/v1/suppressions', { token: s.token, body: { domain: 'spamtrap.example', reason: 'manual' } });
    const list = await call('/v1/lists', { token: s.token, body: { name: 'Newsletter' } });
    const file = 'email\nblocked@example.com\nanyone@spamtrap.example\nfine@example.com\n';
    const job = await importFile(s.token, file, { list_ids: [list.json.id] });
    expect(job.result).toMatchObject({ created: 3, suppressed: 2 });
    expect((await contactByEmail(s.token, 'blocked@example.com')).status).toBe('unsubscribed');
    expect((await contactByEmail(s.token, 'anyone@spamtrap.example')).status).toBe('unsubscribed');
    expect((await contactByEmail(s.token, 'fine@example.com')).status).toBe('subscribed');
    const members = await call(`/v1/contacts?list=${list.json.id}`, { token: s.token });
    expect(members.json.data.map((c: { email: string }) => c.email)).toEqual(['fine@example.com']);
  });

  it('records the disposable and role flags and the status of each contact it creates, whatever the mix within a chunk', async () => {
    const s = await paidTenant();
    await call('/v1/suppressions', { token: s.token, body: { email: 'info@example.org', reason: 'manual' } });
    const file = 'email\nfine@example.org\ninfo@example.org\nsales@example.org\nsomeone@mailinator.com\nadmin@mailinator.com\nother@example.org\n';
    const job = await importFile(s.token, file);
    expect(job.result).toMatchObject({ created: 6, suppressed: 1 });
    const flags = Object.fromEntries([...(await contactsOf(s.tenantId)).values()].map((c) => [c.email, [c.status, c.disposable, c.role]]));
    expect(flags).toEqual({
      'fine@example.org': ['subscribed', false, false],
      'info@example.org': ['unsubscribed', false, true],
      'sales@example.org': ['subscribed', false, true],
      'someone@mailinator.com': ['subscribed', true, false],
      'admin@mailinator.com': ['subscribed', true, true],
      'other@example.org': ['subscribed', false, false],
    });
  });

  it("adds to the tenant's lists, and refuses another tenant's list before starting", async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const mine = await call('/v1/lists', { token: a.token, body: { name: 'Customers' } });
    const theirs = await call('/v1/lists', { token: b.token, body: { name: 'Secret' } });
    const up = await upload(a.token, 'email\nx@example.com\n');
    const refused = await call('/v1/contacts/import', { token: a.token, body: { upload_id: up.json.upload_id, list_ids: [mine.json.id, theirs.json.id] } });
    expectProblem(refused, 400, 'validation-error');
    expect(refused.json.errors).toEqual([{ field: 'list_ids', message: `${theirs.json.id} is not a list of this workspace` }]);
    const job = await waitForJob(a.token, (await call('/v1/contacts/import', { token: a.token, body: { upload_id: up.json.upload_id, list_ids: [mine.json.id] } })).json.id);
    expect(job.result.created).toBe(1);
    expect((await call(`/v1/lists/${mine.json.id}`, { token: a.token })).json.subscribers).toBe(1);
  });

  it('stops creating at the plan limit, reports the rest, and refuses up front when the workspace is full', async () => {
    const s = await signupTenant();
    await setPlan(s.tenantId, 'free');
    const db = getDb(env);
    const filler = Array.from({ length: 497 }, (_, i) => ({ id: newId(ID_PREFIX.contact), tenantId: s.tenantId, email: `filler${i}@example.com` }));
    for (let i = 0; i < filler.length; i += 10) await db.insert(contacts).values(filler.slice(i, i + 10)).run();
    await call('/v1/contacts', { token: s.token, body: { email: 'existing@example.com' } });
    const file = ['email,first_name', 'existing@example.com,Updated', ...Array.from({ length: 5 }, (_, i) => `new${i}@example.com,N`)].join('\n');
    const job = await importFile(s.token, file, { existing: 'update' });
    expect(job.result).toMatchObject({ created: 2, updated: 1, skipped: 3 });
    expect((await errorReport(job.result.error_report_url)).match(/plan contact limit reached/g)).toHaveLength(3);
    expect((await contactsOf(s.tenantId)).size).toBe(500);
    const full = await call('/v1/contacts/import', { token: s.token, body: { upload_id: (await upload(s.token, 'email\nmore@example.com\n')).json.upload_id } });
    expectProblem(full, 409, 'conflict');
    expect(full.json).toMatchObject({ limit: 500, used: 500 });
  });

  it("shows the import as the oldest timeline entry, also when the last page of events is full", async () => {
    const s = await paidTenant();
    await importFile(s.token, 'email\npaged@example.com\n');
    const [c] = [...(await contactsOf(s.tenantId)).values()];
    await recordContactEvents(tenantScope(getDb(env), s.tenantId), [{ contactId: c!.id, type: 'tagged', data: { tag: 'a' } }, { contactId: c!.id, type: 'tagged', data: { tag: 'b' } }]);
    const first = await call(`/v1/contacts/${c!.id}/activity?limit=2`, { token: s.token });
    expect(first.json.data.map((e: { type: string }) => e.type)).toEqual(['tagged', 'tagged']);
    expect(first.json.next_cursor).not.toBeNull();
    const second = await call(`/v1/contacts/${c!.id}/activity?limit=2&cursor=${first.json.next_cursor}`, { token: s.token });
    expect(second.json).toMatchObject({ data: [{ type: 'imported' }], next_cursor: null });
    const all = await call(`/v1/contacts/${c!.id}/activity?limit=3`, { token: s.token });
    expect(all.json.data.map((e: { type: string }) => e.type)).toEqual(['tagged', 'tagged', 'imported']);
  });

  it('records consent with the import job, audit entries without personal data, and notifies the importer', async () => {
    const s = await paidTenant();
    const job = await importFile(s.token, 'email,first_name\nzed@example.com,Zed\nyan@example.com,Yan\n');
    const db = getDb(env);
    const created = [...(await contactsOf(s.tenantId)).values()];
    // The job is in the consent record, and each timeline starts with it (no event row is written for it).
    expect(created.every((c) => c.consent?.source === 'import' && c.consent.wording_version === null && c.consent.import_job === job.id)).toBe(true);
    const rows = await db.select().from(contactEvents).where(and(eq(contactEvents.tenantId, s.tenantId), inArray(contactEvents.contactId, created.map((c) => c.id)))).all();
    expect(rows).toHaveLength(0);
    for (const c of created) {
      const timeline = await call(`/v1/contacts/${c.id}/activity`, { token: s.token });
      expect(timeline.json.data.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([['imported', { job_id: job.id }]]);
    }
    const entries = await eventually(() => db.select().from(auditLog).where(and(eq(auditLog.tenantId, s.tenantId), eq(auditLog.targetId, job.id))).all(), (rows) => rows.length === 2);
    expect(entries.map((e) => e.action).sort()).toEqual(['contact.import_finished', 'contact.import_started']);
    expect(JSON.stringify(entries)).not.toMatch(/zed|yan|example\.com/i);
    expect(entries.find((e) => e.action === 'contact.import_finished')!.metadata).toMatchObject({ rows: 2, created: 2 });
    const note = await eventually(() => db.select().from(notifications).where(and(eq(notifications.userId, s.userId), eq(notifications.kind, 'import_finished'))).get(), Boolean);
    expect(note).toMatchObject({ title: 'Import finished: 2 created, 0 updated', link: `/jobs/${job.id}` });
  });

  it('imports a file in one multipart request with the options as form fields', async () => {
    const s = await paidTenant();
    const key = await createApiKey(s, ['contacts:write', 'jobs:read']);
    const started = await postFile('/v1/contacts/import', key.secret, 'Mail;Nom\nx@example.com;Xu\n', 'x.csv', { tags: 'api, one-shot', mapping: JSON.stringify({ Nom: 'first_name' }), existing: 'update' });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ type: 'contact_import', status: 'queued' });
    await waitForJob(key.secret, started.json.id);
    expect(await contactByEmail(s.token, 'x@example.com')).toMatchObject({ first_name: 'Xu', tags: ['api', 'one-shot'] });
    expectProblem(await postFile('/v1/contacts/import', key.secret, 'email\na@example.com\n', 'x.csv', { existing: 'merge' }), 400, 'validation-error');
  });

  it('leaves no upload behind when a one-shot import cannot start', async () => {
    const s = await paidTenant();
    const res = await postFile('/v1/contacts/import', s.token, 'email,name\na@example.com,A\n', 'x.csv', { mapping: JSON.stringify({ email: null }) });
    expectProblem(res, 400, 'validation-error');
    expect((await env.FILES.list({ prefix: `imports/${s.tenantId}/` })).objects).toEqual([]);
  });
});

describe('access', () => {
  it("another tenant's upload is not found", async () => {
    const a = await paidTenant();
    const b = await paidTenant();
    const up = await upload(b.token, 'email\nsecret@example.com\n');
    expectProblem(await call('/v1/contacts/import', { token: a.token, body: { upload_id: up.json.upload_id } }), 404, 'not-found');
    expectProblem(await call('/v1/contacts/import', { token: a.token, body: { upload_id: '../../imports/x' } }), 404, 'not-found');
  });

  it('viewers and keys without contacts:write may not upload or import', async () => {
    const s = await paidTenant();
    const viewer = await addMember(s.tenantId, 'viewer');
    const readOnly = await createApiKey(s, ['contacts:read', 'jobs:read']);
    expectProblem(await upload(viewer.token, 'email\na@example.com\n'), 403, 'forbidden');
    expectProblem(await upload(readOnly.secret, 'email\na@example.com\n'), 403, 'insufficient-scope');
    const up = await upload(s.token, 'email\na@example.com\n');
    expectProblem(await call('/v1/contacts/import', { token: viewer.token, body: { upload_id: up.json.upload_id } }), 403, 'forbidden');
    expectProblem(await call('/v1/contacts/import', { token: readOnly.secret, body: { upload_id: up.json.upload_id } }), 403, 'insufficient-scope');
  });
});

/** An env whose queue only records: the test drives the runner itself, as redeliveries would. */
function isolatedEnv(overrides: Partial<Env> = {}) {
  const sent: JobMessage[] = [];
  const queue = { send: async (m: JobMessage) => void sent.push(m), sendBatch: async () => undefined } as unknown as Queue<JobMessage>;
  return { env: { ...(env as unknown as Env), JOBS_QUEUE: queue, ...overrides } as Env, sent };
}

/**
 * A D1 binding with a fault at the `n`th chunk commit (the batch that writes a chunk receipt): the
 * batch commits, then either its answer is lost (it reports an error), or the worker dies (every
 * later use of the database fails, as in a worker that is gone).
 */
function faultyD1(real: D1Database, n: number, fault: 'answer lost' | 'worker died'): D1Database {
  const original = new WeakMap<object, { stmt: D1PreparedStatement; sql: string }>();
  const forward = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const tracked = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, { get: (target, prop) => (prop === 'bind' ? (...args: unknown[]) => tracked(target.bind(...args), sql) : forward(target, prop)) });
    original.set(proxy, { stmt, sql });
    return proxy;
  };
  let commits = 0;
  let dead = false;
  return new Proxy(real, {
    get(target, prop) {
      if (dead) throw new Error('worker died');
      if (prop === 'prepare') return (sql: string) => tracked(target.prepare(sql), sql);
      if (prop !== 'batch') return forward(target, prop);
      return async (statements: D1PreparedStatement[]) => {
        const result = await target.batch(statements.map((s) => original.get(s)?.stmt ?? s));
        if (statements.some((s) => /^insert into "jobs"/.test(original.get(s)?.sql ?? '')) && ++commits === n) {
          if (fault === 'answer lost') throw new Error('connection lost after the commit');
          dead = true;
        }
        return result;
      };
    },
  });
}

async function startIsolated(token: string, tenantId: string, file: string, runEnv: Env) {
  const up = await upload(token, file);
  return startContactImport(runEnv, tenantScope(getDb(runEnv), tenantId), { upload_id: up.json.upload_id, tags: ['t'] }, { type: 'system', id: null }, null);
}

const reloadJob = async (id: string) => (await getDb(env).select().from(jobs).where(eq(jobs.id, id)).get())!;

describe('delivery and crashes', () => {
  const rows = 2 * CHUNK_ROWS + 500;
  const file = ['email,first_name', ...Array.from({ length: rows }, (_, i) => `p${i}@example.com,P${i}`), 'p7@example.com,again', 'broken,x'].join('\n');

  async function expectExact(token: string, tenantId: string, job: Job) {
    expect(job).toMatchObject({ status: 'succeeded', processed: rows + 2, total: rows + 2 });
    expect(job.result).toMatchObject({ rows: rows + 2, created: rows, duplicates: 1, invalid: 1, skipped: 0, updated: 0 });
    const db = getDb(env);
    expect((await contactsOf(tenantId)).size).toBe(rows);
    const byThisJob = [...(await contactsOf(tenantId)).values()].filter((c) => c.consent?.import_job === job.id);
    expect(byThisJob).toHaveLength(rows);
    const report = await errorReport((job.result as { error_report_url: string }).error_report_url);
    expect(report.trim().split('\r\n')).toHaveLength(3);
    // Chunk receipts are bookkeeping: gone once the job is done.
    expect(await db.select({ id: jobs.id }).from(jobs).where(eq(jobs.type, 'contact_import_chunk')).all()).toEqual([]);
    expect((await call(`/v1/tags`, { token })).json.data[0]).toMatchObject({ name: 't', contacts: rows });
  }

  it('resumes after a crash right after a chunk was committed, without importing or counting anything twice', async () => {
    const s = await paidTenant();
    const { env: runEnv, sent } = isolatedEnv();
    const job = await startIsolated(s.token, s.tenantId, file, runEnv);
    const dying = { ...runEnv, DB: faultyD1(env.DB, 2, 'worker died') };
    await expect(runContactImport(dying, getDb(dying), await reloadJob(job.id))).rejects.toThrow('worker died');
    expect((await reloadJob(job.id)).processed).toBe(2 * CHUNK_ROWS);
    // The queue redelivers the message: the runner picks up after the last committed chunk.
    await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id));
    await expectExact(s.token, s.tenantId, await reloadJob(job.id));
    // Only the message that started the job: resuming needs none of its own.
    expect(sent).toEqual([{ type: 'job', jobId: job.id, tenantId: s.tenantId }]);
  });

  it('goes on when the database reports a failure for a batch that did commit', async () => {
    const s = await paidTenant();
    const { env: runEnv } = isolatedEnv();
    const job = await startIsolated(s.token, s.tenantId, file, runEnv);
    const flaky = { ...runEnv, DB: faultyD1(env.DB, 1, 'answer lost') };
    // The answer was lost but the chunk committed: the job's offset shows it, so the import carries on from there.
    await runContactImport(flaky, getDb(flaky), await reloadJob(job.id));
    await expectExact(s.token, s.tenantId, await reloadJob(job.id));
  });

  it('imports exactly once when the same message is delivered twice at the same time', async () => {
    const s = await paidTenant();
    const { env: runEnv } = isolatedEnv();
    const job = await startIsolated(s.token, s.tenantId, file, runEnv);
    const row = await reloadJob(job.id);
    await Promise.all([runContactImport(runEnv, getDb(runEnv), row), runContactImport(runEnv, getDb(runEnv), row)]);
    await expectExact(s.token, s.tenantId, await reloadJob(job.id));
  });

  it('resumes far into a file that was still being staged, without waiting for chunks nobody will ask for', { timeout: 60_000 }, async () => {
    const s = await paidTenant();
    const { env: runEnv } = isolatedEnv();
    // More committed chunks than staging holds ahead (6): the run that resumes must skip them while it parses again.
    const n = 11 * CHUNK_ROWS + 7;
    const job = await startIsolated(s.token, s.tenantId, ['email', ...Array.from({ length: n }, (_, i) => `far${i}@example.com`)].join('\n'), runEnv);
    const dying = { ...runEnv, DB: faultyD1(env.DB, 8, 'worker died') };
    await expect(runContactImport(dying, getDb(dying), await reloadJob(job.id))).rejects.toThrow('worker died');
    expect(await reloadJob(job.id)).toMatchObject({ processed: 8 * CHUNK_ROWS, total: null });
    await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id));
    expect(await reloadJob(job.id)).toMatchObject({ status: 'succeeded', processed: n, total: n, result: { rows: n, created: n } });
    expect((await contactsOf(s.tenantId)).size).toBe(n);
  });

  it('finishes an import started before the chunk size was recorded with the chunks and pages it began with', async () => {
    const s = await paidTenant();
    const { env: runEnv, sent } = isolatedEnv();
    const n = 4 * LEGACY_GEOMETRY.pageRows / 2 + 11;
    const job = await startIsolated(s.token, s.tenantId, ['email', ...Array.from({ length: n }, (_, i) => `old${i}@example.com`)].join('\n'), runEnv);
    // As such a job's params were: no geometry.
    const { geometry: _, ...legacy } = job.params as Record<string, unknown>;
    await getDb(env).update(jobs).set({ params: legacy }).where(eq(jobs.id, job.id)).run();
    // Two slices of 3 chunks stage the file and hand over; the rest reads the staged pages back.
    for (let i = 0; i < 2; i++) await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id), { maxChunks: 3, maxMs: 60_000 });
    expect(await reloadJob(job.id)).toMatchObject({ processed: 6 * LEGACY_GEOMETRY.chunkRows, total: n });
    await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id));
    expect(sent).toHaveLength(3);
    expect(await reloadJob(job.id)).toMatchObject({ status: 'succeeded', processed: n, result: { rows: n, created: n } });
    expect((await contactsOf(s.tenantId)).size).toBe(n);
  });

  it('fails the job, instead of handing over for ever, when its staged rows are missing', async () => {
    const s = await paidTenant();
    const { env: runEnv, sent } = isolatedEnv();
    const n = 3 * CHUNK_ROWS;
    const job = await startIsolated(s.token, s.tenantId, ['email', ...Array.from({ length: n }, (_, i) => `gone${i}@example.com`)].join('\n'), runEnv);
    await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id), { maxChunks: 1, maxMs: 60_000 });
    const staged = await env.FILES.list({ prefix: `imports/${s.tenantId}/${job.id}/rows/` });
    await env.FILES.delete(staged.objects.map((o) => o.key));
    // The pages are gone: a missing page is an error the queue retries; a page cut short reads as no rows.
    await env.FILES.put(staged.objects[0]!.key, '[]');
    await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id));
    expect(await reloadJob(job.id)).toMatchObject({ status: 'failed', error: 'The rows staged for this import are incomplete. Start the import again.' });
    expect(sent).toHaveLength(2);
  });

  it('hands over to a new message after each slice; later slices read the staged pages', async () => {
    const s = await paidTenant();
    const { env: runEnv, sent } = isolatedEnv();
    const n = 12 * CHUNK_ROWS + 345;
    const big = ['email', ...Array.from({ length: n }, (_, i) => `q${i}@example.com`)].join('\n');
    const up = await upload(s.token, big);
    const job = await startContactImport(runEnv, tenantScope(getDb(runEnv), s.tenantId), { upload_id: up.json.upload_id }, { type: 'system', id: null }, null);
    // 13 chunks, 5 per slice: the first slice stages the file, the next two read it back (two pages).
    for (let i = 0; i < 2; i++) await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id), { maxChunks: 5, maxMs: 60_000 });
    expect(sent).toEqual(Array(3).fill({ type: 'job', jobId: job.id, tenantId: s.tenantId }));
    expect(await reloadJob(job.id)).toMatchObject({ status: 'queued', processed: 10 * CHUNK_ROWS, total: n });
    await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id), { maxChunks: 5, maxMs: 60_000 });
    expect(sent).toHaveLength(3);
    expect(await reloadJob(job.id)).toMatchObject({ status: 'succeeded', processed: n, result: { rows: n, created: n } });
    expect((await contactsOf(s.tenantId)).size).toBe(n);
  });

  it('fails the job with a clear error when the uploaded file is gone', async () => {
    const s = await paidTenant();
    const { env: runEnv } = isolatedEnv();
    const job = await startIsolated(s.token, s.tenantId, 'email\na@example.com\n', runEnv);
    const params = (await reloadJob(job.id)).params as { upload_id: string };
    await env.FILES.delete(`imports/${s.tenantId}/${params.upload_id}/file`);
    await runContactImport(runEnv, getDb(runEnv), await reloadJob(job.id));
    expect(await reloadJob(job.id)).toMatchObject({ status: 'failed', error: 'The uploaded file is no longer available. Upload it again.' });
  });
});

describe('a large file', () => {
  it('imports 100,000 rows through the API in pages, exactly', { timeout: 120_000 }, async () => {
    const s = await paidTenant();
    const n = 100_000;
    const lines = ['email,first_name,last_name'];
    for (let i = 0; i < n; i++) lines.push(`person${i}@example.com,First${i},Last${i}`);
    const job = await importFile(s.token, lines.join('\n'), {}, 'big.csv');
    expect(job).toMatchObject({ status: 'succeeded', total: n, processed: n });
    expect(job.result).toMatchObject({ rows: n, created: n, invalid: 0, duplicates: 0, error_report_url: null });
    const [{ count }] = (await env.DB.prepare('select count(*) as count from contacts where tenant_id = ?').bind(s.tenantId).all<{ count: number }>()).results as [{ count: number }];
    expect(count).toBe(n);
    expect(await contactByEmail(s.token, 'person99999@example.com')).toMatchObject({ first_name: 'First99999', last_name: 'Last99999' });
  });
});
