import { Context, ForTag, Liquid, LiquidError, TablerowTag, Tag, toValue, type Emitter, type Template } from 'liquidjs';
import { htmlToText } from './html-to-text';
import type { MergeVariables } from './merge-variables';
import { guardRenderedUrls } from './sanitize';
import { compileSpintax, SPIN_VARIABLE, spinChoices, type SpintaxGroup } from './spintax';

/**
 * Merge tags: Liquid over one recipient's variables (contact, custom fields, workspace, links),
 * plus spintax. A template is compiled once (`compileTemplate`) and rendered per recipient
 * (`render`), by the preview and by the campaign sender alike.
 *
 * Limits. Tenant templates run on our CPU, so every render is bounded: a step budget (each block
 * body rendered, each loop iteration, counts one), liquidjs's memory accounting (strings built by
 * filters and every output, and here also everything a loop body writes), and the output size.
 * liquidjs's own time limit (`renderLimit`) cannot work in a Worker: the clock does not advance
 * while code runs, so the budgets above are counted, not timed — which also makes them deterministic.
 */
export const TEMPLATE_LIMITS = {
  /** Largest source of one part (subject, preheader, HTML, text) and largest rendered part, in characters. */
  chars: 512 * 1024,
  /** Block renders per part: ample for any layout, a wall for a loop that runs away. */
  steps: 20_000,
  /** liquidjs memory units (≈ characters) per part. */
  memory: 4_000_000,
} as const;

export type TemplatePart = 'subject' | 'preheader' | 'html' | 'text';

export class TemplateError extends Error {
  constructor(
    readonly part: TemplatePart,
    message: string,
    readonly line?: number,
    readonly column?: number,
    /** True when a limit stopped the render (a runaway loop, too much output). */
    readonly limit = false,
  ) {
    super(message);
  }
}

class LimitExceeded extends Error {}

/** Counts steps instead of timing them (see above); liquidjs calls check() before each block and template. */
class StepBudget {
  private steps = 0;
  use() {}
  check() {
    if (++this.steps > TEMPLATE_LIMITS.steps) throw new LimitExceeded(`The template did more than ${TEMPLATE_LIMITS.steps} render steps (a loop running away?).`);
  }
}

const text = (v: unknown): string => {
  const value = toValue(v);
  return value === null || value === undefined ? '' : Array.isArray(value) ? value.map(text).join('') : String(value);
};

/** Everything a loop body writes is charged to the memory budget, so a loop cannot multiply literal HTML unboundedly. */
function chargedEmitter(ctx: Context, inner: Emitter): Emitter {
  return {
    write(html: unknown) {
      ctx.memoryLimit.use(text(html).length);
      inner.write(html);
    },
    get buffer() {
      return inner.buffer;
    },
    set buffer(value: string) {
      inner.buffer = value;
    },
  };
}

class ChargedFor extends ForTag {
  override *render(ctx: Context, emitter: Emitter) {
    return yield* super.render(ctx, chargedEmitter(ctx, emitter));
  }
}

class ChargedTablerow extends TablerowTag {
  override *render(ctx: Context, emitter: Emitter) {
    return yield* super.render(ctx, chargedEmitter(ctx, emitter));
  }
}

/** Templates are self-contained: no files to include, render or extend. */
class Unavailable extends Tag {
  constructor(...args: ConstructorParameters<typeof Tag>) {
    super(...args);
    throw new Error(`{% ${args[0].name} %} is not available in email templates`);
  }
  *render() {}
}

function engine(html: boolean): Liquid {
  const liquid = new Liquid({
    strictFilters: true,
    ownPropertyOnly: true,
    // Contact values are data, never markup: HTML output is always escaped. Plain-text parts are
    // not, but each output is still charged to the memory budget.
    outputEscape: html
      ? 'escape'
      : function (this: { context: Context }, value: unknown): string {
          const out = text(value);
          this.context.memoryLimit.use(out.length);
          return out;
        },
    parseLimit: TEMPLATE_LIMITS.chars * 2,
    memoryLimit: TEMPLATE_LIMITS.memory,
    timezoneOffset: 0,
  });
  for (const tag of ['include', 'render', 'layout']) liquid.registerTag(tag, Unavailable);
  liquid.registerTag('for', ChargedFor);
  liquid.registerTag('tablerow', ChargedTablerow);
  // `raw` would switch escaping off and let a contact's name become markup.
  liquid.unregisterFilter('raw');
  return liquid;
}

const HTML_ENGINE = engine(true);
const TEXT_ENGINE = engine(false);

function templateError(part: TemplatePart, e: unknown): TemplateError {
  if (e instanceof TemplateError) return e;
  const cause = e instanceof LiquidError && e.originalError ? e.originalError : e;
  const limit = cause instanceof LimitExceeded || (cause instanceof Error && / limit exceeded/.test(cause.message));
  const message = (cause instanceof Error ? cause.message : String(cause)).replace(/, line:\d+, col:\d+$/, '');
  const [line, column] = e instanceof LiquidError ? (e.token?.getPosition?.() ?? []) : [];
  return new TemplateError(part, limit && !(cause instanceof LimitExceeded) ? `The template used too much memory (${message}).` : message, line, column, limit);
}

interface CompiledPart {
  part: TemplatePart;
  liquid: Liquid;
  templates: Template[];
  groups: SpintaxGroup[];
}

function compilePart(part: TemplatePart, source: string): CompiledPart {
  if (source.length > TEMPLATE_LIMITS.chars) throw new TemplateError(part, `The ${part} is larger than ${TEMPLATE_LIMITS.chars / 1024} KiB.`);
  const html = part === 'html';
  const { liquid: spun, groups } = compileSpintax(source, { html });
  const liquid = html ? HTML_ENGINE : TEXT_ENGINE;
  try {
    return { part, liquid, templates: liquid.parse(spun), groups };
  } catch (e) {
    throw templateError(part, e);
  }
}

function renderPart(p: CompiledPart, vars: MergeVariables, seed: string): string {
  const scope = { ...vars, [SPIN_VARIABLE]: spinChoices(p.groups, seed) };
  // The StepBudget stands in for liquidjs's Limiter (same use/check contract; its class is not exported).
  const ctx = new Context(scope, p.liquid.options, { sync: true }, { liquid: p.liquid, renderLimit: new StepBudget() as unknown as Context['renderLimit'] });
  try {
    const out = text(p.liquid.renderSync(p.templates, ctx));
    if (out.length > TEMPLATE_LIMITS.chars) throw new LimitExceeded(`The rendered ${p.part} is larger than ${TEMPLATE_LIMITS.chars / 1024} KiB.`);
    return out;
  } catch (e) {
    throw templateError(p.part, e);
  }
}

/** What a template version holds, as stored. `text` is the override; without one it is derived from the HTML. */
export interface TemplateContent {
  subject: string;
  preheader?: string | null;
  html: string;
  text?: string | null;
}

export interface RenderedMessage {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

/** Headers must stay on one line whatever a merge produced. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The preheader as the hidden first text of the body: inbox previews show it after the subject.
 * The filler keeps clients from appending body text to it.
 */
function withPreheader(html: string, preheader: string): string {
  if (!preheader) return html;
  const div = `<div style="display:none;max-height:0;max-width:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;opacity:0" aria-hidden="true" data-preheader>${escapeHtml(preheader)}${'&#847;&zwnj;&nbsp;'.repeat(30)}</div>`;
  const body = /<body\b[^>]*>/i.exec(html);
  return body ? html.slice(0, body.index + body[0].length) + div + html.slice(body.index + body[0].length) : div + html;
}

export interface CompiledTemplate {
  /** Every variable path the template reads (for unknown-variable checks). */
  variables: (string | number | unknown[])[][];
  /** One recipient's message; the seed (message or contact id) fixes the spintax choices. */
  render(vars: MergeVariables, seed: string): RenderedMessage;
}

/** Parses once; throws TemplateError (naming the part and line) for bad Liquid or unknown filters. */
export function compileTemplate(content: TemplateContent): CompiledTemplate {
  const parts = {
    subject: compilePart('subject', content.subject),
    preheader: compilePart('preheader', content.preheader ?? ''),
    html: compilePart('html', content.html),
    text: compilePart('text', content.text ?? htmlToText(content.html)),
  };
  const variables = Object.values(parts).flatMap((p) =>
    p.liquid.globalVariableSegmentsSync(p.templates).filter((segments) => segments[0] !== SPIN_VARIABLE),
  );
  return {
    variables,
    render(vars, seed) {
      const preheader = oneLine(renderPart(parts.preheader, vars, seed));
      return {
        subject: oneLine(renderPart(parts.subject, vars, seed)),
        preheader,
        html: withPreheader(guardRenderedUrls(renderPart(parts.html, vars, seed)), preheader),
        text: renderPart(parts.text, vars, seed).trim(),
      };
    },
  };
}
