import { describe, expect, it } from 'vitest';
import { clickTarget, prepareHtml } from './link-rewriting';
import { trackingUrl, verifyTrackingToken } from './tracking-tokens';

const KEYS = 'k1:link-test-secret-link-test-secret-0123';
const BASE = 'https://api.edgepost.test';
const recipient = { tenantId: 'ten_1', messageId: 'msg_1', contactId: 'con_1' };
const clickUrl = (url: string, linkIndex: number) => trackingUrl(BASE, KEYS, { ...recipient, kind: 'c', url, linkIndex });
const pass = { clickUrl, ownUrlPrefix: `${BASE}/t/` };

const hrefs = (html: string) => [...html.matchAll(/<a [^>]*?href="([^"]*)"/g)].map((m) => m[1]!);
const tokenOf = (href: string) => href.slice(`${BASE}/t/c/`.length);

describe('link rewriting', () => {
  it('rewrites every http(s) link to a signed click URL that verifies to its target and position', async () => {
    const html = await prepareHtml('<p><a href="https://a.example/x?q=1">A</a> <a href="http://b.example/">B</a> <a href="https://a.example/x?q=1">A again</a></p>', pass);
    const links = hrefs(html);
    expect(links).toHaveLength(3);
    const payloads = await Promise.all(links.map((href) => verifyTrackingToken(KEYS, tokenOf(href), 'c')));
    expect(payloads.map((p) => [p?.url, p?.linkIndex])).toEqual([
      ['https://a.example/x?q=1', 0],
      ['http://b.example/', 1],
      ['https://a.example/x?q=1', 2],
    ]);
    expect(payloads[0]).toMatchObject(recipient);
  });

  it('leaves mailto:, tel:, anchors, relative, javascript: and opted-out links alone, and strips the opt-out markers', async () => {
    const exempt = [
      '<a href="mailto:hello@acme.example?subject=Hi">mail</a>',
      '<a href="tel:+15551234567">call</a>',
      '<a href="#top">top</a>',
      '<a href="/relative/path">relative</a>',
      '<a href="javascript:alert(document.cookie)">xss</a>',
      '<a href=" JavaScript:alert(1)">xss</a>',
      '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
      '<a href="{{ unrendered }}">liquid</a>',
    ];
    const optedOut = ['<a href="https://private.example/" data-no-track>private</a>', '<a href="https://sg.example/" clicktracking="off">sg</a>'];
    const html = await prepareHtml(`<div>${[...exempt, ...optedOut].join('')}</div>`, pass);
    expect(hrefs(html)).toEqual([
      'mailto:hello@acme.example?subject=Hi',
      'tel:+15551234567',
      '#top',
      '/relative/path',
      'javascript:alert(document.cookie)',
      ' JavaScript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      '{{ unrendered }}',
      'https://private.example/',
      'https://sg.example/',
    ]);
    expect(html).not.toMatch(/data-no-track|clicktracking/);
    expect(html).not.toContain('/t/c/');
  });

  it('leaves Edgepost’s own unsubscribe, preference and view-online links alone', async () => {
    const own = [`${BASE}/t/u/abc.k1.def`, `${BASE}/t/p/abc.k1.def`, `${BASE}/t/v/abc.k1.def`];
    const html = await prepareHtml(own.map((u) => `<a href="${u}">x</a>`).join(''), pass);
    expect(hrefs(html)).toEqual(own);
  });

  it('tracks Liquid-rendered hrefs with surrounding whitespace and entities, keeping the decoded target', async () => {
    const html = await prepareHtml('<a href="\n   https://shop.example/item?id=7&amp;ref=mail  \n">item</a>', pass);
    const [href] = hrefs(html);
    expect((await verifyTrackingToken(KEYS, tokenOf(href!), 'c'))?.url).toBe('https://shop.example/item?id=7&ref=mail');
  });

  it('changes nothing in links when clicks are not tracked, but still drops the opt-out markers', async () => {
    const html = await prepareHtml('<a href="https://a.example/" data-no-track>a</a><a href="https://b.example/">b</a>', { ownUrlPrefix: `${BASE}/t/` });
    expect(hrefs(html)).toEqual(['https://a.example/', 'https://b.example/']);
    expect(html).not.toContain('data-no-track');
  });

  it('keeps the document intact: doctype, Outlook conditional comments, VML, tables and escaped attributes', async () => {
    const source = [
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
      '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">',
      '<head><meta charset="utf-8"><!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->',
      '<style>td > a { color: #f00 }</style></head>',
      '<body><!--[if mso]><table role="presentation" width="600"><tr><td><![endif]-->',
      '<!--[if mso]><v:roundrect href="https://vml.example/" arcsize="10%"><center>Go</center></v:roundrect><![endif]-->',
      '<!--[if !mso]><!--><table role="presentation" cellpadding="0"><tr><td nowrap bgcolor="#ffffff">',
      '<img src="https://cdn.example/logo.png" alt="Tom &amp; Jerry &amp;lt;3"> café &amp; crème &lt;b&gt;',
      '</td></tr></table><!--<![endif]-->',
      '<!--[if mso]></td></tr></table><![endif]--></body></html>',
    ].join('\n');
    const html = await prepareHtml(source, pass);
    expect(html.startsWith('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"')).toBe(true);
    expect(html).toContain('xmlns:v="urn:schemas-microsoft-com:vml"');
    expect(html).toContain('<!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->');
    // Conditional comments keep their markup; only the VML button's link becomes a tracked one (Outlook reads it).
    const vml = /<!--\[if mso\]><v:roundrect href="([^"]+)" arcsize="10%"><center>Go<\/center><\/v:roundrect><!\[endif\]-->/.exec(html);
    expect(await verifyTrackingToken(KEYS, tokenOf(vml![1]!), 'c')).toMatchObject({ url: 'https://vml.example/', linkIndex: 0 });
    expect(html).toContain('<!--[if !mso]><!--><table role="presentation" cellpadding="0"><tr><td nowrap="" bgcolor="#ffffff">');
    expect(html).toContain('<style>td > a { color: #f00 }</style>');
    expect(html).toContain('alt="Tom &amp; Jerry &amp;lt;3"');
    expect(html).toContain('café &amp; crème &lt;b&gt;');
    expect(html).toContain('<!--<![endif]-->');
  });

  it('tracks the links of Outlook-only VML buttons, numbered after the document’s, and leaves other comments alone', async () => {
    const html = await prepareHtml(
      [
        '<p><a href="https://a.example/">A</a></p>',
        '<!--[if mso]><v:roundrect href="https://shop.example/?a=1&amp;b=2"><center>Buy</center></v:roundrect><v:rect href=\'mailto:x@y.example\'></v:rect><![endif]-->',
        '<!-- a note with href="https://not-a-link.example/" -->',
      ].join(''),
      pass,
    );
    const vml = /<v:roundrect href="([^"]+)">/.exec(html)![1]!;
    expect(await verifyTrackingToken(KEYS, tokenOf(vml), 'c')).toMatchObject({ url: 'https://shop.example/?a=1&b=2', linkIndex: 1 });
    expect(html).toContain(`<v:rect href='mailto:x@y.example'></v:rect>`);
    expect(html).toContain('<!-- a note with href="https://not-a-link.example/" -->');
    // Without click tracking the comment is untouched.
    const untracked = await prepareHtml('<!--[if mso]><v:roundrect href="https://shop.example/"></v:roundrect><![endif]-->', { ownUrlPrefix: pass.ownUrlPrefix });
    expect(untracked).toContain('<v:roundrect href="https://shop.example/">');
  });

  it('adds the open pixel as the last element of the body and the preheader as the first', async () => {
    const html = await prepareHtml('<!DOCTYPE html><html><head></head><body><p>Hi</p></body></html>', {
      ...pass,
      pixelUrl: `${BASE}/t/o/tok`,
      preheader: 'Spring <sale> & more',
      footerHtml: '<p id="footer">Footer</p>',
    });
    const body = html.slice(html.indexOf('<body>') + 6, html.indexOf('</body>'));
    expect(body).toMatch(/^<span style="display:none[^"]*mso-hide:all[^"]*">Spring &lt;sale&gt; &amp; more<\/span><p>Hi<\/p><p id="footer">Footer<\/p><img [^>]*>$/);
    const pixel = body.slice(body.lastIndexOf('<img'));
    for (const attr of [`src="${BASE}/t/o/tok"`, 'width="1"', 'height="1"', 'alt=""']) expect(pixel).toContain(attr);
    expect(pixel).toMatch(/style="display:block[^"]*"/);
  });

  it('wraps a fragment in a document so the footer and pixel land inside a body', async () => {
    for (const source of ['<p>Just a fragment</p>', '<html><head><title>t</title></head><p>No body tag</p></html>']) {
      const html = await prepareHtml(source, { ...pass, pixelUrl: `${BASE}/t/o/tok`, footerHtml: '<p>Footer</p>' });
      expect(html).toMatch(/<body><p>(Just a fragment|No body tag)<\/p><p>Footer<\/p><img [^>]*><\/body><\/html>$/);
    }
  });
});

describe('click targets', () => {
  it('are absolute http(s) URLs only', () => {
    expect(clickTarget('  https://Example.com/a b  ')).toBe('https://example.com/a%20b');
    expect(clickTarget('HTTP://example.com')).toBe('http://example.com/');
    for (const href of ['javascript:alert(1)', 'java\nscript:alert(1)', 'https://', 'ftp://x.example/', 'mailto:a@b.example', '//x.example', '']) {
      expect(clickTarget(href)).toBeNull();
    }
  });
});
