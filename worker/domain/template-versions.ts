import { and, desc, eq, lt } from 'drizzle-orm';
import { templates, templateVersions, type TemplateVersion } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { notFound } from '../lib/problem';
import { htmlToText } from '../mail/html-to-text';
import type { TemplateContent } from '../mail/merge-tags';
import type { AuditInput } from './audit';
import { liveTemplate, saveTemplate, templateViewWithChecks } from './templates';

export function templateVersionView(v: TemplateVersion) {
  return {
    version: v.version,
    name: v.name,
    subject: v.subject,
    preheader: v.preheader,
    html: v.html,
    text_override: v.textOverride,
    text: v.textOverride ?? htmlToText(v.html),
    from_name: v.fromName,
    design: v.design,
    created_at: v.createdAt.toISOString(),
    created_by: v.createdBy,
  };
}

/** Newest first; the cursor is the last version number seen (versions only grow, so it is stable). */
export async function listTemplateVersions(scope: TenantScope, templateId: string, page: { limit: number; cursor?: string }) {
  await scope.get(templates, templateId, 'Template');
  const after = decodeCursor(page.cursor);
  const rows = await scope.db
    .select({ version: templateVersions.version, name: templateVersions.name, subject: templateVersions.subject, createdAt: templateVersions.createdAt, createdBy: templateVersions.createdBy })
    .from(templateVersions)
    .where(scope.own(templateVersions, eq(templateVersions.templateId, templateId), after ? lt(templateVersions.version, Number(after) || 0) : undefined))
    .orderBy(desc(templateVersions.version))
    .limit(page.limit + 1)
    .all();
  const more = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  return {
    data: data.map((v) => ({ version: v.version, name: v.name, subject: v.subject, created_at: v.createdAt.toISOString(), created_by: v.createdBy })),
    next_cursor: more ? encodeCursor(String(data[data.length - 1]!.version)) : null,
  };
}

export async function getTemplateVersion(scope: TenantScope, templateId: string, version: number): Promise<TemplateVersion> {
  const row = await scope.db
    .select()
    .from(templateVersions)
    .where(scope.own(templateVersions, and(eq(templateVersions.templateId, templateId), eq(templateVersions.version, version))))
    .get();
  if (!row) throw notFound('Template version');
  return row;
}

/** What a campaign pins and sends: the content of one version of a template. */
export async function templateVersionContent(scope: TenantScope, templateId: string, version: number): Promise<TemplateContent & { fromName: string | null }> {
  const v = await getTemplateVersion(scope, templateId, version);
  return { subject: v.subject, preheader: v.preheader, html: v.html, text: v.textOverride, fromName: v.fromName };
}

/** Restoring version N saves its content as a new version (N stays in the history, nothing is rewritten). */
export async function restoreTemplateVersion(scope: TenantScope, templateId: string, version: number, actor: AuditInput['actor']) {
  const current = await liveTemplate(scope, templateId);
  const v = await getTemplateVersion(scope, templateId, version);
  const t = await saveTemplate(
    scope,
    current,
    { name: v.name, category: current.category, editor: current.editor, subject: v.subject, preheader: v.preheader, html: v.html, textOverride: v.textOverride, fromName: v.fromName, design: v.design },
    { actor, action: 'template.version_restored', metadata: { restored_version: version } },
  );
  return templateViewWithChecks(scope, t);
}
