import { describe, expect, it } from 'vitest';
import { TEMPLATE_CATEGORIES } from '../../db/schema';
import { compileTemplate } from '../merge-tags';
import { mergeVariables, PREVIEW_LINKS, sampleContact, unknownVariables } from '../merge-variables';
import { sanitizeEmailHtml } from '../sanitize';
import { DEMO_STARTER_IDS, STARTERS, starterById } from '.';

const workspace = { name: 'Demo Company', postalAddress: null, brand: null };

describe('starter templates', () => {
  it('ship one per category, at least eight, with unique ids', () => {
    expect(STARTERS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(STARTERS.map((s) => s.id)).size).toBe(STARTERS.length);
    const wanted = TEMPLATE_CATEGORIES.filter((c) => c !== 'other');
    expect(new Set(STARTERS.map((s) => s.category))).toEqual(new Set(wanted));
    for (const id of DEMO_STARTER_IDS) expect(starterById(id)).toBeDefined();
  });

  it.each(STARTERS.map((s) => [s.id, s] as const))('%s passes the sanitizer unchanged', (_, s) => {
    expect(sanitizeEmailHtml(s.html)).toEqual({ html: s.html, changes: [] });
  });

  it.each(STARTERS.map((s) => [s.id, s] as const))('%s is responsive, Outlook-safe and dark-mode aware', (_, s) => {
    expect(s.html).toMatch(/^\{%[^%]*%\}<!DOCTYPE html>/);
    expect(s.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(s.html).toContain('@media screen and (max-width:620px)');
    expect(s.html).toContain('@media (prefers-color-scheme:dark)');
    expect(s.html).toContain('<!--[if mso]><table role="presentation" width="600"');
    expect(s.html).toContain('<o:PixelsPerInch>96</o:PixelsPerInch>');
    expect(s.html).toMatch(/<table role="presentation"/);
    // Buttons are bulletproof: VML for Outlook next to the link for everyone else.
    if (s.html.includes('<!--[if !mso]><!--><a ')) expect(s.html).toContain('<v:roundrect');
  });

  it.each(STARTERS.map((s) => [s.id, s] as const))('%s renders with the sample contact and uses only known variables', (_, s) => {
    const compiled = compileTemplate(s);
    expect(unknownVariables(compiled.variables, [])).toEqual([]);
    const out = compiled.render(mergeVariables(sampleContact([]), workspace, PREVIEW_LINKS), 'seed');
    expect(out.html).not.toMatch(/\{\{|\{%/);
    expect(out.html).toContain('Demo Company');
    expect(out.html).toContain('#2563eb');
    expect(out.subject).not.toMatch(/\{\{|\{%/);
    expect(out.text.length).toBeGreaterThan(80);
    expect(out.text).not.toMatch(/\{\{|\{%|</);
  });

  it('use the brand colour and logo when the workspace has them', () => {
    const out = compileTemplate(starterById('newsletter')!).render(
      mergeVariables(sampleContact([]), { ...workspace, brand: { logo_url: 'https://cdn.example/logo.png', primary_color: '#7c3aed', footer_text: null } }, PREVIEW_LINKS),
      'seed',
    );
    expect(out.html).toContain('<img src="https://cdn.example/logo.png" alt="Demo Company"');
    expect(out.html).toContain('fillcolor="#7c3aed"');
    expect(out.html).not.toContain('#2563eb');
  });
});
