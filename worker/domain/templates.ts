import { and, count, desc, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { likeText } from '../db/conditions';
import type { DB } from '../db/client';
import { TEMPLATE_CATEGORIES, templates, templateVersions, type Template, type TemplateCategory } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { decodeCursor, toPage } from '../lib/pagination';
import { Problem, notFound, validationProblem } from '../lib/problem';
import { htmlToText } from '../mail/html-to-text';
import { unknownVariables } from '../mail/merge-variables';
import { starterById } from '../mail/starters';
import { auditStatement, type AuditInput } from './audit';
import { RESTORE_WINDOW_MS } from './contacts';
import { compileOrProblem, mergeContext, prepareContent } from './template-content';

export const TEMPLATE_NAME_MAX = 200;

export type TemplateEditor = Template['editor'];

export interface TemplateInput {
  name: string;
  category?: TemplateCategory;
  editor?: TemplateEditor;
  subject: string;
  preheader?: string | null;
  html: string;
  text_override?: string | null;
  from_name?: string | null;
  design?: Record<string, unknown> | null;
}

export type TemplatePatch = Partial<TemplateInput>;

/** The columns a list shows: everything but the (large) content. */
const summaryColumns = {
  id: templates.id,
  name: templates.name,
  category: templates.category,
  editor: templates.editor,
  subject: templates.subject,
  preheader: templates.preheader,
  fromName: templates.fromName,
  version: templates.version,
  createdAt: templates.createdAt,
  updatedAt: templates.updatedAt,
  deletedAt: templates.deletedAt,
};
type TemplateSummaryRow = Pick<Template, keyof typeof summaryColumns>;

export function templateSummaryView(t: TemplateSummaryRow) {
  return {
    id: t.id,
    name: t.name,
    category: t.category,
    editor: t.editor,
    subject: t.subject,
    preheader: t.preheader,
    from_name: t.fromName,
    version: t.version,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt?.toISOString() ?? null,
    deleted_at: t.deletedAt?.toISOString() ?? null,
    purge_at: t.deletedAt ? new Date(t.deletedAt.getTime() + RESTORE_WINDOW_MS).toISOString() : null,
  };
}

export function templateView(t: Template, checks: { unknownVariables: string[]; sanitizerChanges: string[] }) {
  return {
    ...templateSummaryView(t),
    html: t.html,
    text_override: t.textOverride,
    text: t.textOverride ?? htmlToText(t.html),
    design: t.design,
    unknown_variables: checks.unknownVariables,
    sanitizer_changes: checks.sanitizerChanges,
  };
}

const customKeysOf = async (scope: TenantScope) => (await mergeContext(scope)).fields.map((f) => f.key);

/** A stored template as the API shows it, its unknown variables checked against today's custom fields. */
export async function templateViewWithChecks(scope: TenantScope, t: Template, sanitizerChanges: string[] = []) {
  const compiled = compileOrProblem({ subject: t.subject, preheader: t.preheader, html: t.html, text: t.textOverride });
  return templateView(t, { unknownVariables: unknownVariables(compiled.variables, await customKeysOf(scope)), sanitizerChanges });
}

export interface TemplateFilter {
  category?: TemplateCategory;
  q?: string;
  deleted?: boolean;
}

export async function listTemplates(scope: TenantScope, f: TemplateFilter, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const q = f.q?.trim();
  const rows = await scope.db
    .select(summaryColumns)
    .from(templates)
    .where(
      scope.own(
        templates,
        f.deleted ? isNotNull(templates.deletedAt) : isNull(templates.deletedAt),
        f.category ? eq(templates.category, f.category) : undefined,
        q ? or(likeText(templates.name, q, 'anywhere'), likeText(templates.subject, q, 'anywhere')) : undefined,
        after ? lt(templates.id, after) : undefined,
      ),
    )
    .orderBy(desc(templates.id))
    .limit(page.limit + 1)
    .all();
  return toPage(rows, page.limit, templateSummaryView);
}

/** Live templates per category, every category listed (zero included) so filter tabs stay put. */
export async function templateCategoryCounts(scope: TenantScope) {
  const rows = await scope.db
    .select({ category: templates.category, n: count() })
    .from(templates)
    .where(scope.own(templates, isNull(templates.deletedAt)))
    .groupBy(templates.category)
    .all();
  const counts = new Map(rows.map((r) => [r.category, r.n]));
  return { data: TEMPLATE_CATEGORIES.map((category) => ({ category, count: counts.get(category) ?? 0 })) };
}

export async function getTemplateView(scope: TenantScope, id: string) {
  return templateViewWithChecks(scope, await scope.get(templates, id, 'Template'));
}

/** A template that is not deleted (what can be changed, duplicated or sent); 404 otherwise. */
export async function liveTemplate(scope: TenantScope, id: string): Promise<Template> {
  const t = await scope.get(templates, id, 'Template');
  if (t.deletedAt) throw notFound('Template');
  return t;
}

type Content = Pick<Template, 'name' | 'subject' | 'preheader' | 'html' | 'textOverride' | 'fromName' | 'design'>;

/**
 * Writes a template and its version row in one batch. For an existing template the update only
 * applies to the version it was read at: a concurrent save makes the version insert collide on
 * (template, version) and the whole batch roll back, answered as a 409.
 */
export async function saveTemplate(
  scope: TenantScope,
  current: Template | null,
  next: Content & Pick<Template, 'category' | 'editor'>,
  audit: { actor: AuditInput['actor']; action: string; metadata?: Record<string, unknown> },
): Promise<Template> {
  const now = new Date();
  const id = current?.id ?? newId(ID_PREFIX.template);
  const version = (current?.version ?? 0) + 1;
  const row: Template = {
    id,
    tenantId: scope.tenantId,
    ...next,
    version,
    createdBy: current ? current.createdBy : audit.actor.id,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
    deletedAt: null,
  };
  const write = current
    ? scope.db.update(templates).set({ ...next, version, updatedAt: now }).where(scope.own(templates, eq(templates.id, id), eq(templates.version, current.version), isNull(templates.deletedAt)))
    : scope.db.insert(templates).values(row);
  const { category: _category, editor: _editor, ...content } = next;
  try {
    await scope.db.batch([
      write,
      scope.db.insert(templateVersions).values({ id: newId(ID_PREFIX.templateVersion), tenantId: scope.tenantId, templateId: id, version, ...content, createdBy: audit.actor.id, createdAt: now }),
      auditStatement(scope.db, { tenantId: scope.tenantId, actor: audit.actor, action: audit.action, target: { type: 'template', id }, metadata: { version, ...audit.metadata } }),
    ]);
  } catch (e) {
    if (current && /UNIQUE constraint failed/i.test(String((e as Error)?.message ?? e) + String((e as { cause?: Error })?.cause?.message ?? ''))) {
      throw new Problem('conflict', 'The template was changed by someone else meanwhile; reload it and save again.');
    }
    throw e;
  }
  return row;
}

export async function createTemplate(scope: TenantScope, input: TemplateInput, actor: AuditInput['actor']) {
  const prepared = prepareContent(input, await customKeysOf(scope));
  const t = await saveTemplate(
    scope,
    null,
    {
      name: input.name,
      category: input.category ?? 'other',
      editor: input.editor ?? 'code',
      subject: input.subject,
      preheader: input.preheader ?? null,
      html: prepared.html,
      textOverride: input.text_override ?? null,
      fromName: input.from_name ?? null,
      design: input.design ?? null,
    },
    { actor, action: 'template.created' },
  );
  return templateView(t, prepared);
}

/** Any subset of fields; every save is a new version, content or not. */
export async function updateTemplate(scope: TenantScope, id: string, patch: TemplatePatch, actor: AuditInput['actor']) {
  const current = await liveTemplate(scope, id);
  const content = {
    subject: patch.subject ?? current.subject,
    preheader: patch.preheader !== undefined ? patch.preheader : current.preheader,
    html: patch.html ?? current.html,
    text_override: patch.text_override !== undefined ? patch.text_override : current.textOverride,
  };
  const prepared = prepareContent(content, await customKeysOf(scope));
  const t = await saveTemplate(
    scope,
    current,
    {
      name: patch.name ?? current.name,
      category: patch.category ?? current.category,
      editor: patch.editor ?? current.editor,
      subject: content.subject,
      preheader: content.preheader,
      html: prepared.html,
      textOverride: content.text_override,
      fromName: patch.from_name !== undefined ? patch.from_name : current.fromName,
      design: patch.design !== undefined ? patch.design : current.design,
    },
    { actor, action: 'template.updated', metadata: { fields: Object.keys(patch) } },
  );
  return templateView(t, prepared);
}

const copyName = (name: string) => {
  const suffix = ' (copy)';
  return name.length + suffix.length > TEMPLATE_NAME_MAX ? `${name.slice(0, TEMPLATE_NAME_MAX - suffix.length)}${suffix}` : `${name}${suffix}`;
};

export async function duplicateTemplate(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  const source = await liveTemplate(scope, id);
  const t = await saveTemplate(
    scope,
    null,
    {
      name: copyName(source.name),
      category: source.category,
      editor: source.editor,
      subject: source.subject,
      preheader: source.preheader,
      html: source.html,
      textOverride: source.textOverride,
      fromName: source.fromName,
      design: source.design,
    },
    { actor, action: 'template.created', metadata: { duplicated_from: source.id } },
  );
  return templateViewWithChecks(scope, t);
}

export async function createFromStarter(scope: TenantScope, input: { starter_id: string; name?: string }, actor: AuditInput['actor']) {
  const starter = starterById(input.starter_id);
  if (!starter) throw validationProblem([{ field: 'starter_id', message: 'is not a starter template (see GET /v1/templates/starters)' }]);
  return createTemplate(
    scope,
    { name: input.name ?? starter.name, category: starter.category, editor: 'code', subject: starter.subject, preheader: starter.preheader, html: starter.html },
    actor,
  );
}

export async function deleteTemplate(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  await liveTemplate(scope, id);
  await scope.db.batch([
    scope.db.update(templates).set({ deletedAt: new Date() }).where(scope.own(templates, eq(templates.id, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'template.deleted', target: { type: 'template', id } }),
  ]);
}

export async function restoreTemplate(scope: TenantScope, id: string, actor: AuditInput['actor'], now = Date.now()) {
  const t = await scope.get(templates, id, 'Template');
  if (!t.deletedAt) throw new Problem('conflict', 'This template is not deleted.');
  if (now - t.deletedAt.getTime() > RESTORE_WINDOW_MS) throw new Problem('gone', 'This template was deleted more than 30 days ago and can no longer be restored.');
  await scope.db.batch([
    scope.db.update(templates).set({ deletedAt: null }).where(scope.own(templates, eq(templates.id, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'template.restored', target: { type: 'template', id } }),
  ]);
  return getTemplateView(scope, id);
}

/** Cron: templates deleted more than 30 days ago are removed for good, their versions with them. */
export async function purgeDeletedTemplates(db: DB, now = Date.now()) {
  const rows = await db.delete(templates).where(and(isNotNull(templates.deletedAt), lt(templates.deletedAt, new Date(now - RESTORE_WINDOW_MS)))).returning({ id: templates.id });
  return rows.length;
}

/** Whether the workspace has any live template (onboarding). */
export async function hasTemplate(scope: TenantScope) {
  return Boolean(await scope.db.select({ id: templates.id }).from(templates).where(scope.own(templates, isNull(templates.deletedAt))).limit(1).get());
}
