import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Brand } from '../db/schema';

/** Whose page it is: the workspace's name and brand colour, both tenant-provided. */
export interface PageBrand {
  name: string;
  brand?: Brand | null;
}

const DEFAULT_COLOR = '#4338ca';
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** One button that posts hidden fields back to this origin (e.g. "Confirm my subscription"). */
export interface PageAction {
  label: string;
  path: string;
  fields: Record<string, string>;
}

/**
 * A small, self-contained HTML page for people reached from an email or a website form (confirmation,
 * thanks, errors). No scripts, one nonce'd style block, every value escaped by `html`. The copy is
 * English unless `lang` says otherwise. Returns the body and the CSP that must go with it.
 */
export interface PublicPageContent {
  title: string;
  message: string;
  owner?: PageBrand | null;
  action?: PageAction;
  /** Markup of our own (a form built with `html`, so every value in it is escaped) after the message. */
  body?: HtmlEscapedString | Promise<HtmlEscapedString>;
  /** Whether `body` holds a form that posts back to this origin. */
  bodyPosts?: boolean;
  links?: { label: string; href: string }[];
  lang?: string;
}

export async function publicPage(p: PublicPageContent) {
  const nonce = crypto.randomUUID().replace(/-/g, '');
  // The colour lands inside CSS, where HTML escaping does not help: only a plain hex colour gets in.
  const color = p.owner?.brand?.primary_color && HEX_COLOR.test(p.owner.brand.primary_color) ? p.owner.brand.primary_color : DEFAULT_COLOR;
  const body = await html`<!doctype html>
<html lang="${p.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${p.title}${p.owner ? ` · ${p.owner.name}` : ''}</title>
<style nonce="${nonce}">
body{margin:0;font-family:system-ui,-apple-system,sans-serif;color:#1f2937;background:#f3f4f6}
main{max-width:34rem;margin:4rem auto;padding:2rem;background:#fff;border-top:6px solid ${color};border-radius:8px}
.owner{margin:0 0 1rem;color:#4b5563;font-weight:600}
h1{margin:0 0 1rem;font-size:1.5rem;line-height:1.3}
p{line-height:1.6}
button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border:0;border-radius:6px;color:#fff;background:${color};cursor:pointer}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #1f2937;outline-offset:2px}
a{color:#1f2937}
.links{margin:1.5rem 0 0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:1rem}
fieldset{border:1px solid #d1d5db;border-radius:6px;margin:0 0 1rem;padding:.75rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label{display:flex;gap:.5rem;align-items:flex-start;padding:.35rem 0;line-height:1.4}
input[type=checkbox]{width:1.25rem;height:1.25rem;margin:0;flex:none}
select{font:inherit;padding:.5rem;border:1px solid #6b7280;border-radius:6px;background:#fff;color:#1f2937}
.secondary{background:#fff;color:#1f2937;border:2px solid #1f2937;margin-left:.5rem}
</style>
</head>
<body>
<main>
${p.owner ? html`<p class="owner">${p.owner.name}</p>` : ''}
<h1>${p.title}</h1>
<p>${p.message}</p>
${p.action ? html`<form method="post" action="${p.action.path}">${Object.entries(p.action.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<button type="submit">${p.action.label}</button></form>` : ''}
${p.body ?? ''}
${p.links?.length ? html`<ul class="links">${p.links.map((l) => html`<li><a href="${l.href}">${l.label}</a></li>`)}</ul>` : ''}
</main>
</body>
</html>`;
  return {
    body: body.toString(),
    csp: `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action ${p.action || p.bodyPosts ? "'self'" : "'none'"}; frame-ancestors 'none'`,
  };
}
