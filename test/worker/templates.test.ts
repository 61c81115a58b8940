import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { templates, templateVersions } from '../../worker/db/schema';
import { tenantScope } from '../../worker/db/tenant-scope';
import { purgeDeletedTemplates, saveTemplate } from '../../worker/domain/templates';
import { Problem } from '../../worker/lib/problem';
import { eq } from 'drizzle-orm';
import { addMember, call, createApiKey, expectProblem, signupTenant, type Session } from './helpers';

const HTML = '<!DOCTYPE html><html><body><h1>Hello {{ first_name | default: "there" }}</h1><p>From {{ tenant.name }}. {{ custom.plan }} {{ frist_name }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>';

async function createTemplate(s: Session, body: Record<string, unknown> = {}) {
  const res = await call('/v1/templates', { token: s.token, body: { name: 'Spring news', category: 'newsletter', subject: 'Hi {{ first_name }}', html: HTML, ...body } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

describe('templates API', () => {
  it('creates a template: sanitized HTML, derived text, unknown variables listed, version 1', async () => {
    const s = await signupTenant();
    await call('/v1/fields', { token: s.token, body: { key: 'plan', label: 'Plan', type: 'text' } });
    const t = await createTemplate(s, { html: `${HTML}<script>alert(1)</script><img src="x" onerror="alert(1)">`, preheader: 'Preview text', from_name: 'Acme News' });
    expect(t).toMatchObject({ name: 'Spring news', category: 'newsletter', editor: 'code', version: 1, preheader: 'Preview text', from_name: 'Acme News', deleted_at: null, purge_at: null, text_override: null });
    expect(t.id).toMatch(/^tpl_/);
    expect(t.html).not.toContain('<script');
    expect(t.html).not.toContain('onerror');
    expect(t.sanitizer_changes).toEqual(expect.arrayContaining(['removed <script>', 'removed event handler attribute (onerror)']));
    expect(t.unknown_variables).toEqual(['frist_name']);
    expect(t.text).toBe('Hello {{ first_name | default: "there" }}\n\nFrom {{ tenant.name }}. {{ custom.plan }} {{ frist_name }}\n\nUnsubscribe ({{ unsubscribe_url }})');

    const got = await call(`/v1/templates/${t.id}`, { token: s.token });
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id: t.id, html: t.html, unknown_variables: ['frist_name'], sanitizer_changes: [] });

    const withText = await createTemplate(s, { text_override: 'Plain {{ first_name }}' });
    expect(withText.text).toBe('Plain {{ first_name }}');
  });

  it('refuses bad Liquid with the field and line, and unknown filters, but not unknown variables', async () => {
    const s = await signupTenant();
    const bad = await call('/v1/templates', { token: s.token, body: { name: 'x', subject: 's', html: '<p>ok</p>\n<p>{% if first_name %}never closed</p>' } });
    expectProblem(bad, 400, 'validation-error');
    expect(bad.json.errors[0]).toMatchObject({ field: 'html', line: 2 });
    expect(bad.json.errors[0].message).toMatch(/not closed.*line 2/);

    const filter = await call('/v1/templates', { token: s.token, body: { name: 'x', subject: '{{ first_name | shout }}', html: '<p>x</p>' } });
    expectProblem(filter, 400, 'validation-error');
    expect(filter.json.errors[0]).toMatchObject({ field: 'subject', message: expect.stringMatching(/undefined filter: shout/) });

    const include = await call('/v1/templates', { token: s.token, body: { name: 'x', subject: 's', html: '{% include "other" %}' } });
    expectProblem(include, 400, 'validation-error');

    expectProblem(await call('/v1/templates', { token: s.token, body: { name: 'x', subject: 's', html: '<p>x</p>', extra: 1 } }), 400, 'validation-error');
    expectProblem(await call('/v1/templates', { token: s.token, body: { name: 'x', subject: 's', html: '<p>x</p>', from_name: 'a\r\nBcc: x@example.com' } }), 400, 'validation-error');
  });

  it('lists newest first with category filter, search, counts per category, and pagination', async () => {
    const s = await signupTenant();
    const a = await createTemplate(s, { name: 'Alpha welcome', category: 'welcome' });
    const b = await createTemplate(s, { name: 'Beta sale', category: 'promotion', subject: 'Big sale' });
    const c = await createTemplate(s, { name: 'Gamma sale', category: 'promotion' });
    const all = await call('/v1/templates', { token: s.token });
    expect(all.json.data.map((t: { id: string }) => t.id)).toEqual([c.id, b.id, a.id]);
    expect(all.json.data[0]).not.toHaveProperty('html');
    expect((await call('/v1/templates?category=promotion', { token: s.token })).json.data.map((t: { id: string }) => t.id)).toEqual([c.id, b.id]);
    expect((await call('/v1/templates?q=big', { token: s.token })).json.data.map((t: { id: string }) => t.id)).toEqual([b.id]);
    expect((await call('/v1/templates?q=alpha', { token: s.token })).json.data.map((t: { id: string }) => t.id)).toEqual([a.id]);
    const page1 = await call('/v1/templates?limit=2', { token: s.token });
    const page2 = await call(`/v1/templates?limit=2&cursor=${page1.json.next_cursor}`, { token: s.token });
    expect([...page1.json.data, ...page2.json.data].map((t: { id: string }) => t.id)).toEqual([c.id, b.id, a.id]);
    expect(page2.json.next_cursor).toBeNull();

    const counts = await call('/v1/templates/categories', { token: s.token });
    expect(counts.json.data).toContainEqual({ category: 'promotion', count: 2 });
    expect(counts.json.data).toContainEqual({ category: 'welcome', count: 1 });
    expect(counts.json.data).toContainEqual({ category: 'event', count: 0 });
    expect(counts.json.data).toHaveLength(9);
  });

  it('versions every save; restoring version N saves its content as a new version', async () => {
    const s = await signupTenant();
    const t = await createTemplate(s, { subject: 'First subject' });
    const patched = await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: s.token, body: { subject: 'Second subject', html: '<p>Second</p>' } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ version: 2, subject: 'Second subject', html: '<p>Second</p>', name: 'Spring news' });
    const renamed = await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: s.token, body: { name: 'Renamed' } });
    expect(renamed.json).toMatchObject({ version: 3, name: 'Renamed', subject: 'Second subject' });

    const versions = await call(`/v1/templates/${t.id}/versions`, { token: s.token });
    expect(versions.json.data.map((v: { version: number; subject: string }) => [v.version, v.subject])).toEqual([
      [3, 'Second subject'],
      [2, 'Second subject'],
      [1, 'First subject'],
    ]);
    expect(versions.json.data[0].created_by).toBe(s.userId);
    const first = await call(`/v1/templates/${t.id}/versions?limit=2`, { token: s.token });
    const rest = await call(`/v1/templates/${t.id}/versions?limit=2&cursor=${first.json.next_cursor}`, { token: s.token });
    expect(rest.json.data.map((v: { version: number }) => v.version)).toEqual([1]);

    const v1 = await call(`/v1/templates/${t.id}/versions/1`, { token: s.token });
    expect(v1.json).toMatchObject({ version: 1, subject: 'First subject', html: t.html, name: 'Spring news' });
    expectProblem(await call(`/v1/templates/${t.id}/versions/9`, { token: s.token }), 404, 'not-found');

    const restored = await call(`/v1/templates/${t.id}/versions/1/restore`, { method: 'POST', token: s.token });
    expect(restored.status).toBe(200);
    expect(restored.json).toMatchObject({ version: 4, subject: 'First subject', html: t.html, name: 'Spring news', unknown_variables: ['custom.plan', 'frist_name'] });
    expect((await call(`/v1/templates/${t.id}/versions`, { token: s.token })).json.data[0]).toMatchObject({ version: 4, subject: 'First subject' });
  });

  it('refuses a save based on a version someone else has replaced meanwhile', async () => {
    const s = await signupTenant();
    const t = await createTemplate(s);
    const scope = tenantScope(getDb(env), s.tenantId);
    const stale = await scope.get(templates, t.id);
    await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: s.token, body: { subject: 'Theirs' } });
    const save = saveTemplate(scope, stale, { ...stale, subject: 'Mine' }, { actor: { type: 'user', id: s.userId }, action: 'template.updated' });
    await expect(save).rejects.toSatisfy((e) => e instanceof Problem && e.status === 409);
    expect((await call(`/v1/templates/${t.id}`, { token: s.token })).json).toMatchObject({ version: 2, subject: 'Theirs' });
  });

  it('soft-deletes, lists the deleted with their purge date, restores, and purges after 30 days', async () => {
    const s = await signupTenant();
    const t = await createTemplate(s);
    expect((await call(`/v1/templates/${t.id}`, { method: 'DELETE', token: s.token })).status).toBe(204);
    expect((await call('/v1/templates', { token: s.token })).json.data).toEqual([]);
    const deleted = (await call('/v1/templates?deleted=true', { token: s.token })).json.data;
    expect(deleted.map((d: { id: string }) => d.id)).toEqual([t.id]);
    expect(Date.parse(deleted[0].purge_at) - Date.parse(deleted[0].deleted_at)).toBe(30 * 24 * 3600_000);
    expectProblem(await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: s.token, body: { name: 'x' } }), 404, 'not-found');
    expectProblem(await call(`/v1/templates/${t.id}/duplicate`, { method: 'POST', token: s.token }), 404, 'not-found');
    expect((await call('/v1/templates/categories', { token: s.token })).json.data).toContainEqual({ category: 'newsletter', count: 0 });

    const restored = await call(`/v1/templates/${t.id}/restore`, { method: 'POST', token: s.token });
    expect(restored.json).toMatchObject({ id: t.id, deleted_at: null, purge_at: null });
    expectProblem(await call(`/v1/templates/${t.id}/restore`, { method: 'POST', token: s.token }), 409, 'conflict');

    await call(`/v1/templates/${t.id}`, { method: 'DELETE', token: s.token });
    const db = getDb(env);
    expect(await purgeDeletedTemplates(db, Date.now() + 29 * 24 * 3600_000)).toBe(0);
    expect(await purgeDeletedTemplates(db, Date.now() + 31 * 24 * 3600_000)).toBeGreaterThanOrEqual(1);
    expectProblem(await call(`/v1/templates/${t.id}`, { token: s.token }), 404, 'not-found');
    expect(await db.select().from(templateVersions).where(eq(templateVersions.templateId, t.id)).all()).toEqual([]);
  });

  it('duplicates as "… (copy)" at version 1', async () => {
    const s = await signupTenant();
    const t = await createTemplate(s);
    await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: s.token, body: { subject: 'v2' } });
    const copy = await call(`/v1/templates/${t.id}/duplicate`, { method: 'POST', token: s.token });
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({ name: 'Spring news (copy)', version: 1, subject: 'v2', html: t.html, category: 'newsletter' });
    expect(copy.json.id).not.toBe(t.id);
  });

  it('offers the starters and creates templates from them', async () => {
    const s = await signupTenant();
    const starters = await call('/v1/templates/starters', { token: s.token });
    expect(starters.json.data.length).toBeGreaterThanOrEqual(8);
    expect(starters.json.data[0]).toEqual({ id: expect.any(String), name: expect.any(String), category: expect.any(String), description: expect.any(String), subject: expect.any(String), preheader: expect.any(String), html: expect.stringContaining('<!DOCTYPE html>') });
    const t = await call('/v1/templates/from-starter', { token: s.token, body: { starter_id: 'receipt', name: 'Order receipt' } });
    expect(t.status).toBe(201);
    expect(t.json).toMatchObject({ name: 'Order receipt', category: 'transactional', version: 1, sanitizer_changes: [], unknown_variables: [] });
    expectProblem(await call('/v1/templates/from-starter', { token: s.token, body: { starter_id: 'nope' } }), 400, 'validation-error');
  });

  it('describes every merge tag of the workspace, custom fields included', async () => {
    const s = await signupTenant('Merge Corp');
    await call('/v1/fields', { token: s.token, body: { key: 'plan', label: 'Plan', type: 'text' } });
    const guide = (await call('/v1/templates/merge-tags', { token: s.token })).json;
    expect(guide.groups.map((g: { name: string }) => g.name)).toEqual(['Contact', 'Custom fields', 'Workspace', 'Links']);
    const tag = (name: string) => guide.groups.flatMap((g: { variables: { tag: string }[] }) => g.variables).find((v: { tag: string }) => v.tag === name);
    expect(tag('first_name')).toEqual({ tag: 'first_name', insert: '{{ first_name | default: "there" }}', description: 'First name', example: 'Ada' });
    expect(tag('custom.plan')).toMatchObject({ insert: '{{ custom.plan }}', example: 'Sample Plan' });
    expect(tag('tenant.name')).toMatchObject({ example: 'Merge Corp' });
    for (const link of ['unsubscribe_url', 'preferences_url', 'view_online_url']) expect(tag(link)).toBeDefined();
    expect(guide.filters.map((f: { name: string }) => f.name)).toContain('default');
    expect(guide.spintax.syntax).toContain('|');
  });

  it('previews unsaved content for the sample contact or a chosen one, sanitized first', async () => {
    const s = await signupTenant('Preview Inc');
    const contact = await call('/v1/contacts', { token: s.token, body: { email: 'grace@example.com', first_name: 'Grace' } });
    const body = { subject: 'Hi {{ first_name }}', preheader: 'For {{ first_name }}', html: '<p>Hello {{ first_name }} from {{ tenant.name }}</p><a href="{{ unsubscribe_url }}">u</a><script>alert(1)</script>' };
    const sample = await call('/v1/templates/preview', { token: s.token, body });
    expect(sample.status).toBe(200);
    expect(sample.json).toMatchObject({ subject: 'Hi Ada', preheader: 'For Ada', text: 'Hello Ada from Preview Inc\n\nu (#unsubscribe)', unknown_variables: [], sanitizer_changes: ['removed <script>'] });
    expect(sample.json.html).toContain('<p>Hello Ada from Preview Inc</p><a href="#unsubscribe">u</a>');
    expect(sample.json.html).not.toContain('<script');

    const forGrace = await call('/v1/templates/preview', { token: s.token, body: { ...body, contact_id: contact.json.id } });
    expect(forGrace.json.subject).toBe('Hi Grace');

    expectProblem(await call('/v1/templates/preview', { token: s.token, body: { ...body, contact_id: 'con_missing' } }), 404, 'not-found');
    const runaway = await call('/v1/templates/preview', { token: s.token, body: { subject: 's', html: '{% assign r = (1..1000) %}{% for a in r %}{% for b in r %}{% for c in r %}{% endfor %}{% endfor %}{% endfor %}' } });
    expectProblem(runaway, 422, 'unprocessable');
    expect(runaway.json.errors[0].field).toBe('html');
  });

  it('previews a saved template, or one of its versions', async () => {
    const s = await signupTenant();
    const t = await createTemplate(s, { subject: 'First {{ first_name }}' });
    await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: s.token, body: { subject: 'Second {{ first_name }}' } });
    expect((await call(`/v1/templates/${t.id}/preview`, { token: s.token, body: {} })).json).toMatchObject({ subject: 'Second Ada', unknown_variables: ['custom.plan', 'frist_name'] });
    expect((await call(`/v1/templates/${t.id}/preview`, { token: s.token, body: { version: 1 } })).json.subject).toBe('First Ada');
    expectProblem(await call(`/v1/templates/${t.id}/preview`, { token: s.token, body: { version: 7 } }), 404, 'not-found');
  });

  it('lets viewers and read-only keys read and preview, not change', async () => {
    const s = await signupTenant();
    const t = await createTemplate(s);
    const viewer = await addMember(s.tenantId, 'viewer');
    expect((await call(`/v1/templates/${t.id}`, { token: viewer.token })).status).toBe(200);
    expect((await call(`/v1/templates/${t.id}/preview`, { token: viewer.token, body: {} })).status).toBe(200);
    expectProblem(await call('/v1/templates', { token: viewer.token, body: { name: 'x', subject: 's', html: '<p>x</p>' } }), 403, 'forbidden');
    expectProblem(await call(`/v1/templates/${t.id}`, { method: 'DELETE', token: viewer.token }), 403, 'forbidden');
    const editor = await addMember(s.tenantId, 'editor');
    expect((await call(`/v1/templates/${t.id}/duplicate`, { method: 'POST', token: editor.token })).status).toBe(201);

    const key = await createApiKey(s, ['templates:read']);
    expect((await call('/v1/templates', { token: key.secret })).status).toBe(200);
    expectProblem(await call('/v1/templates', { token: key.secret, body: { name: 'x', subject: 's', html: '<p>x</p>' } }), 403, 'insufficient-scope');
  });

  it("never shows or renders another workspace's templates or contacts", async () => {
    const a = await signupTenant();
    const b = await signupTenant();
    const t = await createTemplate(a);
    const bContact = await call('/v1/contacts', { token: b.token, body: { email: 'bee@example.com', first_name: 'Bee' } });
    expectProblem(await call(`/v1/templates/${t.id}`, { token: b.token }), 404, 'not-found');
    expectProblem(await call(`/v1/templates/${t.id}/versions/1`, { token: b.token }), 404, 'not-found');
    expectProblem(await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: b.token, body: { name: 'mine' } }), 404, 'not-found');
    expectProblem(await call(`/v1/templates/${t.id}/preview`, { token: b.token, body: {} }), 404, 'not-found');
    expectProblem(await call(`/v1/templates/${t.id}/preview`, { token: a.token, body: { contact_id: bContact.json.id } }), 404, 'not-found');
    expect((await call('/v1/templates', { token: b.token })).json.data).toEqual([]);
  });

  it('ticks the onboarding step once the workspace has a template', async () => {
    const s = await signupTenant();
    const step = async () => (await call('/v1/onboarding', { token: s.token })).json.steps.find((x: { key: string }) => x.key === 'create_template');
    expect(await step()).toMatchObject({ done: false });
    await createTemplate(s);
    expect(await step()).toMatchObject({ done: true });
  });

  it('records template changes in the audit log', async () => {
    const s = await signupTenant();
    const t = await createTemplate(s);
    await call(`/v1/templates/${t.id}`, { method: 'PATCH', token: s.token, body: { name: 'n' } });
    await call(`/v1/templates/${t.id}`, { method: 'DELETE', token: s.token });
    const log = await call('/v1/audit-log?action=template.*', { token: s.token });
    expect(log.json.data.map((e: { action: string }) => e.action)).toEqual(['template.deleted', 'template.updated', 'template.created']);
    expect(log.json.data[1].metadata).toMatchObject({ version: 2, fields: ['name'] });
  });
});
