import { z } from '@hono/zod-openapi';
import { forms } from '../db/schema';
import { actorOf } from '../domain/audit';
import { createForm, deleteForm, FORM_FIELD_NAMES, formViews, oneFormView, updateForm } from '../domain/forms';
import { PageQuery, pageOf } from '../lib/pagination';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const Form = z
  .object({
    id: z.string(),
    name: z.string(),
    list_ids: z.array(z.string()),
    fields: z.array(z.string()),
    consent_text: z.string(),
    consent_version: z.number().int().openapi({ description: 'Goes up by one whenever consent_text changes; consent records name `<form id>@v<version>`' }),
    success_url: z.string().nullable(),
    enabled: z.boolean(),
    double_opt_in: z.boolean().openapi({ description: 'True when any of its lists requires confirmation by email' }),
    subscribe_url: z.string().openapi({ description: 'Where the form posts (public; form-encoded or JSON)' }),
    embed_html: z.string().openapi({ description: 'A self-contained, accessible HTML form to paste into any website' }),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
  })
  .openapi('Form');

const FormBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    list_ids: z.array(z.string().min(3).max(64)).min(1).max(20),
    fields: z.array(z.enum(FORM_FIELD_NAMES)).max(FORM_FIELD_NAMES.length).optional(),
    consent_text: z.string().trim().min(1).max(2000).openapi({ example: 'I agree to receive the monthly newsletter and can unsubscribe at any time.' }),
    success_url: z.string().trim().max(2000).nullable().optional().openapi({ description: 'https URL to send browsers to after subscribing and confirming' }),
    enabled: z.boolean().optional(),
  })
  .strict();

const tags = ['Forms'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/forms', access: 'contacts:read', tags, summary: 'Subscribe forms, newest first',
    request: { query: PageQuery }, responses: { 200: json(pageOf(Form)), 401: errors[401] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/forms', access: 'contacts:write', tags, summary: 'Create a subscribe form for one or more lists',
    request: { body: jsonBody(FormBody) }, responses: { 201: json(Form), 400: errors[400], 403: errors[403] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/forms/{id}', access: 'contacts:read', tags, summary: 'One form, with its embed snippet',
    request: { params: IdParam('frm_01hx…') }, responses: { 200: json(Form), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/forms/{id}', access: 'contacts:write', tags, summary: 'Change a form; new consent wording starts a new consent version',
    request: { params: IdParam('frm_01hx…'), body: jsonBody(FormBody.partial()) }, responses: { 200: json(Form), 400: errors[400], 404: errors[404] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/forms/{id}', access: 'contacts:write', tags, summary: 'Delete a form (its subscribers stay)',
    request: { params: IdParam('frm_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
};

export function registerForms(app: App) {
  app.openapi(routes.list, async (c) => {
    const scope = scopeOf(c);
    const page = await scope.list(forms, c.req.valid('query'), (f) => f);
    return c.json({ data: await formViews(c.env, scope, page.data), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(routes.create, async (c) => {
    const scope = scopeOf(c);
    const form = await createForm(c.env, scope, c.req.valid('json'), actorOf(c.get('principal')));
    return c.json(await oneFormView(c.env, scope, form), 201);
  });
  app.openapi(routes.get, async (c) => {
    const scope = scopeOf(c);
    const form = await scope.get(forms, c.req.valid('param').id, 'Form');
    return c.json(await oneFormView(c.env, scope, form), 200);
  });
  app.openapi(routes.update, async (c) => {
    const scope = scopeOf(c);
    const form = await updateForm(c.env, scope, c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal')));
    return c.json(await oneFormView(c.env, scope, form), 200);
  });
  app.openapi(routes.remove, async (c) => {
    await deleteForm(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
}
