import { z } from '@hono/zod-openapi';
import { CONTACT_EVENT_TYPES, CONTACT_STATUSES } from '../db/schema';
import { actorOf, audit } from '../domain/audit';
import { listContactEvents } from '../domain/contact-events';
import { anonymizeContact, contactDataExport, createContact, deleteContact, getContactView, listContacts, restoreContact, updateContact } from '../domain/contacts';
import { FieldFilters, fieldFilterRules } from '../domain/segment-rules';
import { resolverFor } from '../lib/dns';
import { PageQuery, pageOf } from '../lib/pagination';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const Text = (max: number) => z.string().trim().max(max).nullable().optional();
const CustomValues = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]));
const Consent = z.object({
  source: z.string().trim().min(1).max(100).openapi({ example: 'signup-form' }),
  at: z.iso.datetime({ offset: true }),
  ip: z.string().max(45).nullable().optional(),
  wording_version: z.string().max(50).nullable().optional(),
});
const ContactFields = {
  email: z.string().max(320).openapi({ example: 'ada@example.com' }),
  first_name: Text(100),
  last_name: Text(100),
  phone: Text(40),
  company: Text(200),
  city: Text(100),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').nullable().optional(),
  language: z.string().trim().regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, 'must be a language code such as en or pt-BR').nullable().optional(),
  timezone: Text(64),
  status: z.enum(CONTACT_STATUSES).optional(),
  consent: Consent.nullable().optional(),
  custom: CustomValues.optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
};
const ContactBody = z.object(ContactFields).strict();
const ContactPatchBody = z.object(ContactFields).partial().strict();

export const Contact = z
  .object({
    id: z.string(),
    email: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    language: z.string().nullable(),
    timezone: z.string().nullable(),
    status: z.enum(CONTACT_STATUSES),
    consent: Consent.nullable(),
    custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    tags: z.array(z.string()),
    flags: z.object({ disposable: z.boolean(), role: z.boolean() }),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
    deleted_at: Timestamp.nullable(),
    purge_after: Timestamp.nullable(),
  })
  .openapi('Contact');

const ContactWarning = z
  .object({
    field: z.literal('email'),
    code: z.literal('possible_typo'),
    message: z.string().openapi({ example: 'Did you mean ada@gmail.com?' }),
    suggestion: z.string().openapi({ example: 'ada@gmail.com' }),
  })
  .openapi('ContactWarning');

/** A created or changed contact; `warnings` appears only when something deserves a second look. */
const SavedContact = Contact.extend({ warnings: z.array(ContactWarning).optional() }).openapi('SavedContact');

const ContactEvent = z
  .object({
    id: z.string(),
    type: z.enum(CONTACT_EVENT_TYPES),
    campaign_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Small context such as the list, form or changed field names; never the address itself' }),
    created_at: Timestamp,
  })
  .openapi('ContactEvent');

const tags = ['Contacts'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/contacts', access: 'contacts:read', tags,
    summary: 'Contacts, newest first: search by email or name prefix, filter by status, tag, list, field values, creation date; `deleted=true` lists the recently deleted',
    request: {
      query: PageQuery.extend({
        q: z.string().trim().min(1).max(200).optional(),
        status: z.enum(CONTACT_STATUSES).optional(),
        tag: z.string().max(50).optional(),
        list: z.string().max(64).optional().openapi({ description: 'Only contacts subscribed to this list id' }),
        created_after: z.iso.datetime({ offset: true }).optional(),
        created_before: z.iso.datetime({ offset: true }).optional(),
        deleted: z.enum(['true', 'false']).optional(),
        field: FieldFilters,
      }),
    },
    responses: { 200: json(pageOf(Contact)), 400: errors[400], 401: errors[401], 403: errors[403] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/contacts', access: 'contacts:write', tags,
    summary: 'Create a contact (the address is validated, including that its domain receives mail; duplicates are refused with the existing id; a likely typo in the domain is saved but returned as a warning)',
    request: { body: jsonBody(ContactBody) },
    responses: { 201: json(SavedContact), 400: errors[400], 403: errors[403], 409: errors[409] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/contacts/{id}', access: 'contacts:read', tags, summary: 'One contact',
    request: { params: IdParam('con_01hx…') }, responses: { 200: json(Contact), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/contacts/{id}', access: 'contacts:write', tags, summary: 'Change a contact; send only the fields to change (tags replace the set); a new address is validated as on create',
    request: { params: IdParam('con_01hx…'), body: jsonBody(ContactPatchBody) },
    responses: { 200: json(SavedContact), 400: errors[400], 404: errors[404], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/contacts/{id}', access: 'contacts:write', tags, summary: 'Soft-delete a contact (restorable for 30 days)',
    request: { params: IdParam('con_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
  dataExport: defineRoute({
    method: 'get', path: '/v1/contacts/{id}/data-export', access: 'contacts:read', tags,
    summary: 'GDPR access request: everything held about the person, as JSON',
    request: { params: IdParam('con_01hx…') },
    responses: { 200: json(z.object({ exported_at: Timestamp, contact: Contact, lists: z.array(z.object({ list: z.string(), status: z.string(), since: Timestamp })), suppressed: z.object({ kind: z.string(), reason: z.string(), since: Timestamp }).nullable(), history: z.array(z.object({ action: z.string(), at: Timestamp })), activity: z.array(ContactEvent) })), 404: errors[404] },
  }),
  activity: defineRoute({
    method: 'get', path: '/v1/contacts/{id}/activity', access: 'contacts:read', tags, summary: "The contact's timeline, newest first: created, subscribed, confirmed, list changes, suppression, …",
    request: { params: IdParam('con_01hx…'), query: PageQuery }, responses: { 200: json(pageOf(ContactEvent)), 400: errors[400], 404: errors[404] },
  }),
  anonymize: defineRoute({
    method: 'post', path: '/v1/contacts/{id}/anonymize', access: 'contacts:write', tags,
    summary: 'GDPR erasure: replace every personal field irreversibly; aggregate statistics stay',
    request: { params: IdParam('con_01hx…') }, responses: { 200: json(Contact), 404: errors[404] },
  }),
  restore: defineRoute({
    method: 'post', path: '/v1/contacts/{id}/restore', access: 'contacts:write', tags, summary: 'Restore a deleted contact within 30 days',
    request: { params: IdParam('con_01hx…') }, responses: { 200: json(Contact), 404: errors[404], 409: errors[409], 410: errors[404] },
  }),
};

export function registerContacts(app: App) {
  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const page = await listContacts(
      scopeOf(c),
      {
        q: q.q,
        status: q.status,
        tag: q.tag,
        list: q.list,
        createdAfter: q.created_after ? new Date(q.created_after) : undefined,
        createdBefore: q.created_before ? new Date(q.created_before) : undefined,
        deleted: q.deleted === 'true',
        fields: q.field?.length ? await fieldFilterRules(scopeOf(c), q.field, 'field') : undefined,
      },
      q,
    );
    return c.json(page, 200);
  });
  app.openapi(routes.create, async (c) => c.json(await createContact(scopeOf(c), c.req.valid('json'), actorOf(c.get('principal')), c.env), 201));
  app.openapi(routes.get, async (c) => {
    const view = await getContactView(scopeOf(c), c.req.valid('param').id);
    return c.json(view, 200);
  });
  app.openapi(routes.update, async (c) => c.json(await updateContact(scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal')), resolverFor(c.env)), 200));
  app.openapi(routes.remove, async (c) => {
    await deleteContact(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.dataExport, async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    const doc = await contactDataExport(scope, id);
    await audit(scope.db, { tenantId: scope.tenantId, actor: actorOf(c.get('principal')), action: 'contact.data_exported', target: { type: 'contact', id } });
    c.header('content-disposition', `attachment; filename="contact-${id}.json"`);
    return c.json(doc, 200);
  });
  app.openapi(routes.activity, async (c) => c.json(await listContactEvents(scopeOf(c), c.req.valid('param').id, c.req.valid('query')), 200));
  app.openapi(routes.anonymize, async (c) => c.json(await anonymizeContact(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal'))), 200));
  app.openapi(routes.restore, async (c) => c.json(await restoreContact(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')), Date.now(), c.env), 200));
}
