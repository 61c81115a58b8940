import { customFields } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { Problem } from '../lib/problem';
import { compileTemplate, TemplateError, type CompiledTemplate, type TemplateContent, type TemplatePart } from '../mail/merge-tags';
import { unknownVariables, type CustomFieldDef, type MergeWorkspace } from '../mail/merge-variables';
import { sanitizeEmailHtml } from '../mail/sanitize';
import { getTenant } from './tenant-settings';

/** The body field a template part comes from, for field errors. */
const FIELD: Record<TemplatePart, string> = { subject: 'subject', preheader: 'preheader', html: 'html', text: 'text_override' };

/** A TemplateError as a problem: bad Liquid is the author's input (400); a limit hit while rendering is 422. */
export function templateProblem(e: unknown, context = ''): unknown {
  if (!(e instanceof TemplateError)) return e;
  const where = e.line ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : '';
  const message = `${context}${e.message}${where}`;
  const error = { field: FIELD[e.part], message, ...(e.line ? { line: e.line, column: e.column ?? null } : {}) };
  return e.limit
    ? new Problem('unprocessable', `The ${e.part} could not be rendered: ${message}`, { extensions: { errors: [error] } })
    : new Problem('validation-error', `${FIELD[e.part]}: ${message}`, { extensions: { errors: [error] } });
}

export function compileOrProblem(content: TemplateContent, context = ''): CompiledTemplate {
  try {
    return compileTemplate(content);
  } catch (e) {
    throw templateProblem(e, context);
  }
}

export interface MergeContext {
  fields: CustomFieldDef[];
  workspace: MergeWorkspace;
}

/** What a workspace's templates can merge: its custom fields and its own name, address and brand. */
export async function mergeContext(scope: TenantScope): Promise<MergeContext> {
  const [fields, tenant] = await Promise.all([
    scope.db.select({ key: customFields.key, label: customFields.label, type: customFields.type }).from(customFields).where(scope.own(customFields)).orderBy(customFields.key).all(),
    getTenant(scope.db, scope.tenantId),
  ]);
  return { fields, workspace: { name: tenant.name, postalAddress: tenant.postalAddress ?? null, brand: tenant.brand ?? null } };
}

export interface ContentInput {
  subject: string;
  preheader?: string | null;
  html: string;
  text_override?: string | null;
}

export interface PreparedContent {
  html: string;
  sanitizerChanges: string[];
  compiled: CompiledTemplate;
  unknownVariables: string[];
}

/**
 * Checks and cleans content before it is saved or previewed. Liquid is checked on what the author
 * wrote first, so an error points at their own line; then the HTML is sanitized and the result
 * compiled again (removing unsafe markup can cut a Liquid block in two).
 */
export function prepareContent(input: ContentInput, customKeys: string[]): PreparedContent {
  compileOrProblem({ subject: input.subject, preheader: input.preheader, html: input.html, text: input.text_override ?? '' });
  const clean = sanitizeEmailHtml(input.html);
  const compiled = compileOrProblem(
    { subject: input.subject, preheader: input.preheader, html: clean.html, text: input.text_override },
    'After removing unsafe markup: ',
  );
  return { html: clean.html, sanitizerChanges: clean.changes, compiled, unknownVariables: unknownVariables(compiled.variables, customKeys) };
}
