import { parseHTML } from 'linkedom';
import { isHttpUrl } from './tracking-tokens';

/**
 * The per-recipient HTML pass, done in one parse: rewrite tracked links to signed click URLs, then add
 * the compliance footer, the open pixel and the hidden preheader. Everything else (doctype, Outlook
 * conditional comments, VML, tables, inline styles) is serialized back as it came.
 */
export interface HtmlPass {
  /** Signs a click URL for an http(s) target; absent when the message does not track clicks. */
  clickUrl?: (target: string, linkIndex: number) => Promise<string>;
  /** Links under this prefix are Edgepost's own signed URLs (unsubscribe, preferences, view online): left as they are. */
  ownUrlPrefix: string;
  footerHtml?: string;
  pixelUrl?: string;
  preheader?: string;
}

/**
 * The URL a click should lead to, or null when the link is not tracked: only absolute http(s) URLs
 * qualify (never `mailto:`, `tel:`, `#anchor`, relative or `javascript:` links). Liquid output often
 * leaves whitespace or line breaks around a URL; browsers strip them, and so does the URL parser.
 */
export function clickTarget(href: string): string | null {
  const value = href.trim();
  if (!/^https?:/i.test(value) || !isHttpUrl(value)) return null;
  return new URL(value).href;
}

export async function prepareHtml(html: string, pass: HtmlPass): Promise<string> {
  const { document } = parseHTML(withBody(html));
  const body = document.body;
  const own = new URL(pass.ownUrlPrefix).href;

  const tracked: { link: Element; target: string }[] = [];
  for (const link of document.querySelectorAll('a[href], area[href]')) {
    // SendGrid's `clicktracking="off"` is honoured too, so templates moved from there keep their opt-outs.
    const optedOut = link.hasAttribute('data-no-track') || link.getAttribute('clicktracking')?.toLowerCase() === 'off';
    link.removeAttribute('data-no-track');
    link.removeAttribute('clicktracking');
    const target = clickTarget(link.getAttribute('href') ?? '');
    if (optedOut || !target || target.startsWith(own)) continue;
    tracked.push({ link, target });
  }
  if (pass.clickUrl) {
    const urls = await Promise.all(tracked.map(({ target }, i) => pass.clickUrl!(target, i)));
    tracked.forEach(({ link }, i) => link.setAttribute('href', urls[i]!));
    await rewriteOutlookLinks(document, own, pass.clickUrl, tracked.length);
  }

  if (pass.footerHtml) body.insertAdjacentHTML('beforeend', pass.footerHtml);
  if (pass.pixelUrl) {
    const img = document.createElement('img');
    img.setAttribute('src', pass.pixelUrl);
    img.setAttribute('width', '1');
    img.setAttribute('height', '1');
    img.setAttribute('alt', '');
    img.setAttribute('style', 'display:block;width:1px;height:1px;border:0;margin:0;padding:0');
    body.appendChild(img);
  }
  if (pass.preheader) {
    const span = document.createElement('span');
    span.setAttribute(
      'style',
      'display:none!important;visibility:hidden;mso-hide:all;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;color:transparent',
    );
    span.textContent = pass.preheader;
    body.insertBefore(span, body.firstChild);
  }
  return serialize(document);
}

/** `href="…"` in the markup inside a comment (VML buttons: `<v:roundrect href=…>`), entity-encoded as HTML. */
const COMMENT_HREF = /(\bhref\s*=\s*)(["'])([^"']*)\2/gi;

/**
 * Outlook for Windows renders the markup inside `<!--[if mso]>…<![endif]-->` (bulletproof VML buttons);
 * to the parser it is comment text. Its links are rewritten there, numbered after the document's, or
 * the clicks of Outlook users on buttons would go uncounted.
 */
async function rewriteOutlookLinks(document: Document, own: string, clickUrl: NonNullable<HtmlPass['clickUrl']>, firstIndex: number) {
  const comments: Comment[] = [];
  const collect = (node: Node) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 8) {
        if (/^\s*\[if\b/i.test((child as Comment).data)) comments.push(child as Comment);
      } else collect(child);
    }
  };
  collect(document);
  let index = firstIndex;
  for (const comment of comments) {
    const found = [...comment.data.matchAll(COMMENT_HREF)].map((m) => clickTarget(m[3]!.replaceAll('&amp;', '&'))).map((target) =>
      target && !target.startsWith(own) ? clickUrl(target, index++) : null,
    );
    if (!found.some(Boolean)) continue;
    const urls = await Promise.all(found);
    let i = 0;
    comment.data = comment.data.replace(COMMENT_HREF, (match, attr: string, quote: string) => {
      const url = urls[i++];
      return url ? `${attr}${quote}${url}${quote}` : match;
    });
  }
}

/** A fragment gets a minimal document around it; a document without `<body>` gets one, so the footer lands inside. */
function withBody(html: string): string {
  if (/<body[\s>]/i.test(html)) return html;
  if (!/<html[\s>]/i.test(html)) return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`;
  const afterHead = html.search(/<\/head\s*>/i);
  const open = afterHead >= 0 ? html.indexOf('>', afterHead) + 1 : html.indexOf('>', html.search(/<html[\s>]/i)) + 1;
  const close = html.search(/<\/html\s*>/i);
  const end = close >= 0 ? close : html.length;
  return `${html.slice(0, open)}<body>${html.slice(open, end)}</body>${html.slice(end)}`;
}

// linkedom writes HTML attribute values with only `"` escaped, so a value that was `&amp;lt;` in the
// source would come back as `&lt;` and be read as an entity. A private-use sentinel stands for `&`
// in attribute values during serialization and is written back as `&amp;`.
const AMP_SENTINEL = '\uE000edgepost-amp\uE000';

function serialize(document: Document): string {
  let escaped = false;
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      if (attr.value.includes('&')) {
        attr.value = attr.value.replaceAll('&', AMP_SENTINEL);
        escaped = true;
      }
    }
  }
  const out = document.toString();
  return escaped ? out.replaceAll(AMP_SENTINEL, '&amp;') : out;
}
