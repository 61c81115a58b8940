import { z } from '@hono/zod-openapi';
import { segments } from '../db/schema';
import { actorOf } from '../domain/audit';
import { Rules } from '../domain/segment-rules';
import { countRules, countSegment, createSegment, deleteSegment, previewSegment, segmentView, updateSegment } from '../domain/segments';
import { PageQuery, pageOf } from '../lib/pagination';
import { preciseValidation } from '../lib/zod-issues';
import type { App } from '../types';
import { Contact } from './contacts';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const Segment = z
  .object({ id: z.string(), name: z.string(), description: z.string().nullable(), rules: Rules, created_at: Timestamp, updated_at: Timestamp.nullable() })
  .openapi('Segment');
const SegmentBody = z.object({ name: z.string().trim().min(1).max(100), description: z.string().trim().max(500).nullable().optional(), rules: Rules }).strict();
const Count = z.object({ count: z.number().int() });

const tags = ['Segments'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/segments', access: 'contacts:read', tags, summary: 'Saved segments, newest first',
    request: { query: PageQuery }, responses: { 200: json(pageOf(Segment)), 401: errors[401] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/segments', access: 'contacts:write', tags,
    summary: 'Save a segment: rules over contact fields, custom fields, tags, lists and email activity',
    request: { body: jsonBody(SegmentBody) }, responses: { 201: json(Segment), 400: errors[400], 404: errors[404], 409: errors[409] },
  }),
  countRules: defineRoute({
    method: 'post', path: '/v1/segments/count', access: 'contacts:read', tags, summary: 'How many contacts rules match, before saving them (for the rule builder)',
    request: { body: jsonBody(z.object({ rules: Rules }).strict()) }, responses: { 200: json(Count), 400: errors[400], 404: errors[404] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/segments/{id}', access: 'contacts:read', tags, summary: 'One segment',
    request: { params: IdParam('seg_01hx…') }, responses: { 200: json(Segment), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/segments/{id}', access: 'contacts:write', tags, summary: 'Rename, describe or change the rules of a segment',
    request: { params: IdParam('seg_01hx…'), body: jsonBody(SegmentBody.partial()) }, responses: { 200: json(Segment), 400: errors[400], 404: errors[404], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/segments/{id}', access: 'contacts:write', tags, summary: 'Delete a segment (its contacts stay)',
    request: { params: IdParam('seg_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
  count: defineRoute({
    method: 'get', path: '/v1/segments/{id}/count', access: 'contacts:read', tags, summary: 'How many contacts the segment matches now',
    request: { params: IdParam('seg_01hx…') }, responses: { 200: json(Count), 404: errors[404] },
  }),
  contacts: defineRoute({
    method: 'get', path: '/v1/segments/{id}/contacts', access: 'contacts:read', tags, summary: 'Preview: the contacts the segment matches now, newest first',
    request: { params: IdParam('seg_01hx…'), query: PageQuery }, responses: { 200: json(pageOf(Contact)), 400: errors[400], 404: errors[404] },
  }),
};

export function registerSegments(app: App) {
  app.openapi(routes.list, async (c) => c.json(await scopeOf(c).list(segments, c.req.valid('query'), segmentView), 200));
  app.openapi(routes.create, async (c) => c.json(await createSegment(scopeOf(c), c.req.valid('json'), actorOf(c.get('principal'))), 201), preciseValidation);
  app.openapi(routes.countRules, async (c) => c.json({ count: await countRules(scopeOf(c), c.req.valid('json').rules) }, 200), preciseValidation);
  app.openapi(routes.get, async (c) => c.json(segmentView(await scopeOf(c).get(segments, c.req.valid('param').id, 'Segment')), 200));
  app.openapi(routes.update, async (c) => c.json(await updateSegment(scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal'))), 200), preciseValidation);
  app.openapi(routes.remove, async (c) => {
    await deleteSegment(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.count, async (c) => c.json({ count: await countSegment(scopeOf(c), c.req.valid('param').id) }, 200));
  app.openapi(routes.contacts, async (c) => c.json(await previewSegment(scopeOf(c), c.req.valid('param').id, c.req.valid('query')), 200));
}
