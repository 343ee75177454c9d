import type { TemplateNode } from '../src/core/email/template.js';

/** One email layout: its MJML source and generated module (file names in src/core/email/), and the constant the module exports. */
export interface EmailTemplateFile {
  source: string;
  target: string;
  constant: string;
  what: string;
}

/** The layouts the build compiles: the notification email first, then the digest. */
export const TEMPLATES: readonly EmailTemplateFile[];

/** Compiles MJML source (by default the layout's own file; by default the notification email) to the text of the generated TypeScript module. */
export function compileEmailTemplate(source?: string, template?: EmailTemplateFile): Promise<string>;

/** Splits compiled HTML into literal text, context-classified slots and nested sections; throws on a placeholder in a forbidden context. */
export function parseTemplate(html: string): TemplateNode[];
