import { z } from '@hono/zod-openapi';
import { TEMPLATE_CATEGORIES } from '../db/schema';
import { actorOf } from '../domain/audit';
import { previewContent, previewTemplate, templateMergeTags } from '../domain/template-preview';
import { MAX_TEST_RECIPIENTS, sendTemplateTest } from '../domain/test-sends';
import { getTemplateVersion, listTemplateVersions, restoreTemplateVersion, templateVersionView } from '../domain/template-versions';
import {
  createFromStarter,
  createTemplate,
  deleteTemplate,
  duplicateTemplate,
  getTemplateView,
  listTemplates,
  restoreTemplate,
  TEMPLATE_NAME_MAX,
  templateCategoryCounts,
  updateTemplate,
} from '../domain/templates';
import { PageQuery, pageOf } from '../lib/pagination';
import { preciseValidation } from '../lib/zod-issues';
import { TEMPLATE_LIMITS } from '../mail/merge-tags';
import { STARTERS } from '../mail/starters';
import type { App } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { Id, IdParam, Timestamp, errors, json, jsonBody, noContent } from './schemas';

const Category = z.enum(TEMPLATE_CATEGORIES);
const Editor = z.enum(['code', 'visual']).openapi({ description: 'Which editor made it: the code editor or the visual (block) editor' });
const Html = z.string().min(1).max(TEMPLATE_LIMITS.chars).openapi({ description: 'Email HTML with Liquid merge tags; sanitized on save' });
const Subject = z.string().trim().min(1).max(1000).openapi({ example: '{Hi|Hello} {{ first_name | default: "there" }}, our May news' });
const Preheader = z.string().max(1000).nullable().openapi({ description: 'Preview text shown after the subject in inboxes' });
const TextOverride = z.string().max(TEMPLATE_LIMITS.chars).nullable().openapi({ description: 'The plain-text part; null derives it from the HTML' });
const FromName = z.string().trim().max(100).regex(/^[^\r\n]*$/, 'must be one line').nullable();
const Design = z.record(z.string(), z.unknown()).nullable().openapi({ description: "The visual editor's project (GrapesJS JSON)" });

const TemplateSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    category: Category,
    editor: Editor,
    subject: z.string(),
    preheader: z.string().nullable(),
    from_name: z.string().nullable(),
    version: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp.nullable(),
    deleted_at: Timestamp.nullable(),
    purge_at: Timestamp.nullable().openapi({ description: 'When a deleted template is purged for good (30 days after deletion)' }),
  })
  .openapi('TemplateSummary');

const Template = TemplateSummary.extend({
  html: z.string(),
  text_override: z.string().nullable(),
  text: z.string().openapi({ description: 'The plain-text part as sent: the override, or derived from the HTML' }),
  design: Design,
  unknown_variables: z.array(z.string()).openapi({ description: 'Variables the template uses that this workspace does not have; they render empty' }),
  sanitizer_changes: z.array(z.string()).openapi({ description: 'What the sanitizer removed on this save, e.g. "removed <script>"' }),
}).openapi('Template');

const TemplateVersionSummary = z
  .object({ version: z.number().int(), name: z.string(), subject: z.string(), created_at: Timestamp, created_by: z.string().nullable() })
  .openapi('TemplateVersionSummary');
const TemplateVersion = TemplateVersionSummary.extend({
  preheader: z.string().nullable(),
  html: z.string(),
  text_override: z.string().nullable(),
  text: z.string(),
  from_name: z.string().nullable(),
  design: Design,
}).openapi('TemplateVersion');

const Preview = z
  .object({
    subject: z.string(),
    preheader: z.string(),
    html: z.string(),
    text: z.string(),
    unknown_variables: z.array(z.string()),
    sanitizer_changes: z.array(z.string()),
  })
  .openapi('TemplatePreview');

const Starter = z
  .object({ id: z.string(), name: z.string(), category: Category, description: z.string(), subject: z.string(), preheader: z.string(), html: z.string() })
  .openapi('StarterTemplate');

const MergeTag = z.object({ tag: z.string(), insert: z.string(), description: z.string(), example: z.string() });
const MergeTags = z
  .object({
    groups: z.array(z.object({ name: z.enum(['Contact', 'Custom fields', 'Workspace', 'Links']), variables: z.array(MergeTag) })),
    filters: z.array(z.object({ name: z.string(), description: z.string(), example: z.string() })),
    spintax: z.object({ syntax: z.string(), example: z.string() }),
  })
  .openapi('MergeTags');

const TemplateBody = z
  .object({
    name: z.string().trim().min(1).max(TEMPLATE_NAME_MAX),
    category: Category.optional(),
    editor: Editor.optional(),
    subject: Subject,
    preheader: Preheader.optional(),
    html: Html,
    text_override: TextOverride.optional(),
    from_name: FromName.optional(),
    design: Design.optional(),
  })
  .strict();

const ContactId = z.string().min(3).max(64).optional().openapi({ description: 'Render for this contact; without it, for the sample contact Ada Lovelace' });
const VersionParam = z.object({ id: Id('tpl_01hx…'), version: z.coerce.number().int().min(1).openapi({ param: { name: 'version', in: 'path' }, example: 3 }) });

const tags = ['Templates'];
const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/templates', access: 'templates:read', tags,
    summary: 'Templates, newest first: filter by category, search name and subject; `deleted=true` lists the recently deleted',
    request: { query: PageQuery.extend({ category: Category.optional(), q: z.string().trim().min(1).max(200).optional(), deleted: z.enum(['true', 'false']).optional() }) },
    responses: { 200: json(pageOf(TemplateSummary)), 400: errors[400], 401: errors[401], 403: errors[403] },
  }),
  categories: defineRoute({
    method: 'get', path: '/v1/templates/categories', access: 'templates:read', tags, summary: 'How many templates each category has (for the filter tabs)',
    responses: { 200: json(z.object({ data: z.array(z.object({ category: Category, count: z.number().int() })) })), 401: errors[401] },
  }),
  starters: defineRoute({
    method: 'get', path: '/v1/templates/starters', access: 'templates:read', tags, summary: 'The starter templates that ship with Edgepost, one per category',
    responses: { 200: json(z.object({ data: z.array(Starter) })), 401: errors[401] },
  }),
  fromStarter: defineRoute({
    method: 'post', path: '/v1/templates/from-starter', access: 'templates:write', tags, summary: 'Create a template from a starter',
    request: { body: jsonBody(z.object({ starter_id: z.string().min(1).max(64), name: z.string().trim().min(1).max(TEMPLATE_NAME_MAX).optional() }).strict()) },
    responses: { 201: json(Template), 400: errors[400], 403: errors[403] },
  }),
  mergeTags: defineRoute({
    method: 'get', path: '/v1/templates/merge-tags', access: 'templates:read', tags,
    summary: "Every variable a template can use in this workspace (contact, custom fields, workspace, links), the filters, and spintax",
    responses: { 200: json(MergeTags), 401: errors[401] },
  }),
  previewContent: defineRoute({
    method: 'post', path: '/v1/templates/preview', access: 'templates:read', tags,
    summary: 'Render unsaved content (sanitized first) for a contact or the sample contact: the live preview of the editor',
    request: { body: jsonBody(z.object({ subject: Subject, preheader: Preheader.optional(), html: Html, text_override: TextOverride.optional(), contact_id: ContactId }).strict()) },
    responses: { 200: json(Preview), 400: errors[400], 404: errors[404], 422: errors[422] },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/templates', access: 'templates:write', tags,
    summary: 'Create a template; the HTML is sanitized and the Liquid checked (unknown variables are listed, not refused)',
    request: { body: jsonBody(TemplateBody) },
    responses: { 201: json(Template), 400: errors[400], 403: errors[403] },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/templates/{id}', access: 'templates:read', tags, summary: 'One template (deleted ones too, with their purge date)',
    request: { params: IdParam('tpl_01hx…') }, responses: { 200: json(Template), 404: errors[404] },
  }),
  update: defineRoute({
    method: 'patch', path: '/v1/templates/{id}', access: 'templates:write', tags, summary: 'Change any fields; every save is a new version',
    request: { params: IdParam('tpl_01hx…'), body: jsonBody(TemplateBody.partial()) },
    responses: { 200: json(Template), 400: errors[400], 404: errors[404], 409: errors[409] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/v1/templates/{id}', access: 'templates:write', tags, summary: 'Soft-delete a template (restorable for 30 days)',
    request: { params: IdParam('tpl_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
  restore: defineRoute({
    method: 'post', path: '/v1/templates/{id}/restore', access: 'templates:write', tags, summary: 'Restore a deleted template within 30 days',
    request: { params: IdParam('tpl_01hx…') }, responses: { 200: json(Template), 404: errors[404], 409: errors[409], 410: errors[404] },
  }),
  duplicate: defineRoute({
    method: 'post', path: '/v1/templates/{id}/duplicate', access: 'templates:write', tags, summary: 'Copy a template as "… (copy)", starting at version 1',
    request: { params: IdParam('tpl_01hx…') }, responses: { 201: json(Template), 404: errors[404] },
  }),
  versions: defineRoute({
    method: 'get', path: '/v1/templates/{id}/versions', access: 'templates:read', tags, summary: 'The saved versions of a template, newest first',
    request: { params: IdParam('tpl_01hx…'), query: PageQuery }, responses: { 200: json(pageOf(TemplateVersionSummary)), 400: errors[400], 404: errors[404] },
  }),
  version: defineRoute({
    method: 'get', path: '/v1/templates/{id}/versions/{version}', access: 'templates:read', tags, summary: 'The full content of one version',
    request: { params: VersionParam }, responses: { 200: json(TemplateVersion), 404: errors[404] },
  }),
  restoreVersion: defineRoute({
    method: 'post', path: '/v1/templates/{id}/versions/{version}/restore', access: 'templates:write', tags,
    summary: "Make an old version current again: its content is saved as a new version",
    request: { params: VersionParam }, responses: { 200: json(Template), 404: errors[404], 409: errors[409] },
  }),
  test: defineRoute({
    method: 'post', path: '/v1/templates/{id}/test', access: 'send', tags,
    summary: 'Send the template as a campaign would (tracked links, footer, DKIM) to up to 5 addresses, subject marked [Test]; 20 test emails per hour per workspace',
    request: {
      params: IdParam('tpl_01hx…'),
      body: jsonBody(
        z
          .object({
            to: z.array(z.string().trim().min(3).max(320)).min(1).max(MAX_TEST_RECIPIENTS),
            contact_id: ContactId,
            version: z.number().int().min(1).optional(),
            from_email: z.string().trim().max(320).optional().openapi({ description: 'An address on a verified sending domain; the workspace’s platform address when absent' }),
          })
          .strict(),
      ),
    },
    responses: {
      202: json(z.object({ sent: z.number().int(), to: z.array(z.string()) })),
      400: errors[400], 403: errors[403], 404: errors[404], 422: errors[422], 429: errors[429], 503: errors[503],
    },
  }),
  preview: defineRoute({
    method: 'post', path: '/v1/templates/{id}/preview', access: 'templates:read', tags,
    summary: 'Render a saved template (or one of its versions) for a contact or the sample contact',
    request: { params: IdParam('tpl_01hx…'), body: jsonBody(z.object({ contact_id: ContactId, version: z.number().int().min(1).optional() }).strict()) },
    responses: { 200: json(Preview), 400: errors[400], 404: errors[404], 422: errors[422] },
  }),
};

export function registerTemplates(app: App) {
  // Fixed paths first, so `categories` or `starters` is never taken for a template id.
  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    return c.json(await listTemplates(scopeOf(c), { category: q.category, q: q.q, deleted: q.deleted === 'true' }, q), 200);
  });
  app.openapi(routes.categories, async (c) => c.json(await templateCategoryCounts(scopeOf(c)), 200));
  app.openapi(routes.starters, (c) => c.json({ data: [...STARTERS] }, 200));
  app.openapi(routes.fromStarter, async (c) => c.json(await createFromStarter(scopeOf(c), c.req.valid('json'), actorOf(c.get('principal'))), 201));
  app.openapi(routes.mergeTags, async (c) => c.json(await templateMergeTags(scopeOf(c)), 200));
  app.openapi(routes.previewContent, async (c) => c.json(await previewContent(scopeOf(c), c.req.valid('json')), 200), preciseValidation);
  app.openapi(routes.create, async (c) => c.json(await createTemplate(scopeOf(c), c.req.valid('json'), actorOf(c.get('principal'))), 201), preciseValidation);
  app.openapi(routes.get, async (c) => c.json(await getTemplateView(scopeOf(c), c.req.valid('param').id), 200));
  app.openapi(routes.update, async (c) => c.json(await updateTemplate(scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal'))), 200), preciseValidation);
  app.openapi(routes.remove, async (c) => {
    await deleteTemplate(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal')));
    return c.body(null, 204);
  });
  app.openapi(routes.restore, async (c) => c.json(await restoreTemplate(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal'))), 200));
  app.openapi(routes.duplicate, async (c) => c.json(await duplicateTemplate(scopeOf(c), c.req.valid('param').id, actorOf(c.get('principal'))), 201));
  app.openapi(routes.versions, async (c) => c.json(await listTemplateVersions(scopeOf(c), c.req.valid('param').id, c.req.valid('query')), 200));
  app.openapi(routes.version, async (c) => {
    const { id, version } = c.req.valid('param');
    return c.json(templateVersionView(await getTemplateVersion(scopeOf(c), id, version)), 200);
  });
  app.openapi(routes.restoreVersion, async (c) => {
    const { id, version } = c.req.valid('param');
    return c.json(await restoreTemplateVersion(scopeOf(c), id, version, actorOf(c.get('principal'))), 200);
  });
  app.openapi(
    routes.test,
    async (c) => c.json(await sendTemplateTest(c.env, scopeOf(c), c.req.valid('param').id, c.req.valid('json'), actorOf(c.get('principal'))), 202),
    preciseValidation,
  );
  app.openapi(routes.preview, async (c) => c.json(await previewTemplate(scopeOf(c), c.req.valid('param').id, c.req.valid('json')), 200), preciseValidation);
}
