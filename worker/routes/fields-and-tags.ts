import { z } from '@hono/zod-openapi';
import { count, eq, inArray } from 'drizzle-orm';
import { contactTags, customFields, tags, CUSTOM_FIELD_TYPES } from '../db/schema';
import { actorOf, audit } from '../domain/audit';
import { ID_PREFIX, newId } from '../lib/ids';
import { PageQuery, pageOf } from '../lib/pagination';
import { Problem } from '../lib/problem';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

/** Built-in contact fields: a custom field may not shadow them in merge tags or imports. */
const RESERVED_KEYS = new Set(['id', 'email', 'first_name', 'last_name', 'phone', 'company', 'city', 'country', 'language', 'timezone', 'status', 'tags', 'created_at']);

const Field = z.object({ id: z.string(), key: z.string(), label: z.string(), type: z.enum(CUSTOM_FIELD_TYPES), created_at: Timestamp }).openapi('CustomField');
const Tag = z.object({ id: z.string(), name: z.string(), contacts: z.number().int(), created_at: Timestamp }).openapi('Tag');

const routes = {
  listFields: defineRoute({
    method: 'get', path: '/v1/fields', access: 'contacts:read', tags: ['Contacts'], summary: 'Custom contact fields of the workspace',
    responses: { 200: json(z.object({ data: z.array(Field), next_cursor: z.null() })), 401: errors[401] },
  }),
  createField: defineRoute({
    method: 'post', path: '/v1/fields', access: 'contacts:write', tags: ['Contacts'], summary: 'Define a typed custom field (text, number, date, boolean)',
    request: {
      body: jsonBody(
        z.object({
          key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _; starts with a letter; at most 40'),
          label: z.string().trim().min(1).max(100),
          type: z.enum(CUSTOM_FIELD_TYPES),
        }),
      ),
    },
    responses: { 201: json(Field), 400: errors[400], 409: errors[409] },
  }),
  deleteField: defineRoute({
    method: 'delete', path: '/v1/fields/{id}', access: 'contacts:write', tags: ['Contacts'], summary: 'Remove a custom field definition',
    request: { params: IdParam('fld_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
  listTags: defineRoute({
    method: 'get', path: '/v1/tags', access: 'contacts:read', tags: ['Contacts'], summary: 'Tags with how many contacts carry each',
    request: { query: PageQuery }, responses: { 200: json(pageOf(Tag)), 401: errors[401] },
  }),
  createTag: defineRoute({
    method: 'post', path: '/v1/tags', access: 'contacts:write', tags: ['Contacts'], summary: 'Create a tag',
    request: { body: jsonBody(z.object({ name: z.string().trim().min(1).max(50) })) }, responses: { 201: json(Tag), 400: errors[400], 409: errors[409] },
  }),
  deleteTag: defineRoute({
    method: 'delete', path: '/v1/tags/{id}', access: 'contacts:write', tags: ['Contacts'], summary: 'Delete a tag (contacts keep everything else)',
    request: { params: IdParam('tag_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
};

const fieldView = (f: typeof customFields.$inferSelect) => ({ id: f.id, key: f.key, label: f.label, type: f.type, created_at: f.createdAt.toISOString() });

export function registerFieldsAndTags(app: App) {
  app.openapi(routes.listFields, async (c) => {
    const scope = scopeOf(c);
    const rows = await scope.db.select().from(customFields).where(scope.own(customFields)).orderBy(customFields.key).all();
    return c.json({ data: rows.map(fieldView), next_cursor: null }, 200);
  });
  app.openapi(routes.createField, async (c) => {
    const body = c.req.valid('json');
    if (RESERVED_KEYS.has(body.key)) throw new Problem('conflict', `"${body.key}" is a built-in contact field.`);
    const scope = scopeOf(c);
    if (await scope.db.select({ id: customFields.id }).from(customFields).where(scope.own(customFields, eq(customFields.key, body.key))).get()) {
      throw new Problem('conflict', `A field with the key "${body.key}" exists already.`);
    }
    const field = await scope.insert(customFields, { id: newId(ID_PREFIX.customField), ...body });
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'field.created', target: { type: 'custom_field', id: field.id } });
    return c.json(fieldView(field), 201);
  });
  app.openapi(routes.deleteField, async (c) => {
    const scope = scopeOf(c);
    await scope.remove(customFields, c.req.valid('param').id, 'Field');
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'field.deleted', target: { type: 'custom_field', id: c.req.valid('param').id } });
    return c.body(null, 204);
  });
  app.openapi(routes.listTags, async (c) => {
    const scope = scopeOf(c);
    const page = await scope.list(tags, c.req.valid('query'), (t) => t);
    const ids = page.data.map((t) => t.id);
    const counted = ids.length
      ? await scope.db.select({ tagId: contactTags.tagId, n: count() }).from(contactTags).where(scope.own(contactTags, inArray(contactTags.tagId, ids))).groupBy(contactTags.tagId).all()
      : [];
    const counts = new Map(counted.map((r) => [r.tagId, r.n]));
    return c.json({ data: page.data.map((t) => ({ id: t.id, name: t.name, contacts: counts.get(t.id) ?? 0, created_at: t.createdAt.toISOString() })), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(routes.createTag, async (c) => {
    const scope = scopeOf(c);
    const name = c.req.valid('json').name;
    if (await scope.db.select({ id: tags.id }).from(tags).where(scope.own(tags, eq(tags.name, name))).get()) throw new Problem('conflict', `The tag "${name}" exists already.`);
    const tag = await scope.insert(tags, { id: newId(ID_PREFIX.tag), name });
    return c.json({ id: tag.id, name: tag.name, contacts: 0, created_at: tag.createdAt.toISOString() }, 201);
  });
  app.openapi(routes.deleteTag, async (c) => {
    const scope = scopeOf(c);
    await scope.remove(tags, c.req.valid('param').id, 'Tag');
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'tag.deleted', target: { type: 'tag', id: c.req.valid('param').id } });
    return c.body(null, 204);
  });
}
