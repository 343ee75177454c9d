// Compiles the email layouts (MJML) into small TypeScript modules that the
// core fills at run time, so MJML never ships in a bundle: the notification
// email (email.mjml → template.generated.ts) and the digest
// (digest.mjml → digest-template.generated.ts), both in src/core/email/.
//
//   node scripts/compile-email-template.mjs          writes the generated modules
//   node scripts/compile-email-template.mjs --check  exits 1 when one is out of date
//
// Each {{placeholder}} is classified by where it sits in the compiled HTML
// (text, quoted attribute, href, colour in a style), and the run time escapes
// it for that context. A placeholder anywhere else (a script, a style sheet,
// an unquoted attribute, an event handler) stops the build.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mjml2html from 'mjml';

const EMAIL_DIR = new URL('../src/core/email/', import.meta.url);

/** Each layout: its MJML source, the module it compiles to, and the constant that module exports. */
export const TEMPLATES = [
  { source: 'email.mjml', target: 'template.generated.ts', constant: 'EMAIL_TEMPLATE', what: "The notification email's layout" },
  { source: 'digest.mjml', target: 'digest-template.generated.ts', constant: 'DIGEST_TEMPLATE', what: "The digest email's layout" },
];
const [NOTIFICATION] = TEMPLATES;
const pathOf = (name) => fileURLToPath(new URL(name, EMAIL_DIR));

const COLOUR_ATTRIBUTES = new Set(['style', 'bgcolor', 'color', 'border-color']);
const FORBIDDEN_ATTRIBUTES = /^(on|src$|srcset$|action$|formaction$|background$|poster$|data$)/;
const RAW_TEXT = new Set(['style', 'script', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
const TOKEN = /^\{\{([#^/]?)\s*([A-Za-z][A-Za-z0-9]*|\.)\s*\}\}/;

/** Compiles MJML source (by default the layout's own file) to the text of the layout's generated TypeScript module. */
export async function compileEmailTemplate(source, template = NOTIFICATION) {
  const mjml = source ?? readFileSync(pathOf(template.source), 'utf8');
  const { html } = await mjml2html(mjml, {
    validationLevel: 'strict',
    minify: true,
    minifyOptions: { minifyCss: false },
    keepComments: false,
  });
  const nodes = parseTemplate(compact(html));
  return `// Generated from ${template.source} by scripts/compile-email-template.mjs (npm run build:email). Do not edit.
import type { TemplateNode } from './template.js';

/** ${template.what}, compiled from MJML: literal HTML, slots [context, name] and sections. */
export const ${template.constant}: readonly TemplateNode[] = [
${serialize(nodes, '  ')}];
`;
}

/** Collapses white space (the layout has no preformatted text) and tightens style sheets. */
function compact(html) {
  return html
    .replace(/\s+/g, ' ')
    .replace(
      /(<style[^>]*>)([^<]*)(<\/style>)/g,
      (_, open, css, close) => `${open}${css.replace(/\s*([{};:,>])\s*/g, '$1').trim()}${close}`,
    );
}

/** One node per line, so that a change to the layout reads as a small diff. */
function serialize(nodes, indent) {
  return nodes
    .map((node) => {
      if (typeof node === 'string' || node.length === 2) return `${indent}${JSON.stringify(node)},\n`;
      return `${indent}[${JSON.stringify(node[0])}, ${JSON.stringify(node[1])}, [\n${serialize(node[2], `${indent}  `)}${indent}]],\n`;
    })
    .join('');
}

/** Splits compiled HTML into literal text, context-classified slots and nested sections. */
export function parseTemplate(html) {
  const contexts = placeholderContexts(html);
  const root = [];
  const stack = [{ name: undefined, children: root }];
  let last = 0;
  for (const match of html.matchAll(/\{\{[^}]*\}\}/g)) {
    const token = TOKEN.exec(match[0]);
    if (!token) fail(html, match.index, 'malformed placeholder');
    const [, sigil, name] = token;
    const context = contextOf(contexts.get(match.index), html, match.index);
    const children = stack.at(-1).children;
    if (match.index > last) children.push(html.slice(last, match.index));
    last = match.index + match[0].length;
    if (sigil === '') {
      children.push([context, name]);
    } else if (context !== 't') {
      fail(html, match.index, `section marker {{${sigil}${name}}} must stand in text`);
    } else if (sigil === '/') {
      const open = stack.pop();
      if (open.name !== name) fail(html, match.index, `{{/${name}}} closes {{#${open.name}}}`);
    } else {
      const section = [];
      children.push([sigil, name, section]);
      stack.push({ name, children: section });
    }
  }
  if (stack.length > 1) fail(html, html.length, `{{#${stack.at(-1).name}}} is never closed`);
  if (last < html.length) root.push(html.slice(last));
  return root;
}

/**
 * Where each "{{" stands: in text, in a comment, in raw text (style, script),
 * or in an attribute (its name and quote). Outlook's conditional comments
 * hold markup, so they are read as markup.
 */
function placeholderContexts(html) {
  const contexts = new Map();
  const markAll = (from, to, where) => {
    for (let at = html.indexOf('{{', from); at !== -1 && at < to; at = html.indexOf('{{', at + 2)) contexts.set(at, where);
  };
  let i = 0;
  while (i < html.length) {
    if (html.startsWith('{{', i)) {
      contexts.set(i, { state: 'text' });
      i += 2;
      continue;
    }
    if (html[i] !== '<') {
      i++;
      continue;
    }
    const rest = html.slice(i, i + 200);
    const markup = /^(?:<!--\[if [^\]]*\]>(?:<!-->)?|<!--<!\[endif\]-->|<!\[endif\]-->|<!doctype[^>]*>)/i.exec(rest);
    if (markup) {
      i += markup[0].length;
      continue;
    }
    if (rest.startsWith('<!--')) {
      const end = html.indexOf('-->', i + 4);
      markAll(i, end, { state: 'comment' });
      i = end + 3;
      continue;
    }
    const open = /^<(\/?)([a-z][a-z0-9-]*)/i.exec(rest);
    if (!open) {
      i++;
      continue;
    }
    const tag = open[2].toLowerCase();
    i = scanAttributes(html, i + open[0].length, tag, contexts);
    if (open[1] === '' && RAW_TEXT.has(tag)) {
      const end = html.toLowerCase().indexOf(`</${tag}`, i);
      markAll(i, end, { state: 'raw', tag });
      i = end;
    }
  }
  return contexts;
}

/** Reads a tag's attributes from `i`; returns the index after its ">". */
function scanAttributes(html, i, tag, contexts) {
  while (i < html.length && html[i] !== '>') {
    if (/[\s/]/.test(html[i])) {
      i++;
      continue;
    }
    if (html.startsWith('{{', i)) {
      contexts.set(i, { state: 'tag' });
      i += 2;
      continue;
    }
    const attribute = /^([^\s"'>/=]+)(\s*=\s*)?/.exec(html.slice(i));
    i += attribute[0].length;
    if (!attribute[2]) continue;
    const name = attribute[1].toLowerCase();
    const quote = html[i] === '"' || html[i] === "'" ? html[i] : '';
    const end = quote ? html.indexOf(quote, i + 1) + 1 : i + /^[^\s>]*/.exec(html.slice(i))[0].length;
    for (let at = html.indexOf('{{', i); at !== -1 && at < end; at = html.indexOf('{{', at + 2)) {
      contexts.set(at, { state: 'attribute', tag, name, quote });
    }
    i = end;
  }
  return i + 1;
}

function contextOf(where, html, at) {
  if (where?.state === 'text') return 't';
  if (where?.state === 'attribute' && where.quote === '"') {
    if (where.name === 'href' && where.tag === 'a') return 'u';
    if (COLOUR_ATTRIBUTES.has(where.name)) return 'c';
    if (!FORBIDDEN_ATTRIBUTES.test(where.name)) return 'a';
  }
  const detail =
    where?.state === 'attribute'
      ? `attribute ${where.name}${where.quote === '"' ? '' : ' (not double-quoted)'}`
      : (where?.state ?? 'unknown');
  return fail(html, at, `placeholder in a forbidden context: ${detail}`);
}

function fail(html, at, message) {
  throw new Error(`email template: ${message} near "${html.slice(Math.max(0, at - 60), at + 40)}"`);
}

async function main() {
  for (const template of TEMPLATES) {
    const generated = await compileEmailTemplate(undefined, template);
    if (!process.argv.includes('--check')) {
      writeFileSync(pathOf(template.target), generated);
      continue;
    }
    let current = '';
    try {
      current = readFileSync(pathOf(template.target), 'utf8');
    } catch {}
    if (current !== generated) {
      process.stderr.write(`src/core/email/${template.target} is out of date with ${template.source}: run "npm run build:email".\n`);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
