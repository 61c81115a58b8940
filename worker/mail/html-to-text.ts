import { parseHTML } from 'linkedom';

/**
 * The plain-text part from email HTML: readable in a text-only client and by spam filters, which
 * score an HTML message without a sensible text part. Runs once per template version (Liquid in the
 * HTML stays as written and is merged into the text afterwards), so clarity beats speed here.
 */

const SKIP = new Set(['head', 'style', 'script', 'title', 'template', 'noscript']);
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'blockquote', 'pre', 'dl', 'figure', 'address']);
const LINE = new Set(['div', 'tr', 'li', 'center', 'section', 'article', 'header', 'footer', 'main', 'nav', 'aside', 'dt', 'dd', 'figcaption', 'caption']);

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}

const PARAGRAPH_BREAK = '\u0000P';
const LINE_BREAK = '\u0000L';
/** List nesting; survives the trimming of lines and becomes two spaces at the end. */
const INDENT = '\u0001';

function hidden(el: DomNode): boolean {
  const style = (el.getAttribute?.('style') ?? '').replace(/\s+/g, '').toLowerCase();
  return /(?:^|;)display:none/.test(style) || el.getAttribute?.('hidden') !== null || el.getAttribute?.('aria-hidden') === 'true';
}

const collapse = (s: string) => s.replace(/[ \t\r\n\f]+/g, ' ');
const normalizeUrl = (s: string) => s.trim().replace(/^mailto:/i, '').replace(/\/$/, '');

class TextWriter {
  out = '';
  private lists: { ordered: boolean; n: number }[] = [];

  node(n: DomNode, pre: boolean) {
    if (n.nodeType === 3) this.out += pre ? (n.textContent ?? '') : collapse(n.textContent ?? '');
    else if (n.nodeType === 1) this.element(n, pre);
  }

  children(n: DomNode, pre: boolean) {
    for (let i = 0; i < n.childNodes.length; i++) this.node(n.childNodes[i]!, pre);
  }

  element(el: DomNode, pre: boolean) {
    const tag = el.nodeName.toLowerCase();
    if (SKIP.has(tag) || hidden(el)) return;
    const attr = (name: string) => el.getAttribute?.(name)?.trim() ?? '';
    switch (tag) {
      case 'br':
        this.out += LINE_BREAK;
        return;
      case 'hr':
        this.out += `${PARAGRAPH_BREAK}----------${PARAGRAPH_BREAK}`;
        return;
      case 'img': {
        const alt = collapse(attr('alt')).trim();
        if (alt) this.out += ` ${alt} `;
        return;
      }
      case 'a': {
        const start = this.out.length;
        this.children(el, pre);
        const label = collapse(this.out.slice(start).replace(/\u0000[PL]/g, ' ')).trim();
        const href = attr('href');
        if (href && !href.startsWith('#') && normalizeUrl(href) !== normalizeUrl(label)) this.out += label ? ` (${href})` : href;
        return;
      }
      case 'td':
      case 'th':
        this.out += ' ';
        this.children(el, pre);
        this.out += ' ';
        return;
      case 'ul':
      case 'ol': {
        // A nested list continues its item's lines; a top-level one is a paragraph.
        const brk = this.lists.length ? LINE_BREAK : PARAGRAPH_BREAK;
        this.lists.push({ ordered: tag === 'ol', n: 0 });
        this.out += brk;
        this.children(el, pre);
        this.out += brk;
        this.lists.pop();
        return;
      }
      case 'li': {
        const list = this.lists[this.lists.length - 1];
        const depth = Math.max(0, this.lists.length - 1);
        const bullet = list?.ordered ? `${++list.n}.` : '-';
        this.out += `${LINE_BREAK}${INDENT.repeat(depth)}${bullet} `;
        this.children(el, pre);
        this.out += LINE_BREAK;
        return;
      }
    }
    const brk = PARAGRAPH.has(tag) ? PARAGRAPH_BREAK : LINE.has(tag) ? LINE_BREAK : '';
    this.out += brk;
    this.children(el, pre || tag === 'pre');
    this.out += brk;
  }
}

/**
 * A run of breaks (with only spaces between) is one newline, or a blank line if any of them is a
 * paragraph break; then lines are trimmed and inner spaces collapsed.
 */
function layout(raw: string): string {
  return raw
    .replace(/[ \t\r\n\u00a0]*\u0000[PL](?:[ \t\r\n\u00a0]*\u0000[PL])*[ \t\r\n\u00a0]*/g, (run) => (run.includes(PARAGRAPH_BREAK) ? '\n\n' : '\n'))
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim().replaceAll(INDENT, '  '))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function htmlToText(html: string): string {
  const source = /<html[\s>]/i.test(html) ? html : `<html><body>${html}</body></html>`;
  const { document } = parseHTML(source);
  const root = document.documentElement as unknown as DomNode | null;
  if (!root) return '';
  const writer = new TextWriter();
  writer.children(root, false);
  return layout(writer.out);
}
