/**
 * A small EventBridge event-pattern matcher for tests, following the
 * semantics AWS documents for event buses (and its open-source engine,
 * Event Ruler):
 *   - fields in one object are ANDed; the values listed for a field are ORed;
 *   - "$or": [p1, p2, ...] (two or more objects) ORs sub-patterns at its level,
 *     and may nest;
 *   - an event array matches a listed value when any element does; a
 *     sub-pattern applied to an array of objects must match within one element
 *     (array-consistent matching, as Ruler's rulesForJSONEvent does);
 *   - operators: exact values (string, number, boolean, null), prefix, suffix
 *     (both also with equals-ignore-case), equals-ignore-case, wildcard,
 *     anything-but (value, list, prefix, suffix, equals-ignore-case, wildcard),
 *     exists (leaf fields only: an object counts as absent), numeric.
 * A pattern EventBridge would reject (empty value list, unknown operator, a
 * "$or" with fewer than two alternatives) throws, so a broken pattern cannot
 * silently match or not match. "cidr" is not implemented and throws too.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Leaf = string | number | boolean | null;

/** True when the event matches the pattern. Throws when the pattern is not one EventBridge would accept. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error('event pattern: expected a JSON object');
  return matchObject(pattern, event as Json, 'pattern');
}

function matchObject(pattern: { [key: string]: unknown }, node: Json | undefined, where: string): boolean {
  if (Array.isArray(node)) {
    return node.length === 0 ? matchObject(pattern, undefined, where) : node.some((element) => matchObject(pattern, element, where));
  }
  return Object.entries(pattern).every(([key, sub]) => {
    const path = `${where}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2 || !sub.every(isObject)) throw new Error(`${path}: expected two or more objects`);
      return sub.some((alternative) => matchObject(alternative, node, path));
    }
    const child = isObject(node) ? node[key] : undefined;
    if (Array.isArray(sub)) return matchLeaf(sub, child, path);
    if (isObject(sub)) return matchObject(sub, child, path);
    throw new Error(`${path}: expected a list of values or an object, got ${JSON.stringify(sub)}`);
  });
}

function matchLeaf(values: unknown[], field: Json | undefined, path: string): boolean {
  if (values.length === 0) throw new Error(`${path}: empty list of values`);
  const candidates = leaves(field);
  return values.some((value) => {
    if (!isObject(value)) {
      if (!isLeaf(value)) throw new Error(`${path}: unsupported value ${JSON.stringify(value)}`);
      return candidates.some((candidate) => candidate === value);
    }
    const entries = Object.entries(value);
    if (entries.length !== 1) throw new Error(`${path}: an operator object has exactly one key`);
    const [operator, operand] = entries[0] as [string, unknown];
    if (operator === 'exists') {
      if (typeof operand !== 'boolean') throw new Error(`${path}: exists takes true or false`);
      return operand === candidates.length > 0;
    }
    if (operator === 'anything-but') {
      const excluded = anythingBut(operand, path);
      return candidates.some((candidate) => !excluded(candidate));
    }
    const test = stringOrNumberTest(operator, operand, path);
    return candidates.some(test);
  });
}

/** The leaf values of a field: itself, or the primitive elements of an array; an object is not a leaf. */
function leaves(field: Json | undefined): Leaf[] {
  if (field === undefined || isObject(field)) return [];
  if (Array.isArray(field)) return field.flatMap((element) => leaves(element));
  return [field];
}

function stringOrNumberTest(operator: string, operand: unknown, path: string): (candidate: Leaf) => boolean {
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const { text, ignoreCase } = textOperand(operand, `${path} ${operator}`);
      return (candidate) => {
        if (typeof candidate !== 'string') return false;
        const [subject, needle] = ignoreCase ? [candidate.toLowerCase(), text.toLowerCase()] : [candidate, text];
        return operator === 'prefix' ? subject.startsWith(needle) : subject.endsWith(needle);
      };
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') throw new Error(`${path}: equals-ignore-case takes a string`);
      return (candidate) => typeof candidate === 'string' && candidate.toLowerCase() === operand.toLowerCase();
    }
    case 'wildcard': {
      const regex = wildcardRegex(operand, path);
      return (candidate) => typeof candidate === 'string' && regex.test(candidate);
    }
    case 'numeric':
      return numericTest(operand, path);
    default:
      throw new Error(`${path}: operator "${operator}" is not supported`);
  }
}

function textOperand(operand: unknown, where: string): { text: string; ignoreCase: boolean } {
  if (typeof operand === 'string') return { text: operand, ignoreCase: false };
  if (isObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    return { text: operand['equals-ignore-case'], ignoreCase: true };
  }
  throw new Error(`${where}: expected a string or {"equals-ignore-case": string}`);
}

/** A predicate for the values anything-but excludes. */
function anythingBut(operand: unknown, path: string): (candidate: Leaf) => boolean {
  if (typeof operand === 'string' || typeof operand === 'number') return (candidate) => candidate === operand;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers))
      throw new Error(`${path}: anything-but takes a non-empty list of strings or of numbers`);
    return (candidate) => (operand as Leaf[]).includes(candidate);
  }
  if (isObject(operand) && Object.keys(operand).length === 1) {
    const [operator, inner] = Object.entries(operand)[0] as [string, unknown];
    if (operator === 'prefix' || operator === 'suffix') {
      const test = stringOrNumberTest(operator, inner, `${path} anything-but`);
      // Only string values can be compared with a prefix or suffix; anything else is not excluded by it, nor matched.
      return (candidate) => typeof candidate !== 'string' || test(candidate);
    }
    if (operator === 'equals-ignore-case' || operator === 'wildcard') {
      const list = Array.isArray(inner) ? inner : [inner];
      const tests = list.map((item) => stringOrNumberTest(operator, item, `${path} anything-but`));
      return (candidate) => typeof candidate !== 'string' || tests.some((test) => test(candidate));
    }
  }
  throw new Error(`${path}: unsupported anything-but operand ${JSON.stringify(operand)}`);
}

const NUMERIC_LIMIT = 5e9;
const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '=': (a, b) => a === b,
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
};

function numericTest(operand: unknown, path: string): (candidate: Leaf) => boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
    throw new Error(`${path}: numeric takes pairs of comparison and number`);
  }
  const checks: ((value: number) => boolean)[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const comparator = COMPARATORS[String(operand[i])];
    const bound = operand[i + 1];
    if (!comparator || typeof bound !== 'number' || Math.abs(bound) > NUMERIC_LIMIT) {
      throw new Error(`${path}: bad numeric comparison ${JSON.stringify(operand.slice(i, i + 2))}`);
    }
    checks.push((value) => comparator(value, bound));
  }
  return (candidate) => typeof candidate === 'number' && checks.every((check) => check(candidate));
}

/** "*" matches any run of characters; "\*" and "\\" are a literal star and backslash; "**" is not allowed. */
function wildcardRegex(operand: unknown, path: string): RegExp {
  if (typeof operand !== 'string') throw new Error(`${path}: wildcard takes a string`);
  if (operand.includes('**')) throw new Error(`${path}: consecutive wildcard characters are not allowed`);
  let source = '';
  for (let i = 0; i < operand.length; i++) {
    const char = operand[i] as string;
    if (char === '\\') {
      const next = operand[i + 1];
      if (next !== '*' && next !== '\\') throw new Error(`${path}: a backslash escapes only "*" or "\\"`);
      source += `\\${next}`;
      i++;
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
