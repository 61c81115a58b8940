import type { Template, TemplateCategory, TemplateEditorKind } from './api-types';

/** What the template editor holds while the user works: the saved template's editable fields. */
export interface TemplateDraft {
  name: string;
  category: TemplateCategory;
  subject: string;
  preheader: string;
  from_name: string;
  html: string;
  /** '' means "generate the plain-text part from the HTML". */
  text_override: string;
  editor: TemplateEditorKind;
  /** The visual editor's project; null once the HTML was edited by hand (the code is then the truth). */
  design: unknown;
}

export function draftOf(template: Template): TemplateDraft {
  return {
    name: template.name,
    category: template.category,
    subject: template.subject,
    preheader: template.preheader ?? '',
    from_name: template.from_name ?? '',
    html: template.html,
    text_override: template.text_override ?? '',
    editor: template.editor,
    design: template.design ?? null,
  };
}

/** `text` typed over the selection `start`–`end` of `value`, and where the caret lands after it. */
export function insertAt(value: string, start: number, end: number, text: string): { value: string; caret: number } {
  const from = Math.max(0, Math.min(start, value.length));
  const to = Math.max(from, Math.min(end, value.length));
  return { value: value.slice(0, from) + text + value.slice(to), caret: from + text.length };
}

/**
 * Dark mode as a mail client that honours it renders: the document says it is shown dark
 * (`color-scheme`), so unstyled backgrounds and text turn dark, and the template's own
 * `prefers-color-scheme: dark` rules apply. Templates that hard-code light colours stay light,
 * as they do in such clients.
 */
const DARK_HEAD = '<meta name="color-scheme" content="dark"><style>:root{color-scheme:dark}</style>';

/**
 * A frame follows the dashboard user's own light or dark setting in `prefers-color-scheme`, not
 * the preview's: the template's queries become always true (`min-width: 0px`) for the scheme
 * previewed and never true (`max-width: 0px`) for the other.
 */
function fixColorScheme(html: string, dark: boolean): string {
  return html.replace(/prefers-color-scheme\s*:\s*(dark|light)/gi, (_, scheme: string) =>
    (scheme.toLowerCase() === 'dark') === dark ? 'min-width: 0px' : 'max-width: 0px',
  );
}

/** The HTML of a preview frame: the rendered email in the colour scheme previewed (dark: the hints above in its head). */
export function previewDocument(email: string, { dark }: { dark: boolean }): string {
  const html = fixColorScheme(email, dark);
  if (!dark) return html;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + DARK_HEAD + html.slice(head.index + head[0].length);
  const root = /<html(\s[^>]*)?>/i.exec(html);
  if (root) return `${html.slice(0, root.index + root[0].length)}<head>${DARK_HEAD}</head>${html.slice(root.index + root[0].length)}`;
  return DARK_HEAD + html;
}

/**
 * The visual editor exports the body (its wrapper, or just its content) with the CSS inlined; mail
 * needs a whole document around it: doctype, charset, a viewport for phones.
 */
export function emailDocument(body: string): string {
  if (/<html[\s>]/i.test(body)) return body;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title></title></head>',
    /^\s*<body[\s>]/i.test(body) ? body.trim() : `<body>${body}</body>`,
    '</html>',
  ].join('\n');
}

/** A test email goes to at most this many addresses (the API's limit). */
export const MAX_TEST_RECIPIENTS = 5;

/** Addresses typed one per line or separated by commas, semicolons or spaces; blanks and repeats dropped. */
export function parseRecipients(text: string): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    const address = part.trim();
    if (!address || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    result.push(address);
  }
  return result;
}
