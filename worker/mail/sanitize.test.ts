import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { guardRenderedUrls, sanitizeEmailHtml } from './sanitize';

/**
 * An independent judge of the output: parse it as a browser-like DOM (linkedom) and list whatever
 * could run script or leave the message. Deliberately broader than the sanitizer (any attribute
 * value mentioning a script scheme counts), and checked against every raw vector first, so it is
 * known to be able to fail.
 */
const FORBIDDEN_TAGS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'select', 'textarea', 'base', 'link', 'svg', 'math', 'template', 'noscript', 'xmp', 'plaintext', 'isindex', 'xss', 'bgsound', 'layer', 'ilayer', 'portal', 'meta-refresh']);
const URL_ATTRS = new Set(['href', 'src', 'background', 'action', 'formaction', 'xlink:href', 'srcset', 'data', 'poster', 'cite', 'dynsrc', 'lowsrc', 'longdesc', 'usemap', 'code', 'codebase', 'content']);

const compact = (s: string) => s.replace(/[\x00-\x20\x7f]+/g, '').toLowerCase();
const cssText = (s: string) =>
  compact(
    s
      .replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
      .replace(/\\([0-9a-f]{1,6})\s?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16) || 0xfffd))
      .replace(/\\(.)/g, '$1'),
  );
const cssDanger = (s: string) => /@import|expression\(|javascript:|vbscript:|-moz-binding|behaviou?r:|url\(["']?data:/.test(cssText(s));

interface Node {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<Node>;
  attributes?: ArrayLike<{ name: string; value: string }>;
}

function dangers(html: string): string[] {
  const found: string[] = [];
  const { document } = parseHTML(/<html[\s>]/i.test(html) ? html : `<html><body>${html}</body></html>`);
  const visit = (n: Node) => {
    if (n.nodeType === 8) {
      const data = n.textContent ?? '';
      const conditional = /^\[if [^\]]+\]>([\s\S]*)<!\[endif\]$/.exec(data);
      if (conditional) found.push(...dangers(conditional[1]!).map((d) => `in conditional comment: ${d}`));
      else if (!/^\[if [^\]]+\]><!$/.test(data) && data !== '<![endif]') found.push(`comment: ${data.slice(0, 40)}`);
      return;
    }
    if (n.nodeType !== 1) return;
    const tag = n.nodeName.toLowerCase();
    if (FORBIDDEN_TAGS.has(tag)) found.push(`<${tag}>`);
    if (tag === 'style' && (cssDanger(n.textContent ?? '') || (n.textContent ?? '').includes('<'))) found.push('unsafe <style>');
    for (const a of Array.from(n.attributes ?? [])) {
      const name = a.name.toLowerCase();
      const value = compact(a.value);
      if (name.startsWith('on')) found.push(`handler ${name}`);
      if (/(?:java|vb|live)script:/.test(value)) found.push(`script URL in ${name}`);
      if (URL_ATTRS.has(name) && (value.startsWith('data:') || /(?:^|[\s,;=])data:/.test(value))) found.push(`data: URL in ${name}`);
      if (name === 'style' && cssDanger(a.value)) found.push('unsafe style attribute');
      if (tag === 'meta' && name === 'http-equiv' && !['content-type', 'x-ua-compatible', 'content-language'].includes(value)) found.push(`meta http-equiv ${value}`);
    }
    for (const child of Array.from(n.childNodes)) visit(child);
  };
  visit(document.documentElement as unknown as Node);
  return found;
}

/** Liquid as an attacker would fill it in at send time: every output becomes "java", tags vanish. */
const asRendered = (html: string) => html.replace(/\{\{[^}]*\}\}/g, 'java').replace(/\{%[^%]*%\}/g, '');

/** OWASP XSS filter evasion cheat sheet and friends, plus email-specific ones (conditional comments, VML). */
const VECTORS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>',
  '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>',
  '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
  '<SCRIPT SRC=//xss.example/.j>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=javascript:alert(\'XSS\')>',
  '<IMG SRC=JaVaScRiPt:alert(\'XSS\')>',
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  '<a onmouseover="alert(document.cookie)">xxs link</a>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  '<IMG SRC="jav\tascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x09;ascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x0A;ascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x0D;ascript:alert(\'XSS\');">',
  '<a href="java\u0000script:alert(1)">null byte</a>',
  '<IMG SRC=" &#14;  javascript:alert(\'XSS\');">',
  '<a href="javascript&colon;alert(1)">colon entity</a>',
  '<a href="jAvAsCrIpT:alert(1)">mixed case</a>',
  '<a href="\n  java\nscript:alert(1)">newlines</a>',
  '<a href="vbscript:msgbox(1)">vb</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<img srcset="javascript:alert(1) 1x, https://ok.example/a.png 2x">',
  '<BODY ONLOAD=alert(\'XSS\')>',
  '<BODY BACKGROUND="javascript:alert(\'XSS\')">',
  '<TABLE BACKGROUND="javascript:alert(\'XSS\')"><tr><td BACKGROUND="javascript:alert(1)">x</td></tr></TABLE>',
  '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
  '<form action="javascript:alert(1)"><input type="submit"></form>',
  '<button formaction="javascript:alert(1)">go</button>',
  '<iframe src="https://evil.example/"></iframe>',
  '<iframe src=javascript:alert(1) <',
  '<FRAMESET><FRAME SRC="javascript:alert(\'XSS\');"></FRAMESET>',
  '<OBJECT TYPE="text/x-scriptlet" DATA="https://xss.example/scriptlet.html"></OBJECT>',
  '<EMBED SRC="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+" type="image/svg+xml">',
  '<applet code="Evil.class"></applet>',
  '<svg/onload=alert(\'XSS\')>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<LINK REL="stylesheet" HREF="https://evil.example/xss.css">',
  '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
  '<STYLE>@import\'https://xss.example/xss.css\';</STYLE>',
  '<STYLE>@im\\port\'\\ja\\vasc\\ript:alert("XSS")\';</STYLE>',
  '<STYLE>li {list-style-image: url("javascript:alert(\'XSS\')");}</STYLE><UL><LI>XSS</br>',
  '<STYLE>BODY{-moz-binding:url("https://xss.example/xssmoz.xml#xss")}</STYLE>',
  '<style>.x{background:url(data:image/svg+xml;base64,AAAA)}</style>',
  '<style></style><img src=x onerror=alert(1)>',
  '<style>a{color:red}<{{ "" }}/style><script>alert(1)</script>',
  '<DIV STYLE="background-image: url(javascript:alert(\'XSS\'))">',
  '<DIV STYLE="background-image:\\0075\\0072\\006C\\0028\'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029\'\\0029">',
  '<DIV STYLE="width: expression(alert(\'XSS\'));">',
  '<IMG STYLE="xss:expr/*XSS*/ession(alert(\'XSS\'))">',
  '<XSS STYLE="behavior: url(xss.htc);">',
  '<p style="color:red;background:url(&quot;javascript:alert(1)&quot;)">entity-quoted</p>',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
  '<META HTTP-EQUIV="Set-Cookie" Content="USERID=<SCRIPT>alert(\'XSS\')</SCRIPT>">',
  '<BASE HREF="javascript:alert(\'XSS\');//">',
  '<!--[if gte IE 4]><SCRIPT>alert(\'XSS\');</SCRIPT><![endif]-->',
  '<!--[if mso]><v:roundrect href="javascript:alert(1)" onclick="alert(1)"><script>alert(1)</script></v:roundrect><![endif]-->',
  '<!--[if mso]><a href="https://ok.example/">x</a>--><script>alert(1)</script><!--<![endif]-->',
  '<!-- --!><img src=x onerror=alert(1)> -->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<template><script>alert(1)</script></template>',
  '<details open ontoggle=alert(1)>',
  '<a href="#" onclick="alert(1)" ONMOUSEOVER="alert(2)">handlers</a>',
  '<img src="x" onerror\x0b=alert(1)>',
  '<img src=x:alert(alt) onerror=eval(src) alt=0>',
  '<a href="{{ x }}script:alert(1)">liquid-split scheme</a>',
  '<a href="java{{ x }}script:alert(1)">liquid inside scheme</a>',
  '<a href="{% if true %}javascript:alert(1){% endif %}">liquid-wrapped scheme</a>',
  '<div data-x="javascript:alert(1)">data attribute</div>',
  '<textarea><script>alert(1)</script></textarea>',
  '<xmp><script>alert(1)</script></xmp>',
  '<select><option><img src=x onerror=alert(1)></option></select>',
];

describe('the sanitizer against known XSS vectors', () => {
  it('has a list long enough to mean something', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(VECTORS)('the judge sees the danger in %s', (vector) => {
    expect(dangers(asRendered(vector))).not.toEqual([]);
  });

  it.each(VECTORS)('neutralizes %s', (vector) => {
    const { html, changes } = sanitizeEmailHtml(vector);
    expect(dangers(asRendered(html))).toEqual([]);
    expect(changes.length).toBeGreaterThan(0);
    // Sanitizing is a fixed point: a second pass finds nothing to do.
    expect(sanitizeEmailHtml(html)).toEqual({ html, changes: [] });
  });

  it('says in words what it removed', () => {
    const { changes } = sanitizeEmailHtml('<p onclick="x">a</p><script>1</script><a href="javascript:x">b</a><link rel="stylesheet" href="https://x.example/a.css"><iframe></iframe><style>@import "x.css";</style>');
    expect(changes).toEqual(
      expect.arrayContaining([
        'removed <script>',
        'removed <iframe>',
        'removed event handler attribute (onclick)',
        'removed javascript: URL from href',
        'removed <link> (external stylesheets are not allowed)',
        'removed @import from CSS',
      ]),
    );
  });
});

/** Email HTML as the starters and good hand-written templates have it: already in canonical form. */
const EMAIL = `{% assign accent = brand.primary_color | default: '#2563eb' %}<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ tenant.name }}</title>
<!--[if mso]><xml><o:OfficeDocumentSettings><o:AllowPNG /><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->
<style>
a{color:{{ accent }}}
@media screen and (max-width:620px){.container{width:100%!important} td > p{margin:0!important}}
@font-face{font-family:Brand;src:url(https://fonts.example/brand.woff2) format('woff2')}
</style>
</head>
<body style="margin:0;background-color:#f3f4f6;">
<!--[if mso]><table role="presentation" width="600" align="center"><tr><td><![endif]-->
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" align="center" bgcolor="#ffffff" style="max-width:600px;">
<tr>
<td valign="top" background="https://cdn.example/bg.png" style="padding:24px;font-family:Arial,sans-serif;">
<center><font face="Arial" color="#111827" size="2">Centered &amp; fonted</font></center>
<h1 style="margin:0;">Hello {{ first_name | default: "there" }}{% if custom.orders > 1 %}, welcome back{% endif %}</h1>
<p>{Hi|Hello|Hey}&nbsp;— prices from €10 <small>incl. VAT</small><sup>1</sup><sub>2</sub> <strong>bold</strong> <em>em</em> <b>b</b> <i>i</i> <u>u</u></p>
<ul><li>One</li></ul><ol start="2"><li>Two</li></ol>
<blockquote cite="https://example.com/quote">Quote</blockquote><pre><code>code</code></pre>
<img src="cid:logo" alt="Logo" width="120" height="40" border="0" style="display:block;">
<img src="{{ brand.logo_url }}" alt="{{ tenant.name }}" srcset="https://cdn.example/a.png 1x, https://cdn.example/a@2x.png 2x">
<a href="https://example.com/?e={{ email | url_encode }}&amp;src=mail" target="_blank" rel="noopener">Web</a>
<a href="mailto:hello@example.com">Mail</a> <a href="tel:+15550100">Call</a> <a href="#top">Top</a>
<a href="{{ unsubscribe_url }}" data-no-track>Unsubscribe</a> <a href="{{ preferences_url }}" title="{{ first_name | default: 'you' }}">Preferences</a>
<br><br />
<hr>
<!--[if mso]><v:roundrect xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w="urn:schemas-microsoft-com:office:word" href="https://example.com/shop" style="height:44px;v-text-anchor:middle;width:200px;" arcsize="10%" stroke="f" fillcolor="{{ accent }}"><w:anchorlock /><center style="color:#ffffff;">Shop</center></v:roundrect><![endif]-->
<!--[if !mso]><!--><a href="https://example.com/shop" style="display:inline-block;padding:12px 24px;background-color:{{ accent }};color:#ffffff;">Shop</a><!--<![endif]-->
</td>
<td nowrap colspan="2" class="stack" role="presentation" aria-hidden="true">side</td>
</tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</body>
</html>
`;

describe('email-safe markup', () => {
  it('survives byte for byte: tables, inline and block styles, conditional comments, VML, Liquid', () => {
    expect(dangers(EMAIL)).toEqual([]);
    expect(sanitizeEmailHtml(EMAIL)).toEqual({ html: EMAIL, changes: [] });
  });

  it('keeps the unbalanced table fragments of Outlook conditionals as they are', () => {
    const open = '<!--[if mso]><table role="presentation" width="600"><tr><td><![endif]-->';
    const close = '<!--[if mso]></td></tr></table><![endif]-->';
    expect(sanitizeEmailHtml(`${open}<p>x</p>${close}`).html).toBe(`${open}<p>x</p>${close}`);
  });

  it('leaves Liquid untouched where HTML rules would mangle it', () => {
    const html = '<p>{% if orders.size > 1 and name != "<b>" %}Many{% else %}One{% endif %}</p><td bgcolor="{{ brand.primary_color | default: "#fff" }}">x</td>';
    expect(sanitizeEmailHtml(html).html).toBe(html);
  });

  it('normalizes sloppy markup to one canonical form', () => {
    expect(sanitizeEmailHtml("<TD ALIGN=center Style='color:red'>a > b &copy;</TD>").html).toBe('<td align="center" style="color:red">a &gt; b ©</td>');
  });

  it('keeps the safe declarations of a style attribute and drops the unsafe ones', () => {
    expect(sanitizeEmailHtml('<p style="color:red;background:url(javascript:alert(1));font-size:14px">x</p>').html).toBe('<p style="color:red;font-size:14px">x</p>');
  });

  it('allows Office tags only inside Outlook conditional comments', () => {
    expect(sanitizeEmailHtml('<v:roundrect href="https://x.example/">a</v:roundrect>').html).toBe('a');
  });

  it('keeps harmless meta tags and removes refreshes', () => {
    const { html } = sanitizeEmailHtml('<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta http-equiv="refresh" content="0;url=https://x.example/">');
    expect(html).toBe('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">');
  });
});

describe('URLs produced by merges', () => {
  it('become # when a merged value turned a link into a script', () => {
    expect(guardRenderedUrls('<a href="java\tscript:alert(1)">a</a><img src=" data:image/png;base64,AA"><a href="https://ok.example/?a=1&amp;b=2">ok</a>')).toBe(
      '<a href="#">a</a><img src="#"><a href="https://ok.example/?a=1&amp;b=2">ok</a>',
    );
  });

  it('decode entities before judging, as the browser will', () => {
    expect(guardRenderedUrls('<a href="&#106;avascript:alert(1)">a</a>')).toBe('<a href="#">a</a>');
  });
});
