import { html } from 'hono/html';
import type { Brand } from '../db/schema';

/** Whose page it is: the workspace's name and brand colour, both tenant-provided. */
export interface PageBrand {
  name: string;
  brand?: Brand | null;
}

const DEFAULT_COLOR = '#4338ca';
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * A small, self-contained HTML page for people reached from an email or a website form (confirmation,
 * thanks, errors). No scripts, one nonce'd style block, every value escaped by `html`. The copy is
 * English, so the page says `lang="en"`. Returns the body and the CSP that must go with it.
 */
export async function publicPage(p: { title: string; message: string; owner?: PageBrand | null }) {
  const nonce = crypto.randomUUID().replace(/-/g, '');
  // The colour lands inside CSS, where HTML escaping does not help: only a plain hex colour gets in.
  const color = p.owner?.brand?.primary_color && HEX_COLOR.test(p.owner.brand.primary_color) ? p.owner.brand.primary_color : DEFAULT_COLOR;
  const body = await html`<!doctype html>
<html lang="en">
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
</style>
</head>
<body>
<main>
${p.owner ? html`<p class="owner">${p.owner.name}</p>` : ''}
<h1>${p.title}</h1>
<p>${p.message}</p>
</main>
</body>
</html>`;
  return {
    body: body.toString(),
    csp: `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}
