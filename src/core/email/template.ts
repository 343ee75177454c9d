import { escapeHtml, safeLink } from './escape.js';

/**
 * The run-time half of the email template. The layout is written in MJML
 * and compiled at build time (scripts/compile-email-template.mjs) into a
 * tree of literal HTML and slots; `fillTemplate` walks that tree. Each slot
 * carries the context its placeholder sits in, found by the compiler, so
 * every value is escaped for where it lands whatever the caller passes:
 *
 * - `t` text and `a` quoted attribute: HTML-escaped;
 * - `u` href: only an https link to an AWS console or documentation host
 *   (safeLink), else the slot becomes an inert "#";
 * - `c` colour inside a style or colour attribute: only `#rgb`/`#rrggbb`.
 *
 * Sections follow Mustache: `{{#name}}…{{/name}}` repeats for each item of
 * an array, renders once for any other truthy value; `{{^name}}…{{/name}}`
 * renders when the value is missing, false or an empty array.
 */

/** Literal HTML, a slot `[context, name]`, or a section `[kind, name, children]`. */
export type TemplateNode = string | readonly [SlotContext, string] | readonly ['#' | '^', string, readonly TemplateNode[]];

type SlotContext = 't' | 'a' | 'u' | 'c';

/** Values to fill in: strings, numbers, booleans, nested views and lists of them. */
export type View = { readonly [name: string]: ViewValue };
type ViewValue = string | number | boolean | undefined | View | readonly (string | View)[];

const COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const FALLBACK_COLOUR = '#6b7280';

/** Renders a compiled template with `view`; every value is escaped for its context. */
export function fillTemplate(nodes: readonly TemplateNode[], view: View): string {
  const out: string[] = [];
  render(nodes, [view], out);
  return out.join('');
}

function render(nodes: readonly TemplateNode[], scopes: unknown[], out: string[]): void {
  for (const node of nodes) {
    if (typeof node === 'string') {
      out.push(node);
      continue;
    }
    if (node.length === 2) {
      out.push(slot(node[0], lookup(scopes, node[1])));
      continue;
    }
    const [kind, name, children] = node;
    const value = lookup(scopes, name);
    const empty = value === undefined || value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0);
    if (kind === '^') {
      if (empty) render(children, scopes, out);
    } else if (Array.isArray(value)) {
      for (const item of value) render(children, [...scopes, item], out);
    } else if (!empty) {
      render(children, [...scopes, value], out);
    }
  }
}

/** `.` is the current item; any other name is looked up from the innermost scope outwards. */
function lookup(scopes: unknown[], name: string): unknown {
  if (name === '.') return scopes[scopes.length - 1];
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (typeof scope === 'object' && scope !== null && Object.hasOwn(scope, name)) return (scope as Record<string, unknown>)[name];
  }
  return undefined;
}

function slot(context: SlotContext, value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  switch (context) {
    case 'u':
      return escapeHtml(safeLink(text) ?? '#');
    case 'c':
      return COLOUR.test(text) ? text : FALLBACK_COLOUR;
    default:
      return escapeHtml(text);
  }
}
