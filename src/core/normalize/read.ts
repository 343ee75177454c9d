/**
 * Safe accessors for untrusted JSON. They never throw and never follow the
 * prototype chain, so keys like `__proto__` or `constructor` read as absent.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The own property `key` of `value`, or undefined. */
export function get(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** Follows a path of own properties. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = get(current, key);
  return current;
}

/** A non-empty string (numbers are accepted and stringified), or undefined. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function strings(value: unknown): string[] {
  return list(value)
    .map(str)
    .filter((s): s is string => s !== undefined);
}

/**
 * A timestamp as a normalised ISO-8601 string. Accepts ISO strings and epoch
 * milliseconds (OCSF); returns undefined for anything unparseable.
 */
export function instant(value: unknown): string | undefined {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value;
  else if (typeof value === 'string' && value.length <= 64) ms = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The first defined result of `read` over the candidates. */
export function first<T>(read: (v: unknown) => T | undefined, ...candidates: unknown[]): T | undefined {
  for (const candidate of candidates) {
    const result = read(candidate);
    if (result !== undefined) return result;
  }
  return undefined;
}
