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
  else if (typeof value === 'string' && value.length <= 64) {
    // Most timestamps already are in the normalised form (or lack only the milliseconds): checked
    // digit by digit, they are returned as they are, without a round trip through Date.
    const canonical = canonicalIso(value);
    if (canonical !== undefined) return canonical;
    ms = Date.parse(value);
  } else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `value` itself when it is `YYYY-MM-DDTHH:MM:SS.sssZ` naming a real instant
 * (what `toISOString` would return for it), the same with `.000` added when
 * it is `YYYY-MM-DDTHH:MM:SSZ`; undefined for anything else, which is left
 * to Date.
 */
function canonicalIso(value: string): string | undefined {
  const length = value.length;
  if (length !== 24 && length !== 20) return undefined;
  if (value.charCodeAt(length - 1) !== 90 /* Z */) return undefined;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(10) !== 84) return undefined;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return undefined;
  if (length === 24 && (value.charCodeAt(19) !== 46 || digits(value, 20, 3) < 0)) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return undefined;
  return length === 24 ? value : `${value.slice(0, 19)}.000Z`;
}

/** The decimal number written by `count` ASCII digits at `start`, or -1. */
function digits(value: string, start: number, count: number): number {
  let result = 0;
  for (let i = start; i < start + count; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/** The first defined result of `read` over the candidates. */
export function first<T>(read: (v: unknown) => T | undefined, ...candidates: unknown[]): T | undefined {
  for (const candidate of candidates) {
    const result = read(candidate);
    if (result !== undefined) return result;
  }
  return undefined;
}
