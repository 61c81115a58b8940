/**
 * Where Liquid sits in a template: `{{ … }}` outputs and `{% … %}` tags, scanned left to right.
 * The sanitizer and spintax both need to leave these alone byte for byte (`{% if n > 1 %}`,
 * `{{ name | default: "there" }}` are not HTML, and their braces are not spintax).
 */
export interface Region {
  start: number;
  /** Exclusive. */
  end: number;
}

export function liquidRegionAt(s: string, i: number): Region | null {
  if (s[i] !== '{' || (s[i + 1] !== '{' && s[i + 1] !== '%')) return null;
  const close = s[i + 1] === '{' ? '}}' : '%}';
  const end = s.indexOf(close, i + 2);
  return end === -1 ? null : { start: i, end: end + 2 };
}

/** Private-use characters mark where a region was; they cannot come from the input (removed first). */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';

/**
 * Replaces each Liquid region with a short inert marker (`\uE000<n>\uE001`), so markup-level code
 * can work on the rest; `restore` puts the original Liquid back wherever its marker survived.
 */
export function protectLiquid(input: string) {
  const source = input.replace(/[\uE000\uE001]/g, '');
  const regions: string[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const next = source.indexOf('{', i);
    if (next === -1) break;
    const region = liquidRegionAt(source, next);
    if (!region) {
      text += source.slice(i, next + 1);
      i = next + 1;
      continue;
    }
    text += source.slice(i, next) + MARK_OPEN + regions.length + MARK_CLOSE;
    regions.push(source.slice(region.start, region.end));
    i = region.end;
  }
  text += source.slice(i);
  return {
    text,
    restore: (marked: string) => marked.replace(/\uE000(\d+)\uE001/g, (_, n: string) => regions[Number(n)] ?? ''),
  };
}

/** The markers protectLiquid leaves, for code that must look past them. */
export const LIQUID_MARK = /\uE000\d+\uE001/g;
