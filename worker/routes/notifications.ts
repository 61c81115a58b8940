import { z } from '@hono/zod-openapi';
import { getPreferences, listNotifications, markRead, setPreferences } from '../domain/notifications';
import { NOTIFICATION_KIND_NAMES, type NotificationKindName } from '../domain/notification-kinds';
import { PageQuery } from '../lib/pagination';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody } from './schemas';

const Kind = z.enum(NOTIFICATION_KIND_NAMES as [NotificationKindName, ...NotificationKindName[]]);
const Notification = z
  .object({ id: z.string(), kind: z.string(), title: z.string(), body: z.string(), link: z.string().nullable(), read: z.boolean(), created_at: Timestamp })
  .openapi('Notification');
const Preference = z.object({ kind: Kind, email: z.boolean(), in_app: z.boolean() }).openapi('NotificationPreference');

const tags = ['Notifications'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/notifications', access: 'user', tags, summary: 'Your notifications in this workspace, newest first, with the unread count',
    request: { query: PageQuery.extend({ unread: z.enum(['true', 'false']).optional() }) },
    responses: { 200: json(z.object({ data: z.array(Notification), next_cursor: z.string().nullable(), unread_count: z.number().int() })), 401: errors[401] },
  }),
  read: defineRoute({
    method: 'post', path: '/v1/notifications/{id}/read', access: 'user', tags, summary: 'Mark one notification read',
    request: { params: IdParam('ntf_01hx…') }, responses: { 200: json(z.object({ marked: z.number().int() })), 404: errors[404] },
  }),
  readAll: defineRoute({
    method: 'post', path: '/v1/notifications/read-all', access: 'user', tags, summary: 'Mark every notification read',
    responses: { 200: json(z.object({ marked: z.number().int() })), 401: errors[401] },
  }),
  prefs: defineRoute({
    method: 'get', path: '/v1/notifications/preferences', access: 'user', tags, summary: 'Which notifications you get, by email and in the app',
    responses: { 200: json(z.object({ data: z.array(Preference) })), 401: errors[401] },
  }),
  setPrefs: defineRoute({
    method: 'patch', path: '/v1/notifications/preferences', access: 'user', tags, summary: 'Switch channels per kind',
    request: { body: jsonBody(z.object({ preferences: z.array(z.object({ kind: Kind, email: z.boolean().optional(), in_app: z.boolean().optional() })).min(1).max(50) })) },
    responses: { 200: json(z.object({ data: z.array(Preference) })), 400: errors[400] },
  }),
};

export function registerNotifications(app: App) {
  app.openapi(routes.prefs, async (c) => c.json({ data: await getPreferences(scopeOf(c), userOf(c.get('principal')).userId) }, 200));
  app.openapi(routes.setPrefs, async (c) => {
    const data = await setPreferences(scopeOf(c), userOf(c.get('principal')).userId, c.req.valid('json').preferences);
    return c.json({ data }, 200);
  });
  app.openapi(routes.readAll, async (c) => c.json({ marked: await markRead(scopeOf(c), userOf(c.get('principal')).userId, 'all') }, 200));
  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    return c.json(await listNotifications(scopeOf(c), userOf(c.get('principal')).userId, q, q.unread === 'true'), 200);
  });
  app.openapi(routes.read, async (c) => c.json({ marked: await markRead(scopeOf(c), userOf(c.get('principal')).userId, c.req.valid('param').id) }, 200));
}
