import type { TemplateCategory } from '../../db/schema';

/**
 * Building blocks of the starter templates. Email HTML that works everywhere is repetitive — a
 * table layout, a fixed-width ghost table for Outlook, VML for buttons Outlook would otherwise
 * render square and unclickable — so the starters share these pieces instead of copies of them.
 *
 * The output is already in the sanitizer's canonical form (lower-case names, double-quoted
 * values, `<br />`-style void tags only where written so), so a starter passes it byte for byte.
 * Liquid inside attribute values uses single quotes, which keeps the template valid HTML for the
 * visual editor and the plain-text conversion.
 */
export interface StarterTemplate {
  id: string;
  name: string;
  category: TemplateCategory;
  description: string;
  subject: string;
  preheader: string;
  html: string;
}

/** Set once at the top of every starter: the brand colour, or a calm blue. */
const ACCENT_ASSIGN = "{% assign accent = brand.primary_color | default: '#2563eb' %}";
export const ACCENT = '{{ accent }}';

export const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
export const TEXT = '#111827';
export const MUTED = '#6b7280';
const PAGE = '#f3f4f6';
const CARD = '#ffffff';
export const RULE = '#e5e7eb';

const BASE_CSS = `body{margin:0;padding:0;width:100%;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%}
table{border-collapse:collapse;mso-table-lspace:0pt;mso-table-rspace:0pt}
img{border:0;line-height:100%;outline:none;text-decoration:none;-ms-interpolation-mode:bicubic}
a{color:${ACCENT}}
@media screen and (max-width:620px){
.container{width:100%!important}
.px{padding-left:20px!important;padding-right:20px!important}
.stack{display:block!important;width:100%!important;max-width:100%!important}
.h1{font-size:26px!important;line-height:32px!important}
}
@media (prefers-color-scheme:dark){
.bg{background-color:#0b0f17!important}
.card{background-color:#1f2937!important}
.fg{color:#f3f4f6!important}
.muted{color:#9ca3af!important}
.rule{border-color:#374151!important}
}
[data-ogsc] .card{background-color:#1f2937!important}
[data-ogsc] .fg{color:#f3f4f6!important}
[data-ogsc] .muted{color:#9ca3af!important}`;

/**
 * A whole document: head with the Outlook DPI fix and the responsive and dark-mode CSS, the page
 * background, and a 600 px column (a ghost table keeps Outlook, which ignores max-width, at 600).
 */
export function emailDocument(opts: { title: string; rows: string[]; card?: boolean }): string {
  const cardStyle = opts.card === false ? '' : ` class="card" bgcolor="${CARD}" style="background-color:${CARD};border-radius:8px;"`;
  return `${ACCENT_ASSIGN}<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${opts.title}</title>
<!--[if mso]><xml><o:OfficeDocumentSettings><o:AllowPNG /><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><style>table,td,div,h1,h2,h3,p,a,span{font-family:Arial,Helvetica,sans-serif!important}</style><![endif]-->
<style>
${BASE_CSS}
</style>
</head>
<body class="bg" style="margin:0;padding:0;background-color:${PAGE};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="bg" bgcolor="${PAGE}" style="background-color:${PAGE};">
<tr>
<td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" align="center"><tr><td><![endif]-->
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;">
${logoRow()}
<tr>
<td${cardStyle}>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${opts.rows.join('\n')}
</table>
</td>
</tr>
<tr>
<td style="height:24px;line-height:24px;font-size:1px;">&nbsp;</td>
</tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td>
</tr>
</table>
</body>
</html>
`;
}

/** The brand logo when the workspace has one, else its name as a word mark. */
function logoRow(): string {
  return `<tr>
<td align="left" style="padding:8px 8px 20px 8px;">
{% if brand.logo_url %}<img src="{{ brand.logo_url }}" alt="{{ tenant.name }}" width="140" style="display:block;width:140px;max-width:140px;height:auto;border:0;">{% else %}<span class="fg" style="font-family:${FONT};font-size:20px;line-height:28px;font-weight:700;color:${TEXT};">{{ tenant.name }}</span>{% endif %}
</td>
</tr>`;
}

/** A padded row of the card. */
export const row = (inner: string, padding = '0 40px 24px 40px') => `<tr>
<td class="px" style="padding:${padding};">
${inner}
</td>
</tr>`;

export const heading = (text: string, size = 28) =>
  `<h1 class="h1 fg" style="margin:0;font-family:${FONT};font-size:${size}px;line-height:${Math.round(size * 1.25)}px;font-weight:700;color:${TEXT};">${text}</h1>`;

export const subheading = (text: string) =>
  `<h2 class="fg" style="margin:0 0 8px 0;font-family:${FONT};font-size:18px;line-height:26px;font-weight:700;color:${TEXT};">${text}</h2>`;

export const paragraph = (html: string, opts: { muted?: boolean; size?: number; margin?: string } = {}) =>
  `<p class="${opts.muted ? 'muted' : 'fg'}" style="margin:${opts.margin ?? '0 0 16px 0'};font-family:${FONT};font-size:${opts.size ?? 16}px;line-height:${Math.round((opts.size ?? 16) * 1.6)}px;color:${opts.muted ? MUTED : TEXT};">${html}</p>`;

/** A coloured band across the top of the card (no image needed, so nothing breaks when images are off). */
export const band = (color = ACCENT) => `<tr>
<td bgcolor="${color}" style="height:6px;line-height:6px;font-size:1px;background-color:${color};border-radius:8px 8px 0 0;">&nbsp;</td>
</tr>`;

/**
 * A "bulletproof" button: VML for Outlook on Windows (rounded, coloured, the whole area clickable),
 * a padded link for everyone else.
 */
export function button(label: string, href: string, opts: { width?: number; align?: 'left' | 'center' } = {}): string {
  const width = opts.width ?? 220;
  const align = opts.align ?? 'left';
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" align="${align}">
<tr>
<td align="center" bgcolor="${ACCENT}" style="border-radius:6px;background-color:${ACCENT};">
<!--[if mso]><v:roundrect xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w="urn:schemas-microsoft-com:office:word" href="${href}" style="height:46px;v-text-anchor:middle;width:${width}px;" arcsize="13%" stroke="f" fillcolor="${ACCENT}"><w:anchorlock /><center style="color:#ffffff;font-family:Arial,sans-serif;font-size:16px;font-weight:bold;">${label}</center></v:roundrect><![endif]-->
<!--[if !mso]><!--><a href="${href}" style="display:inline-block;padding:13px 28px;font-family:${FONT};font-size:16px;line-height:20px;font-weight:700;color:#ffffff;text-decoration:none;border-radius:6px;background-color:${ACCENT};">${label}</a><!--<![endif]-->
</td>
</tr>
</table>`;
}

/**
 * Two columns side by side, stacked on phones. Outlook gets a table (it ignores inline-block);
 * everyone else gets inline-block columns that wrap when the screen is narrow.
 */
export function columns(left: string, right: string): string {
  const col = (inner: string) =>
    `<div class="stack" style="display:inline-block;width:100%;max-width:250px;vertical-align:top;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="padding:0 0 16px 0;">
${inner}
</td></tr></table>
</div>`;
  return `<!--[if mso]><table role="presentation" width="520" cellpadding="0" cellspacing="0" border="0"><tr><td width="250" valign="top"><![endif]-->
${col(left)}<!--[if mso]></td><td width="20"></td><td width="250" valign="top"><![endif]--><div class="stack" style="display:inline-block;width:20px;"></div>${col(right)}
<!--[if mso]></td></tr></table><![endif]-->`;
}

export const divider = () => `<tr>
<td class="px" style="padding:0 40px 24px 40px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td class="rule" style="border-top:1px solid ${RULE};font-size:1px;line-height:1px;">&nbsp;</td></tr></table>
</td>
</tr>`;

/**
 * Items with a round marker beside them (a check mark, a step number), stacked one per row.
 * The marker's table keeps separate borders: with collapsed borders a rounded border stays square.
 */
export function markedList(items: { marker: string; title: string; body: string }[], style: 'filled' | 'outlined'): string {
  const marker =
    style === 'filled'
      ? `bgcolor="${ACCENT}" style="width:24px;height:24px;border-radius:12px;background-color:${ACCENT};font-family:Arial,sans-serif;font-size:14px;line-height:24px;font-weight:700;color:#ffffff;"`
      : `style="width:30px;height:30px;border:2px solid ${ACCENT};border-radius:17px;font-family:${FONT};font-size:15px;line-height:30px;font-weight:700;color:${ACCENT};"`;
  const [width, gap, top] = style === 'filled' ? [36, 16, 0] : [44, 20, 4];
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${items
  .map(
    (item) => `<tr>
<td valign="top" width="${width}" style="padding:0 0 ${gap}px 0;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;"><tr><td align="center" ${marker}>${item.marker}</td></tr></table>
</td>
<td valign="top" style="padding:${top}px 0 ${gap}px 0;">
${subheading(item.title)}
${paragraph(item.body, { size: 15, margin: '0' })}
</td>
</tr>`,
  )
  .join('\n')}
</table>`;
}

/** Label and value rows (event details, order summary). */
export function detailsTable(rows: [string, string][], opts: { bold?: boolean } = {}): string {
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${rows
  .map(
    ([label, value]) => `<tr>
<td class="muted rule" style="padding:10px 0;border-bottom:1px solid ${RULE};font-family:${FONT};font-size:15px;line-height:22px;color:${MUTED};">${label}</td>
<td class="fg rule" align="right" style="padding:10px 0;border-bottom:1px solid ${RULE};font-family:${FONT};font-size:15px;line-height:22px;color:${TEXT};${opts.bold ? 'font-weight:700;' : ''}">${value}</td>
</tr>`,
  )
  .join('\n')}
</table>`;
}
