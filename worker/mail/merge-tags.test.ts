import { describe, expect, it } from 'vitest';
import { compileTemplate, TEMPLATE_LIMITS, TemplateError } from './merge-tags';
import { mergeVariables, PREVIEW_LINKS, sampleContact, unknownVariables, type MergeContact } from './merge-variables';

const workspace = {
  name: 'Acme & Co',
  postalAddress: { line1: '1 Main Street', city: 'Berlin', postal_code: '10115', country: 'DE' },
  brand: { logo_url: 'https://cdn.example/logo.png', primary_color: '#ff5500', footer_text: 'Thanks for reading' },
};
const fields = [{ key: 'plan', label: 'Plan', type: 'text' as const }, { key: 'score', label: 'Score', type: 'number' as const }];
const contact = (over: Partial<MergeContact> = {}): MergeContact => ({ ...sampleContact(fields), ...over });
const vars = (over: Partial<MergeContact> = {}) => mergeVariables(contact(over), workspace, PREVIEW_LINKS, new Date('2026-05-01T00:00:00Z'));

const render = (html: string, over: Partial<MergeContact> = {}, seed = 'seed') => compileTemplate({ subject: 's', html }).render(vars(over), seed);

function renderError(html: string): TemplateError {
  try {
    render(html);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('rendered without an error');
}

describe('merge tags', () => {
  it('fills contact, custom, workspace and link variables, with fallbacks', () => {
    const out = compileTemplate({
      subject: 'Hi {{ first_name | default: "there" }} from {{ tenant.name }}',
      preheader: '{{ contact.full_name }}',
      html: '<p>{{ first_name }} {{ contact.last_name }} {{ custom.plan }} {{ plan }} {{ contact.custom.score }} {{ brand.primary_color }} {{ tenant.address }} {{ current_year }}</p><a href="{{ unsubscribe_url }}">u</a>',
    }).render(vars(), 'x');
    expect(out.subject).toBe('Hi Ada from Acme & Co');
    expect(out.preheader).toBe('Ada Lovelace');
    expect(out.html).toContain('<p>Ada Lovelace Sample Plan Sample Plan 42 #ff5500 1 Main Street, Berlin 10115, DE 2026</p><a href="#unsubscribe">u</a>');
    expect(render('<p>{{ first_name | default: "there" }}</p>', { firstName: null }).html).toBe('<p>there</p>');
  });

  it('escapes contact values in the HTML but not in the subject or the text part', () => {
    const out = compileTemplate({ subject: '{{ first_name }}', html: '<p>{{ first_name }}</p><a title="{{ first_name }}">x</a>' }).render(vars({ firstName: '<img src=x onerror=alert(1)>"' }), 's');
    expect(out.html).toBe('<p>&lt;img src=x onerror=alert(1)&gt;&#34;</p><a title="&lt;img src=x onerror=alert(1)&gt;&#34;">x</a>');
    expect(out.subject).toBe('<img src=x onerror=alert(1)>"');
    expect(out.text).toContain('<img src=x onerror=alert(1)>"');
  });

  it('keeps a merged value from turning a link into a script URL', () => {
    expect(render('<a href="{{ custom.site }}">site</a>', { custom: { site: 'JavaScript:alert(1)' } }).html).toBe('<a href="#">site</a>');
    expect(render('<a href="{{ custom.site }}">site</a>', { custom: { site: 'https://ada.example/' } }).html).toBe('<a href="https://ada.example/">site</a>');
  });

  it('keeps subject and preheader on one line whatever a merge holds', () => {
    const out = compileTemplate({ subject: 'Hi {{ first_name }}', preheader: '{{ first_name }}', html: '<p>x</p>' }).render(vars({ firstName: 'Ada\r\nBcc: victim@example.com' }), 's');
    expect(out.subject).toBe('Hi Ada Bcc: victim@example.com');
    expect(out.preheader).toBe('Ada Bcc: victim@example.com');
  });

  it('puts the preheader, escaped, hidden at the top of the body', () => {
    const out = compileTemplate({ subject: 's', preheader: 'Deals for {{ first_name }} & friends', html: '<html><body class="x"><p>Body</p></body></html>' }).render(vars(), 's');
    expect(out.html).toMatch(/^<html><body class="x"><div style="display:none;[^"]*" aria-hidden="true" data-preheader>Deals for Ada &amp; friends(&#847;&zwnj;&nbsp;)+<\/div><p>Body<\/p>/);
    expect(out.text).toBe('Body');
  });

  it('derives the text part from the HTML unless overridden, and merges into it', () => {
    expect(render('<h1>Hello {{ first_name }}</h1><p><a href="https://x.example/a">Read</a></p>').text).toBe('Hello Ada\n\nRead (https://x.example/a)');
    expect(compileTemplate({ subject: 's', html: '<p>x</p>', text: 'Plain {{ first_name }}' }).render(vars(), 's').text).toBe('Plain Ada');
  });

  it('renders the same message for the same variables every time (parse once, render many)', () => {
    const t = compileTemplate({ subject: '{A|B|C} {{ email }}', html: '<p>{Hi|Hello|Hey} {{ first_name }}</p>' });
    const a = t.render(vars({ firstName: 'Ada' }), 'msg_1');
    const b = t.render(vars({ firstName: 'Grace' }), 'msg_2');
    expect(b.html).toContain('Grace');
    expect(t.render(vars({ firstName: 'Ada' }), 'msg_1')).toEqual(a);
  });
});

describe('spintax', () => {
  const t = compileTemplate({ subject: '{Hi|Hello|Hey} there', html: '<p>{Hi|Hello|Hey} {{ first_name }}</p>' });
  const seeds = Array.from({ length: 60 }, (_, i) => `msg_${i}`);

  it('picks one option per message, the same one again for the same seed', () => {
    for (const seed of seeds.slice(0, 10)) expect(t.render(vars(), seed)).toEqual(t.render(vars(), seed));
    const greetings = new Set(seeds.map((seed) => t.render(vars(), seed).html));
    expect(greetings).toEqual(new Set(['<p>Hi Ada</p>', '<p>Hello Ada</p>', '<p>Hey Ada</p>']));
  });

  it('makes the same choice for the same group in the HTML and the text part', () => {
    for (const seed of seeds.slice(0, 20)) {
      const out = t.render(vars(), seed);
      expect(out.text).toBe(out.html.replace(/<\/?p>/g, ''));
    }
  });

  it('leaves Liquid, CSS and braces that are not spintax alone', () => {
    const html = '<style>a{color:red} @media (max-width:600px){.a{b:c}}</style><p>{{ first_name | default: "x" }} {% if true %}{a|b}{% endif %} {no pipes} {x {{ "|" }} y}</p>';
    const out = render(html, {}, 'fixed').html;
    expect(out).toMatch(/^<style>a\{color:red\} @media \(max-width:600px\)\{\.a\{b:c\}\}<\/style><p>Ada [ab] \{no pipes\} \{x \| y\}<\/p>$/);
  });

  it('never spans markup, so a choice cannot change the tags around it', () => {
    const html = '<img alt="{a|b">}" title="x">';
    expect(render(html).html).toBe(html);
  });

  it('lets options hold merge tags', () => {
    const outs = new Set(seeds.map((s) => render('<p>{Hi {{ first_name }}|Dear {{ last_name }}}</p>', {}, s).html));
    expect(outs).toEqual(new Set(['<p>Hi Ada</p>', '<p>Dear Lovelace</p>']));
  });
});

describe('template checks', () => {
  it('names the part and line of a Liquid syntax error', () => {
    const e = renderError('<p>one</p>\n<p>{% if first_name %}two</p>');
    expect([e.part, e.line, e.limit]).toEqual(['html', 2, false]);
    expect(e.message).toMatch(/not closed/);
    try {
      compileTemplate({ subject: 'Hi {{ first_name ', html: '<p>x</p>' });
      throw new Error('compiled');
    } catch (err) {
      expect((err as TemplateError).part).toBe('subject');
    }
  });

  it('refuses filters it does not know, and raw (which would unescape contact data)', () => {
    expect(renderError('{{ first_name | shout }}').message).toMatch(/undefined filter: shout/);
    expect(renderError('{{ first_name | raw }}').message).toMatch(/undefined filter: raw/);
  });

  it('has no file system: include, render and layout are refused', () => {
    for (const tag of ['{% include "secrets" %}', '{% render "x" %}', '{% layout "x" %}']) expect(renderError(tag).message).toMatch(/not available/);
  });

  it('lists variables the workspace does not have, without refusing them', () => {
    const t = compileTemplate({ subject: '{{ frist_name }}', html: '<p>{{ first_name }} {{ custom.plan }} {{ custom.gone }} {{ tenant.nmae }} {{ brand.logo_url }} {{ contact.email }} {{ contact.custom.plan }} {{ first_name.size }} {{ x.y }}</p>{% assign local = 1 %}{{ local }}{% for i in (1..2) %}{{ i }}{{ forloop.index }}{% endfor %}' });
    expect(unknownVariables(t.variables, ['plan'])).toEqual(['custom.gone', 'frist_name', 'tenant.nmae', 'x.y']);
    expect(t.render(vars(), 's').subject).toBe('');
  });

  it('does not let contact data reach prototypes', () => {
    expect(render('<p>{{ first_name.constructor }}{{ custom.__proto__ }}{{ contact.toString }}</p>').html).toBe('<p></p>');
  });
});

describe('limits stop a runaway template', () => {
  it('a huge loop', () => {
    const e = renderError('{% for i in (1..100000000) %}x{% endfor %}');
    expect(e.limit).toBe(true);
  });

  it('nested loops over a small range (steps, not memory)', () => {
    const e = renderError('{% assign r = (1..1000) %}{% for a in r %}{% for b in r %}{% for c in r %}{% endfor %}{% endfor %}{% endfor %}');
    expect(e.limit).toBe(true);
    expect(e.message).toMatch(/render steps/);
  });

  it('a string doubling itself', () => {
    const e = renderError('{% capture s %}xxxxxxxxxx{% endcapture %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s }}');
    expect(e.limit).toBe(true);
  });

  it('a loop repeating literal HTML into a capture', () => {
    const block = 'y'.repeat(10_000);
    expect(renderError(`{% capture s %}{% for i in (1..5000) %}${block}{% endfor %}{% endcapture %}{{ s | size }}`).limit).toBe(true);
  });

  it('output larger than the limit', () => {
    const e = renderError(`{% for i in (1..3) %}${'z'.repeat(TEMPLATE_LIMITS.chars / 2)}{% endfor %}`);
    expect(e.limit).toBe(true);
  });

  it('while a normal template renders well within them', () => {
    expect(render('{% for i in (1..50) %}<p>{{ i }}</p>{% endfor %}').html).toContain('<p>50</p>');
  });
});
