import { TEMPLATE_CATEGORIES, type TemplateCategory } from './api-types';
import { field, rawField } from './form-action.server';

export const templatePath = (id: string) => `/v1/templates/${encodeURIComponent(id)}`;

const isCategory = (value: string): value is TemplateCategory => (TEMPLATE_CATEGORIES as readonly string[]).includes(value);

/**
 * The editor's form as the API's template body. The HTML and plain text travel exactly as typed
 * (whitespace is content there); the visual design travels as JSON in one hidden field.
 */
export function submittedTemplate(form: FormData) {
  const category = field(form, 'category');
  const editor = field(form, 'editor') === 'visual' ? 'visual' : 'code';
  let design: unknown = null;
  const designJson = rawField(form, 'design');
  if (editor === 'visual' && designJson) {
    try {
      design = JSON.parse(designJson);
    } catch {
      throw new Response('The visual design could not be read. Reload the page and try again.', { status: 400 });
    }
  }
  return {
    name: field(form, 'name'),
    category: isCategory(category) ? category : undefined,
    subject: field(form, 'subject'),
    preheader: field(form, 'preheader') || null,
    from_name: field(form, 'from_name') || null,
    html: rawField(form, 'html'),
    text_override: rawField(form, 'text_override').trim() ? rawField(form, 'text_override') : null,
    editor,
    design,
  };
}
