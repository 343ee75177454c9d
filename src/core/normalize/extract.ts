import type { Finding } from '../finding.js';
import { ASFF_EVENT_DETAIL_TYPES, OCSF_DETAIL_TYPE } from '../security-hub/vocabulary.js';
import { looksLikeAsff, normalizeAsff } from './asff.js';
import { looksLikeOcsf, normalizeOcsf } from './ocsf.js';
import { get, instant, isObject, str } from './read.js';

/** What one input item turned out to be. `where` names the file and position. */
export type Extracted =
  | { kind: 'finding'; where: string; finding: Finding; eventTime?: string }
  | { kind: 'invalid'; where: string; reason: string }
  | { kind: 'skipped'; where: string; reason: string };

const ASFF_DETAIL_TYPES: ReadonlySet<string> = new Set(ASFF_EVENT_DETAIL_TYPES);
/** How deeply arrays may wrap findings; deeper items are rejected rather than walked. */
export const MAX_NESTING = 4;

/**
 * Yields every finding in one parsed JSON value: an EventBridge event (ASFF
 * or OCSF), a bare finding of either format, a GetFindings or GetFindingsV2
 * response (`{"Findings": [...]}`), or an array of any of these. Every item
 * that is not a usable finding is yielded as invalid with the reason, so the
 * caller can report it and carry on with the rest.
 */
export function* extractFindings(value: unknown, where: string, depth = 0): Generator<Extracted> {
  if (depth > MAX_NESTING) {
    yield { kind: 'invalid', where, reason: `nested deeper than ${MAX_NESTING} levels` };
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* extractFindings(value[i], `${where}/${i}`, depth + 1);
    return;
  }
  if (!isObject(value)) {
    yield { kind: 'invalid', where, reason: `expected an object, found ${describe(value)}` };
    return;
  }
  const detailType = get(value, 'detail-type');
  if (detailType !== undefined) {
    yield* fromEvent(value, where);
    return;
  }
  const wrapped = get(value, 'Findings');
  if (wrapped !== undefined) {
    if (!Array.isArray(wrapped)) {
      yield { kind: 'invalid', where: `${where}/Findings`, reason: 'expected an array of findings' };
      return;
    }
    for (let i = 0; i < wrapped.length; i++) yield normalize(wrapped[i], `${where}/Findings/${i}`);
    return;
  }
  yield normalize(value, where);
}

function* fromEvent(event: Record<string, unknown>, where: string): Generator<Extracted> {
  const detailType = str(get(event, 'detail-type')) ?? '';
  const findings = get(get(event, 'detail'), 'findings');
  if (!Array.isArray(findings)) {
    yield { kind: 'invalid', where: `${where}/detail/findings`, reason: 'expected an array of findings' };
    return;
  }
  const eventTime = instant(get(event, 'time'));
  for (let i = 0; i < findings.length; i++) yield extractEventItem(findings[i], `${where}/detail/findings/${i}`, detailType, eventTime);
}

/**
 * One element of an event's `detail.findings`, read as the event's
 * detail-type says. Exported for readers that stream an event's findings
 * one at a time instead of parsing the whole event.
 */
export function extractEventItem(value: unknown, where: string, detailType: string, eventTime: string | undefined): Extracted {
  const isAsff = ASFF_DETAIL_TYPES.has(detailType);
  if (!isAsff && detailType !== OCSF_DETAIL_TYPE) {
    return { kind: 'skipped', where, reason: `event detail-type "${detailType.slice(0, 80)}" is not a findings import` };
  }
  const item = isAsff ? fromNormalized(normalizeAsff(value), where) : fromNormalized(normalizeOcsf(value), where);
  return item.kind === 'finding' && eventTime ? { ...item, eventTime } : item;
}

/** One element of a GetFindings/GetFindingsV2 `Findings` array. Exported for streaming readers. */
export function extractListedFinding(value: unknown, where: string): Extracted {
  return normalize(value, where);
}

function normalize(value: unknown, where: string): Extracted {
  if (looksLikeAsff(value)) return fromNormalized(normalizeAsff(value), where);
  if (looksLikeOcsf(value)) return fromNormalized(normalizeOcsf(value), where);
  return {
    kind: 'invalid',
    where,
    reason: isObject(value)
      ? 'not a Security Hub finding or event (no ProductArn, finding_info or detail-type)'
      : `expected an object, found ${describe(value)}`,
  };
}

/**
 * Identities longer than this cannot be stored (DynamoDB partition keys stop at 2,048 bytes); Security Hub's own
 * ids are at most 512 characters, so only a malformed or hostile finding comes near it.
 */
const MAX_KEY_BYTES = 1500;
const UTF8 = new TextEncoder();

function fromNormalized(result: Finding | string, where: string): Extracted {
  if (typeof result === 'string') return { kind: 'invalid', where, reason: result };
  if (result.key.length * 3 > MAX_KEY_BYTES && UTF8.encode(result.key).length > MAX_KEY_BYTES) {
    return { kind: 'invalid', where, reason: `identity (account, product and id) is longer than ${MAX_KEY_BYTES} bytes` };
  }
  return { kind: 'finding', where, finding: result };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
