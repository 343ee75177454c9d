/**
 * A validator for the part of JSON Schema (2020-12) that
 * docs/webhook-notification.schema.json uses: type, const, enum, required,
 * properties, additionalProperties: false, items, min/maxItems,
 * min/maxLength (in code points), pattern, minimum and local $ref. A keyword
 * it does not know fails loudly, so the schema cannot grow past what the
 * tests check. Annotations (title, description, format, $id, $schema) are
 * read as annotations.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description', 'format']);
const KEYWORDS = new Set([
  'type',
  'const',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  '$ref',
]);

/** Every way `value` breaks `schema`, as "path: problem"; empty when it is valid. */
export function schemaErrors(schema: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, schema, value, '$', errors);
  return errors;
}

function check(root: Schema, schema: Schema, value: unknown, path: string, errors: string[]): void {
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`${path}: the test validator does not know "${keyword}"`);
  }
  if (typeof schema.$ref === 'string') check(root, resolve(root, schema.$ref), value, path, errors);
  if ('const' in schema && value !== schema.const) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: expected one of ${JSON.stringify(schema.enum)}`);
  if (typeof schema.type === 'string' && !hasType(value, schema.type)) {
    errors.push(`${path}: expected ${schema.type}, found ${JSON.stringify(value)?.slice(0, 40)}`);
    return;
  }
  if (typeof value === 'string') checkString(schema, value, path, errors);
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum)
    errors.push(`${path}: below ${schema.minimum}`);
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) for (const [i, item] of value.entries()) check(root, schema.items as Schema, item, `${path}[${i}]`, errors);
  }
  if (isObject(value)) checkObject(root, schema, value, path, errors);
}

function checkString(schema: Schema, value: string, path: string, errors: string[]): void {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
    errors.push(`${path}: does not match ${schema.pattern}`);
}

function checkObject(root: Schema, schema: Schema, value: Record<string, unknown>, path: string, errors: string[]): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const name of (schema.required ?? []) as string[]) if (!(name in value)) errors.push(`${path}: "${name}" is missing`);
  for (const [name, child] of Object.entries(value)) {
    const property = properties[name];
    if (property) check(root, property, child, `${path}.${name}`, errors);
    else if (schema.additionalProperties === false) errors.push(`${path}: "${name}" is not allowed`);
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local references: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
  if (!isObject(node)) throw new Error(`unresolved reference ${ref}`);
  return node;
}
