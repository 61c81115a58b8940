import { contacts, templates } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { notFound } from '../lib/problem';
import type { CompiledTemplate } from '../mail/merge-tags';
import { mergeTagGuide, mergeVariables, PREVIEW_LINKS, sampleContact, unknownVariables } from '../mail/merge-variables';
import { compileOrProblem, mergeContext, prepareContent, templateProblem, type ContentInput, type MergeContext } from './template-content';
import { getTemplateVersion } from './template-versions';

/** Without a contact the preview uses the built-in sample recipient; its seed keeps spintax stable between previews. */
const SAMPLE_SEED = 'sample';

interface PreviewChecks {
  unknownVariables: string[];
  sanitizerChanges: string[];
}

export async function renderPreview(scope: TenantScope, context: MergeContext, compiled: CompiledTemplate, contactId: string | undefined, checks: PreviewChecks) {
  let contact = sampleContact(context.fields);
  if (contactId) {
    const row = await scope.get(contacts, contactId, 'Contact');
    if (row.deletedAt) throw notFound('Contact');
    contact = row;
  }
  try {
    const message = compiled.render(mergeVariables(contact, context.workspace, PREVIEW_LINKS), contactId ?? SAMPLE_SEED);
    return { ...message, unknown_variables: checks.unknownVariables, sanitizer_changes: checks.sanitizerChanges };
  } catch (e) {
    throw templateProblem(e);
  }
}

/** The editor's live preview of unsaved content: sanitized as a save would, then rendered. */
export async function previewContent(scope: TenantScope, input: ContentInput & { contact_id?: string }) {
  const context = await mergeContext(scope);
  const prepared = prepareContent(input, context.fields.map((f) => f.key));
  return renderPreview(scope, context, prepared.compiled, input.contact_id, prepared);
}

/** A saved template (its latest or a given version) rendered for a contact or the sample recipient. */
export async function previewTemplate(scope: TenantScope, id: string, opts: { contact_id?: string; version?: number }) {
  const t = await scope.get(templates, id, 'Template');
  const content = opts.version ? await getTemplateVersion(scope, id, opts.version) : t;
  const compiled = compileOrProblem({ subject: content.subject, preheader: content.preheader, html: content.html, text: content.textOverride });
  const context = await mergeContext(scope);
  return renderPreview(scope, context, compiled, opts.contact_id, { unknownVariables: unknownVariables(compiled.variables, context.fields.map((f) => f.key)), sanitizerChanges: [] });
}

export async function templateMergeTags(scope: TenantScope) {
  const { fields, workspace } = await mergeContext(scope);
  return mergeTagGuide(fields, workspace);
}
