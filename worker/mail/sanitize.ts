import { QuoteType, Tokenizer } from 'htmlparser2';
import { LIQUID_MARK, protectLiquid } from './liquid-regions';

/**
 * Tenant HTML is cleaned on save with an allowlist, so what is stored is what may be sent.
 *
 * A streaming allowlist over htmlparser2's tokenizer rather than sanitize-html (which runs in
 * workerd, on the same tokenizer): email HTML needs things sanitize-html cannot give — the doctype,
 * Outlook conditional comments whose content is a deliberately unbalanced fragment
 * (`<!--[if mso]><table><tr><td><![endif]-->` … `<!--[if mso]></td></tr></table><![endif]-->`;
 * sanitize-html closes the first and drops the second), untouched Liquid (`{% if n > 1 %}`,
 * `href="{{ unsubscribe_url }}"`), and CSS checks in `<style>` blocks and style attributes, which
 * sanitize-html passes through unread. Every token is re-serialized in one canonical form (names
 * lower-cased, values double-quoted and escaped), so the browser parses exactly what was checked.
 */
export interface SanitizeResult {
  html: string;
  /** What was removed, for people: "removed <script>", "removed event handler attribute (onclick)". */
  changes: string[];
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

const ALLOWED_TAGS = new Set([
  'html', 'head', 'body', 'meta', 'title', 'style',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'colgroup', 'col',
  'div', 'span', 'p', 'a', 'img', 'br', 'hr', 'center', 'font',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'strong', 'em', 'b', 'i', 'u', 's', 'strike', 'small', 'big', 'sup', 'sub', 'mark', 'abbr', 'cite', 'q', 'del', 'ins', 'wbr',
  'blockquote', 'pre', 'code', 'address', 'figure', 'figcaption', 'time',
  'section', 'article', 'header', 'footer', 'main', 'nav', 'aside',
]);

/** Dropped together with everything inside them: their content is code, a document of its own, or controls. */
const DROP_WITH_CONTENT = new Set([
  'script', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'noembed', 'noframes',
  'svg', 'math', 'textarea', 'xmp', 'select', 'button', 'canvas', 'audio', 'video', 'plaintext', 'portal',
]);

/** Outlook's VML and Office XML (bulletproof buttons, background images, DPI fix) — only inside `<!--[if mso]>`. */
const OFFICE_TAGS = new Set([
  'xml', 'o:officedocumentsettings', 'o:pixelsperinch', 'o:allowpng', 'o:p', 'w:anchorlock',
  'v:roundrect', 'v:rect', 'v:oval', 'v:line', 'v:shape', 'v:fill', 'v:stroke', 'v:shadow', 'v:textbox', 'v:image',
]);

const GLOBAL_ATTRS = new Set(['style', 'class', 'id', 'dir', 'lang', 'title', 'align', 'valign', 'width', 'height', 'bgcolor', 'background', 'border', 'role']);
const TAG_ATTRS: Record<string, readonly string[]> = {
  html: ['xmlns', 'xmlns:v', 'xmlns:o', 'xmlns:w', 'xml:lang'],
  body: ['text', 'link', 'vlink', 'alink', 'leftmargin', 'topmargin', 'marginwidth', 'marginheight'],
  meta: ['charset', 'name', 'content', 'http-equiv'],
  style: ['type', 'media'],
  a: ['href', 'target', 'name', 'rel'],
  img: ['src', 'alt', 'srcset', 'sizes', 'hspace', 'vspace'],
  table: ['cellpadding', 'cellspacing', 'summary', 'frame', 'rules'],
  td: ['colspan', 'rowspan', 'nowrap', 'scope', 'headers', 'abbr'],
  th: ['colspan', 'rowspan', 'nowrap', 'scope', 'headers', 'abbr'],
  col: ['span'],
  colgroup: ['span'],
  font: ['color', 'face', 'size'],
  hr: ['size', 'noshade', 'color'],
  ol: ['start', 'type', 'reversed'],
  ul: ['type'],
  li: ['value', 'type'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  time: ['datetime'],
};
const ATTR_NAME = /^[a-z](?:[a-z0-9]|[:_-](?=[a-z0-9]))*$/;
const HARMLESS_HTTP_EQUIV = new Set(['content-type', 'x-ua-compatible', 'content-language']);

const WEB = ['http', 'https'];
/** Schemes a URL attribute may use; a URL without a scheme (`#top`, `/path`) is always fine. */
const URL_SCHEMES: Record<string, readonly string[]> = {
  href: [...WEB, 'mailto', 'tel', 'sms'],
  src: [...WEB, 'cid'],
  background: [...WEB, 'cid'],
  srcset: [...WEB, 'cid'],
  cite: WEB,
};

/** Browsers ignore control characters and spaces inside a URL's scheme (`jav&#x09;ascript:`). */
const compact = (url: string) => url.replace(/[\x00-\x20\x7f]+/g, '');

/** The scheme a browser would see, lower-cased, or null for a URL without one (`#top`, `/path`). */
function urlScheme(url: string): string | null {
  return /^([a-z][a-z0-9+.-]*):/i.exec(compact(url))?.[1]?.toLowerCase() ?? null;
}

/** Old browsers ran these from odd places (backtick-quoted values, CSS); anywhere in a URL they are refused. */
const SCRIPT_SCHEME = /(?:java|vb|live)script:/i;

const schemeAllowed = (url: string, schemes: readonly string[]) => {
  const scheme = urlScheme(url);
  return (scheme === null || schemes.includes(scheme)) && !SCRIPT_SCHEME.test(compact(url));
};

/**
 * A URL attribute value with Liquid in it (`{{ unsubscribe_url }}`, `https://x.test/?e={{ email }}`)
 * is fine when the literal part cannot form a dangerous scheme: it must pass with the Liquid left
 * out, and text before the first Liquid must itself be a safe start (`java{{ x }}script:` is not).
 * What merges produce at send time is checked again after rendering (guardRenderedUrls).
 */
function urlAllowed(value: string, schemes: readonly string[]): boolean {
  if (!schemeAllowed(value.replace(LIQUID_MARK, ''), schemes)) return false;
  const first = value.search(LIQUID_MARK);
  if (first <= 0) return true;
  const prefix = compact(value.slice(0, first));
  return /^[#/?.]/.test(prefix) || (urlScheme(prefix) !== null && schemeAllowed(prefix, schemes));
}

const srcsetAllowed = (value: string) => value.split(',').every((candidate) => urlAllowed(candidate.trim().split(/\s+/)[0] ?? '', URL_SCHEMES.srcset!));

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', tab: '\t', newline: '\n', colon: ':' };
const decodeEntities = (s: string) =>
  s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));?/gi, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    const cp = dec ? Number(dec) : hex ? parseInt(hex, 16) : -1;
    if (cp >= 0) return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    return NAMED_ENTITIES[name!.toLowerCase()] ?? m;
  });

/**
 * After merging, per recipient: a URL attribute whose value came from a merge (`href="{{ custom.site }}"`)
 * may now hold a script URL. Stored templates are canonical (double-quoted values, merges escaped),
 * so a scan of the attributes is exact; an unsafe value becomes `#`.
 */
export function guardRenderedUrls(html: string): string {
  return html.replace(/(\s(href|src|background|cite|srcset)=")([^"]*)"/gi, (all, before: string, name: string, value: string) => {
    const decoded = decodeEntities(value);
    const lower = name.toLowerCase();
    return (lower === 'srcset' ? srcsetAllowed(decoded) : urlAllowed(decoded, URL_SCHEMES[lower]!)) ? all : `${before}#"`;
  });
}

/** CSS as a browser's tokenizer sees it, for checking only: comments out, escapes decoded, spaces and case gone. */
function normalizeCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, '')
    .replace(/\\([0-9a-f]{1,6})[ \t\n\r\f]?/gi, (_, hex: string) => {
      const cp = parseInt(hex, 16);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    })
    .replace(/\\([^\n])/g, '$1')
    .replace(/[\x00-\x20\x7f]+/g, '')
    .toLowerCase();
}

/** Why this CSS is unsafe (script URLs, IE expressions, bindings, imports, non-web url()), or null. */
function cssDanger(css: string): string | null {
  const n = normalizeCss(css);
  if (n.includes('@import')) return 'removed @import from CSS';
  if (/expression\(|-moz-binding|behaviou?r:|javascript:|vbscript:|livescript:/.test(n)) return 'removed script from CSS';
  for (const m of n.matchAll(/(?:url|image|image-set|-webkit-image-set)\(["']?([^"')]*)/g)) {
    if (!schemeAllowed(m[1] ?? '', [...WEB, 'cid'])) return 'removed a non-web url() from CSS';
  }
  return null;
}

/**
 * Keeps the safe parts of CSS: splits at `;`, `{` and `}` (keeping them) and drops each unsafe
 * piece. The result is checked whole once more, since a construct could span pieces; if it still is
 * unsafe, nothing is kept. In a style block `<` is escaped, so no `</style>` can ever appear inside.
 */
function cleanCss(css: string, changes: Set<string>, block: boolean): string {
  const escape = (s: string) => (block ? s.replace(/</g, '\\3c ') : s);
  if (block && css.includes('<')) changes.add('escaped "<" in a style block (it could end the block)');
  const problem = cssDanger(css);
  if (!problem) return escape(css);
  changes.add(problem);
  const kept = css
    .split(/([;{}])/)
    .filter((piece) => !cssDanger(piece))
    .join('')
    .replace(/(^|[;{])\s*;/g, '$1');
  return cssDanger(kept) ? '' : escape(kept);
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\u00a0/g, '&nbsp;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

const CONDITION = /^[!()|& a-z0-9.]+$/i;

interface Tag {
  name: string;
  attrs: [string, string | null][];
}

/**
 * Sanitizes one markup string. `inConditional` is true for the content of an Outlook conditional
 * comment: only there are Office/VML tags allowed, and no doctype or further comments.
 */
function sanitizeMarkup(input: string, inConditional: boolean, changes: Set<string>): string {
  let out = '';
  let tag: Tag | null = null;
  let attrName = '';
  let attrValue = '';
  /** While dropping an element with its content: its name and how deeply it is nested in itself. */
  let skip: { name: string; depth: number } | null = null;
  /** Inside an allowed <style>: its CSS, cleaned once the element closes. */
  let css: string | null = null;
  const slice = (start: number, end: number) => input.slice(start, end);

  const tagAllowed = (lower: string) => ALLOWED_TAGS.has(lower) || (inConditional && OFFICE_TAGS.has(lower));

  function attributesOf(lower: string, t: Tag): string | null {
    const office = !ALLOWED_TAGS.has(lower);
    let result = '';
    const seen = new Set<string>();
    for (const [name, value] of t.attrs) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (name.startsWith('on') || !ATTR_NAME.test(name)) {
        changes.add(name.startsWith('on') ? `removed event handler attribute (${name.slice(0, 30)})` : 'removed invalid attribute names');
        continue;
      }
      const listed = office || GLOBAL_ATTRS.has(name) || TAG_ATTRS[lower]?.includes(name) || name.startsWith('data-') || name.startsWith('aria-');
      if (!listed) {
        changes.add(`removed attribute ${name} from <${lower}>`);
        continue;
      }
      if (value === null) {
        result += ` ${name}`;
        continue;
      }
      const schemes = URL_SCHEMES[name];
      const literal = value.replace(LIQUID_MARK, '');
      // A script URL in any other attribute is refused too: some clients treat unexpected attributes as links.
      const urlOk = name === 'srcset' ? srcsetAllowed(value) : schemes ? urlAllowed(value, schemes) : name === 'style' || !SCRIPT_SCHEME.test(compact(literal));
      if (!urlOk) {
        changes.add(`removed ${urlScheme(literal) ?? 'unsafe'}: URL from ${name}`);
        continue;
      }
      let v = value;
      if (name === 'style') {
        v = cleanCss(value, changes, false);
        if (!v.trim()) continue;
      }
      if (lower === 'meta' && name === 'http-equiv' && !HARMLESS_HTTP_EQUIV.has(value.trim().toLowerCase())) return null;
      result += ` ${name}="${escapeAttr(v)}"`;
    }
    return result;
  }

  function openTag(selfClosing: boolean) {
    const t = tag!;
    tag = null;
    const lower = t.name.toLowerCase();
    if (skip) {
      if (lower === skip.name && !selfClosing && !VOID.has(lower)) skip.depth++;
      return;
    }
    if (DROP_WITH_CONTENT.has(lower)) {
      changes.add(`removed <${lower}>`);
      if (!selfClosing && !VOID.has(lower)) skip = { name: lower, depth: 1 };
      return;
    }
    if (!tagAllowed(lower)) {
      changes.add(lower === 'link' ? 'removed <link> (external stylesheets are not allowed)' : `removed <${lower.slice(0, 30)}>`);
      return;
    }
    const attrs = attributesOf(lower, t);
    if (attrs === null) {
      changes.add('removed <meta http-equiv> (only content-type and x-ua-compatible are allowed)');
      return;
    }
    // Office XML is case-sensitive for Outlook (<o:PixelsPerInch>); HTML names are not.
    const name = OFFICE_TAGS.has(lower) ? t.name : lower;
    out += `<${name}${attrs}${selfClosing ? ' />' : '>'}`;
    if (lower === 'style' && !selfClosing) css = '';
  }

  function closeTag(raw: string) {
    const lower = raw.toLowerCase();
    if (skip) {
      if (lower === skip.name && --skip.depth === 0) skip = null;
      return;
    }
    if (css !== null && lower === 'style') {
      out += cleanCss(css, changes, true);
      css = null;
    }
    if (tagAllowed(lower) && !DROP_WITH_CONTENT.has(lower)) out += `</${OFFICE_TAGS.has(lower) ? raw : lower}>`;
  }

  function text(value: string) {
    if (skip) return;
    if (css !== null) css += value;
    else out += escapeText(value);
  }

  function comment(data: string) {
    if (skip) return;
    const hidden = /^\[if ([^\]]+)\]>([\s\S]*)<!\[endif\]$/.exec(data);
    const revealedStart = /^\[if ([^\]]+)\]><!$/.exec(data);
    if (!inConditional && hidden && CONDITION.test(hidden[1]!)) {
      const inner = sanitizeMarkup(hidden[2]!, true, changes);
      // Browsers see one comment: nothing inside may end it early.
      if (!/--!?>/.test(inner)) out += `<!--[if ${hidden[1]}]>${inner}<![endif]-->`;
      return;
    }
    if (!inConditional && revealedStart && CONDITION.test(revealedStart[1]!)) {
      out += `<!--[if ${revealedStart[1]}]><!-->`;
      return;
    }
    if (!inConditional && data === '<![endif]') {
      out += '<!--<![endif]-->';
      return;
    }
    changes.add('removed HTML comments');
  }

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = { name: slice(start, end), attrs: [] };
      },
      onattribname(start, end) {
        attrName = slice(start, end).toLowerCase();
        attrValue = '';
      },
      onattribdata(start, end) {
        attrValue += slice(start, end);
      },
      onattribentity(cp) {
        attrValue += String.fromCodePoint(cp);
      },
      onattribend(quote) {
        tag?.attrs.push([attrName, quote === QuoteType.NoValue ? null : attrValue]);
      },
      onopentagend() {
        if (tag) openTag(false);
      },
      onselfclosingtag() {
        if (tag) openTag(true);
      },
      onclosetag(start, end) {
        closeTag(slice(start, end));
      },
      ontext(start, end) {
        text(slice(start, end));
      },
      ontextentity(cp) {
        text(String.fromCodePoint(cp));
      },
      oncomment(start, end, offset) {
        comment(slice(start, end - offset));
      },
      ondeclaration(start, end) {
        const value = slice(start, end);
        if (!inConditional && !skip && /^doctype\s+html\b[^<>]*$/i.test(value)) out += `<!${value}>`;
        else changes.add('removed a declaration');
      },
      onprocessinginstruction() {
        changes.add('removed a processing instruction');
      },
      oncdata() {
        changes.add('removed a CDATA section');
      },
      onend() {
        if (tag) changes.add('removed an unfinished tag at the end');
      },
    },
  );
  tokenizer.write(input);
  tokenizer.end();
  // An unclosed <style> would swallow whatever is appended later (the footer): close it here.
  if (css !== null) out += `${cleanCss(css, changes, true)}</style>`;
  return out;
}

/** Cleans tenant HTML for email. Liquid (`{{ … }}`, `{% … %}`) passes through byte for byte. */
export function sanitizeEmailHtml(html: string): SanitizeResult {
  const changes = new Set<string>();
  const { text, restore } = protectLiquid(html);
  const out = restore(sanitizeMarkup(text, false, changes));
  return { html: out, changes: [...changes] };
}
