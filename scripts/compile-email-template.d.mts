import type { TemplateNode } from '../src/core/email/template.js';

/** Compiles MJML source (by default the email layout) to the text of the generated TypeScript module. */
export function compileEmailTemplate(source?: string): Promise<string>;

/** Splits compiled HTML into literal text, context-classified slots and nested sections; throws on a placeholder in a forbidden context. */
export function parseTemplate(html: string): TemplateNode[];
