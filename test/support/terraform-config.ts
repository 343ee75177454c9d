/**
 * Reads a Terraform module the way the static checks need it: every .tf file
 * parsed with @cdktf/hcl2json (HCL → JSON, expressions kept as "${...}"
 * strings), merged into one view of its variables, locals, resources, data
 * sources, modules and outputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

// biome-ignore lint/suspicious/noExplicitAny: hcl2json yields untyped JSON; tests assert its shape.
export type Block = Record<string, any>;

export interface TerraformModule {
  dir: string;
  /** File name → raw text, for checks on comments (hcl2json drops them). */
  sources: Record<string, string>;
  variables: Record<string, Block>;
  locals: Record<string, unknown>;
  /** "aws_lambda_function.function" → block. */
  resources: Record<string, Block>;
  /** "aws_iam_policy_document.notify" → block. */
  data: Record<string, Block>;
  modules: Record<string, Block>;
  outputs: Record<string, Block>;
}

/** Parses every .tf file of one module directory (not its subdirectories). */
export async function readTerraformModule(dir: string): Promise<TerraformModule> {
  const module: TerraformModule = { dir, sources: {}, variables: {}, locals: {}, resources: {}, data: {}, modules: {}, outputs: {} };
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.tf'))
    .sort();
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    module.sources[file] = text;
    const json: Block = await parse(file, text);
    for (const [name, [block]] of Object.entries<Block[]>(json.variable ?? {})) module.variables[name] = block as Block;
    for (const locals of (json.locals ?? []) as Block[]) Object.assign(module.locals, locals);
    for (const [type, byName] of Object.entries<Record<string, Block[]>>(json.resource ?? {}))
      for (const [name, [block]] of Object.entries(byName)) module.resources[`${type}.${name}`] = block as Block;
    for (const [type, byName] of Object.entries<Record<string, Block[]>>(json.data ?? {}))
      for (const [name, [block]] of Object.entries(byName)) module.data[`${type}.${name}`] = block as Block;
    for (const [name, [block]] of Object.entries<Block[]>(json.module ?? {})) module.modules[name] = block as Block;
    for (const [name, [block]] of Object.entries<Block[]>(json.output ?? {})) module.outputs[name] = block as Block;
  }
  return module;
}

/** Every resource (or data source) of one type, by name. */
export function ofType(blocks: Record<string, Block>, type: string): [string, Block][] {
  return Object.entries(blocks)
    .filter(([address]) => address.startsWith(`${type}.`))
    .map(([address, block]) => [address.slice(type.length + 1), block]);
}

/** All strings anywhere inside a value, with the JSON path where each sits. */
export function stringsIn(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringsIn(item, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, path ? `${path}.${key}` : key));
  return [];
}

export interface Reference {
  kind: 'var' | 'local' | 'data' | 'module' | 'resource';
  /** "policy_file", "table_arn", "aws_iam_policy_document.notify", "sechub_alerts", "aws_sqs_queue.dead_letter". */
  name: string;
  /** For module references: the output read, if any. */
  attribute?: string;
}

/** The references in the "${...}" parts of a string. */
export function referencesIn(text: string): Reference[] {
  const found: Reference[] = [];
  for (const expression of interpolations(text)) {
    for (const m of expression.matchAll(/(?<![\w.-])var\.([A-Za-z_][\w-]*)/g)) found.push({ kind: 'var', name: m[1] as string });
    for (const m of expression.matchAll(/(?<![\w.-])local\.([A-Za-z_][\w-]*)/g)) found.push({ kind: 'local', name: m[1] as string });
    for (const m of expression.matchAll(/(?<![\w.-])data\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g))
      found.push({ kind: 'data', name: `${m[1]}.${m[2]}` });
    for (const m of expression.matchAll(/(?<![\w.-])module\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g))
      found.push({ kind: 'module', name: m[1] as string, attribute: m[2] });
    for (const m of expression.matchAll(/(?<![\w.-])(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g))
      found.push({ kind: 'resource', name: `${m[1]}.${m[2]}` });
  }
  return found;
}

/** The expressions inside "${...}", nested braces included. */
export function interpolations(text: string): string[] {
  const out: string[] = [];
  let i = text.indexOf('${');
  while (i !== -1) {
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) break;
    }
    out.push(text.slice(i + 2, j));
    i = text.indexOf('${', j);
  }
  return out;
}

/** The IAM statements of a policy document, those of dynamic blocks included. */
export function statementsOf(document: Block): Block[] {
  const plain = (document.statement ?? []) as Block[];
  const dynamic = ((document.dynamic?.statement ?? []) as Block[]).flatMap((block) => (block.content ?? []) as Block[]);
  return [...plain, ...dynamic];
}
