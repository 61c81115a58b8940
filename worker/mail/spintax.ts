import { liquidRegionAt } from './liquid-regions';

/**
 * Spintax: `{Hi|Hello|Hey}` picks one option per message, so a campaign does not send thousands of
 * byte-identical bodies. Groups become Liquid `case` tags over a hidden variable, so a template is
 * still parsed once and each recipient's choice is made at render time from a seed (the message or
 * contact id): the same seed always gives the same message, which "view online" relies on.
 *
 * What counts as a group: `{`…`}` with at least one `|`, no braces inside except whole Liquid
 * (`{Hi {{ first_name }}|Hello}`), skipping Liquid itself and `<style>` blocks (CSS braces). In
 * HTML a group may not contain `<`, `>` or `"`: it then lies inside one text run or one attribute
 * value, so choosing an option can never change the markup around it.
 */
export interface SpintaxGroup {
  /** The group's source, which (with the seed) decides the choice: equal groups in the HTML and text parts agree. */
  source: string;
  options: number;
}

export const SPIN_VARIABLE = '_spin';

function styleBlockEnd(s: string, i: number): number {
  if (!/^<style[\s>]/i.test(s.slice(i, i + 7))) return -1;
  const close = s.toLowerCase().indexOf('</style', i);
  return close === -1 ? s.length : close;
}

/** The options of the group starting at `i`, and where it ends, or null when `{` does not start one. */
function groupAt(s: string, i: number, html: boolean): { options: string[]; end: number } | null {
  const options: string[] = [];
  let current = '';
  let j = i + 1;
  while (j < s.length) {
    const region = liquidRegionAt(s, j);
    if (region) {
      current += s.slice(region.start, region.end);
      j = region.end;
      continue;
    }
    const c = s[j]!;
    if (c === '}') {
      options.push(current);
      return options.length > 1 ? { options, end: j + 1 } : null;
    }
    if (c === '{' || (html && (c === '<' || c === '>' || c === '"'))) return null;
    if (c === '|') {
      options.push(current);
      current = '';
    } else current += c;
    j++;
  }
  return null;
}

/** The source with every group turned into a Liquid `case` over `_spin[n]`, and the groups in order. */
export function compileSpintax(source: string, opts: { html: boolean }): { liquid: string; groups: SpintaxGroup[] } {
  const groups: SpintaxGroup[] = [];
  let liquid = '';
  let i = 0;
  while (i < source.length) {
    const region = liquidRegionAt(source, i);
    const styleEnd = opts.html && source[i] === '<' ? styleBlockEnd(source, i) : -1;
    const skipTo = region ? region.end : styleEnd !== -1 ? styleEnd : -1;
    if (skipTo !== -1) {
      liquid += source.slice(i, skipTo);
      i = skipTo;
      continue;
    }
    const group = source[i] === '{' ? groupAt(source, i, opts.html) : null;
    if (!group) {
      liquid += source[i];
      i++;
      continue;
    }
    const n = groups.length;
    const [first, ...rest] = group.options;
    liquid += `{% case ${SPIN_VARIABLE}[${n}] %}${rest.map((o, k) => `{% when ${k + 1} %}${o}`).join('')}{% else %}${first}{% endcase %}`;
    groups.push({ source: source.slice(i, group.end), options: group.options.length });
    i = group.end;
  }
  return { liquid, groups };
}

/** FNV-1a: small, fast and stable everywhere; no secrecy is needed, only spread. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The option index of each group for this seed. */
export function spinChoices(groups: SpintaxGroup[], seed: string): number[] {
  return groups.map((g) => hash32(`${seed}\u0000${g.source}`) % g.options);
}
