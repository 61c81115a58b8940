import { z } from '@hono/zod-openapi';
import { lists } from '../db/schema';
import { actorOf, audit } from '../domain/audit';
import { addMembers, assertUniqueListName, listView, removeMembers, subscriberCounts } from '../domain/lists';
import { ID_PREFIX, newId } from '../lib/ids';
import { PageQuery, pageOf } from '../lib/pagination';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const List = z
  .object({ id: z.string(), name: z.string(), description: z.string().nullable(), double_opt_in: z.boolean(), subscribers: z.number().int(), created_at: Timestamp, updated_at: Timestamp.nullable() })
  .openapi('List');
const ListBody = z.object({ name: z.string().trim().min(1).max(100), description: z.string().trim().max(500).nullable().optional(), double_opt_in: z.boolean().optional() }).strict();
const ContactIds = z.object({ contact_ids: z.array(z.string().min(3).max(64)).min(1).max(1000) });

const tags = ['Lists'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/lists', access: 'contacts:read', tags, summary: 'Lists with their subscriber counts',
    request: { query: PageQuery }, responses: { 200: json(pageOf(List)), 401: errors[401] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/lists', access: 'contacts:write', tags, summary: 'Create a list',
    request: { body: jsonBody(ListBody) }, responses: { 201: json(List), 400: errors[400], 409: errors[409] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/lists/{id}', access: 'contacts:read', tags, summary: 'One list',
    request: { params: IdParam('lst_01hx…') }, responses: { 200: json(List), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/lists/{id}', access: 'contacts:write', tags, summary: 'Rename or describe a list, or change its double opt-in',
    request: { params: IdParam('lst_01hx…'), body: jsonBody(ListBody.partial()) }, responses: { 200: json(List), 400: errors[400], 404: errors[404], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/lists/{id}', access: 'contacts:write', tags, summary: 'Delete a list (its contacts stay)',
    request: { params: IdParam('lst_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
  addMembers: defineRoute({
    method: 'post', path: '/v1/lists/{id}/members', access: 'contacts:write', tags, summary: 'Add contacts to a list (up to 1,000 per call)',
    request: { params: IdParam('lst_01hx…'), body: jsonBody(ContactIds) },
    responses: { 200: json(z.object({ added: z.number().int(), not_found: z.array(z.string()) })), 404: errors[404] },
  }),
  removeMembers: defineRoute({
    method: 'post', path: '/v1/lists/{id}/members/remove', access: 'contacts:write', tags, summary: 'Remove contacts from a list',
    request: { params: IdParam('lst_01hx…'), body: jsonBody(ContactIds) }, responses: { 200: json(z.object({ removed: z.number().int() })), 404: errors[404] },
  }),
};

export function registerLists(app: App) {
  app.openapi(routes.list, async (c) => {
    const scope = scopeOf(c);
    const page = await scope.list(lists, c.req.valid('query'), (l) => l);
    const counts = await subscriberCounts(scope, page.data.map((l) => l.id));
    return c.json({ data: page.data.map((l) => listView(l, counts.get(l.id) ?? 0)), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(routes.create, async (c) => {
    const scope = scopeOf(c);
    const body = c.req.valid('json');
    await assertUniqueListName(scope, body.name);
    const list = await scope.insert(lists, { id: newId(ID_PREFIX.list), name: body.name, description: body.description ?? null, doubleOptIn: body.double_opt_in ?? false });
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'list.created', target: { type: 'list', id: list.id } });
    return c.json(listView(list, 0), 201);
  });
  app.openapi(routes.get, async (c) => {
    const scope = scopeOf(c);
    const list = await scope.get(lists, c.req.valid('param').id, 'List');
    return c.json(listView(list, (await subscriberCounts(scope, [list.id])).get(list.id) ?? 0), 200);
  });
  app.openapi(routes.update, async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.name) await assertUniqueListName(scope, body.name, id);
    const list = await scope.update(
      lists,
      id,
      {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.double_opt_in !== undefined ? { doubleOptIn: body.double_opt_in } : {}),
        updatedAt: new Date(),
      },
      'List',
    );
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'list.updated', target: { type: 'list', id }, metadata: { fields: Object.keys(body) } });
    return c.json(listView(list, (await subscriberCounts(scope, [id])).get(id) ?? 0), 200);
  });
  app.openapi(routes.remove, async (c) => {
    const scope = scopeOf(c);
    await scope.remove(lists, c.req.valid('param').id, 'List');
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'list.deleted', target: { type: 'list', id: c.req.valid('param').id } });
    return c.body(null, 204);
  });
  app.openapi(routes.addMembers, async (c) => c.json(await addMembers(scopeOf(c), c.req.valid('param').id, c.req.valid('json').contact_ids, actorOf(c.get('principal'))), 200));
  app.openapi(routes.removeMembers, async (c) => c.json(await removeMembers(scopeOf(c), c.req.valid('param').id, c.req.valid('json').contact_ids, actorOf(c.get('principal'))), 200));
}
