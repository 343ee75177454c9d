import { createWriteStream } from 'node:fs';
import { asff, asffEvent } from './asff.js';

/**
 * Inputs for load and fault tests, shaped like the public samples: due
 * findings (HIGH GuardDuty, which the default policy emails) and ignored
 * ones (LOW). Templates are serialised once and only the id changes, so a
 * million lines cost little to produce.
 */

export const DUE_PREFIX = 'arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0/finding/due-';
const IGNORED_PREFIX = 'arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0/finding/low-';

export function dueId(i: number): string {
  return `${DUE_PREFIX}${i}`;
}

/** A HIGH GuardDuty finding that the default policy emails about. */
export function dueFinding(i: number, updatedAt = '2026-01-10T10:00:00.000Z'): Record<string, unknown> {
  return asff({ id: dueId(i), severity: 'HIGH', updatedAt });
}

/** A LOW finding that the default policy ignores. */
export function ignoredFinding(i: number): Record<string, unknown> {
  return asff({ id: `${IGNORED_PREFIX}${i}`, severity: 'LOW' });
}

/** One EventBridge event per finding, as Security Hub delivers them. */
export function eventOf(finding: Record<string, unknown>): Record<string, unknown> {
  return asffEvent([finding], String(finding.UpdatedAt));
}

const TEMPLATE_ID = '__ID__';
const dueTemplate = JSON.stringify(asff({ id: TEMPLATE_ID, severity: 'HIGH' }));
const ignoredTemplate = JSON.stringify(asff({ id: TEMPLATE_ID, severity: 'LOW' }));

/** The JSON text of a due or ignored finding with the given id, fast. */
export function findingText(due: boolean, id: string): string {
  return (due ? dueTemplate : ignoredTemplate).replace(TEMPLATE_ID, id);
}

/** A mix of lines: which lines are due (ids cycle, so some repeat), which are broken. */
export interface LineMix {
  count: number;
  /** Every `dueEvery`-th line is a due finding. */
  dueEvery: number;
  /** Due findings cycle over this many distinct ids (repeats must not email again). */
  distinctDue: number;
  /** Every `invalidEvery`-th line is not JSON at all (0: none). */
  invalidEvery: number;
}

export function lineText(i: number, mix: LineMix): string {
  if (mix.invalidEvery > 0 && i % mix.invalidEvery === mix.invalidEvery - 1) return '{"Id": "truncated line';
  if (i % mix.dueEvery === 0) return findingText(true, dueId((i / mix.dueEvery) % mix.distinctDue));
  return findingText(false, `${IGNORED_PREFIX}${i}`);
}

/** What a run over the mix must report. */
export function expectedCounts(mix: LineMix) {
  let invalid = 0;
  let due = 0;
  for (let i = 0; i < mix.count; i++) {
    if (mix.invalidEvery > 0 && i % mix.invalidEvery === mix.invalidEvery - 1) invalid++;
    else if (i % mix.dueEvery === 0) due++;
  }
  const notified = Math.min(due, mix.distinctDue);
  return { read: mix.count, invalid, notified, suppressed: due - notified, ignored: mix.count - invalid - due };
}

/** JSON Lines, produced as they are read, in chunks of about `chunkBytes`. */
export async function* jsonLines(mix: LineMix, chunkBytes = 1024 * 1024): AsyncGenerator<string> {
  let chunk = '';
  for (let i = 0; i < mix.count; i++) {
    chunk += `${lineText(i, mix)}\n`;
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export type DocumentShape = 'array' | 'event' | 'get-findings';

const OPENING: Record<DocumentShape, string> = {
  array: '[\n',
  event: `{"version":"0","id":"a1b2c3d4-0000-4000-8000-000000000009","detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","account":"111122223333","time":"2026-01-10T10:00:05Z","region":"us-east-1","resources":[],"detail":{"findings":[\n`,
  'get-findings': '{"Findings":[\n',
};
const CLOSING: Record<DocumentShape, string> = {
  array: '\n]\n',
  event: '\n]}}\n',
  'get-findings': '\n],"NextToken":"eyJ0b2tlbiI6MX0="}\n',
};

/**
 * Writes one JSON document of about `targetBytes`: an array of findings, an
 * event or a GetFindings response around them. Every `dueEvery`-th finding
 * is due (all distinct); the rest are ignored. Returns what it wrote.
 */
export async function writeDocument(path: string, targetBytes: number, shape: DocumentShape, dueEvery: number) {
  const out = createWriteStream(path);
  let bytes = 0;
  let items = 0;
  let due = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  await write(OPENING[shape]);
  // Pretty-printed, as `aws securityhub get-findings` prints it.
  while (bytes < targetBytes) {
    const isDue = items % dueEvery === 0;
    const text = JSON.stringify(JSON.parse(findingText(isDue, isDue ? dueId(due) : `${IGNORED_PREFIX}${items}`)), null, 2);
    if (isDue) due++;
    await write(items === 0 ? text : `,\n${text}`);
    items++;
  }
  await write(CLOSING[shape]);
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(() => resolve());
  });
  return { bytes, items, due };
}
