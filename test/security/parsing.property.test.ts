import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, readInputs } from '../../src/adapters/files/read-inputs.js';
import { type Extracted, extractFindings } from '../../src/core/normalize/extract.js';
import { asffOf, findingParts, hostileText } from '../builders/arbitraries.js';
import { asffEvent } from '../builders/asff.js';
import { propertyRuns } from './support/property-runs.js';

/**
 * Parsing: no input crashes the reader; every bad item is named with a
 * reason; every good item around it is read; and a streamed input yields
 * exactly what the same input parsed whole yields, however it is cut into
 * chunks.
 */

const KINDS = new Set(['finding', 'invalid', 'skipped']);

/** Anything but an array or an object that could pass for an event or a GetFindings response. */
const garbage = fc
  .oneof(fc.jsonValue({ maxDepth: 3 }), hostileText())
  .filter(
    (value) => !Array.isArray(value) && !(typeof value === 'object' && value !== null && ('detail-type' in value || 'Findings' in value)),
  );

/** A JSON value that holds findings in every shape a user may have, mixed with garbage. */
const documentValue: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    garbage,
    findingParts.map(asffOf),
    fc.array(findingParts.map(asffOf), { maxLength: 3 }).map((findings) => asffEvent(findings)),
    fc.array(fc.oneof(findingParts.map(asffOf), garbage), { maxLength: 3 }).map((Findings) => ({ Findings, NextToken: 'x' })),
    fc.array(tie('node'), { maxLength: 4 }),
  ),
})).node;

async function collect(items: AsyncIterable<Extracted>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of items)
    out.push(item.kind === 'finding' ? [item.kind, item.where, item.finding.key, item.eventTime] : [item.kind, item.where, item.reason]);
  return out;
}

/** The bytes cut at the given points. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    out.push(bytes.subarray(from, point));
    from = point;
  }
  out.push(bytes.subarray(from));
  return out.filter((chunk) => chunk.length > 0);
}

describe('parsing any input', () => {
  it('never throws, and names every item with a kind, a place and, when bad, a reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), documentValue), (value) => {
        for (const item of extractFindings(value, 'in#')) {
          expect(KINDS.has(item.kind)).toBe(true);
          expect(item.where.startsWith('in#')).toBe(true);
          if (item.kind !== 'finding') expect(item.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('yields one item per element of an array of findings and garbage, in order, every valid finding read', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(findingParts.map(asffOf), garbage), { maxLength: 20 }), (elements) => {
        const items = [...extractFindings(elements, 'in#')];
        expect(items.map((item) => item.where)).toEqual(elements.map((_element, i) => `in#/${i}`));
        elements.forEach((element, i) => {
          const isFinding = typeof element === 'object' && element !== null && 'ProductArn' in element;
          expect(items[i]!.kind).toBe(isFinding ? 'finding' : 'invalid');
        });
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('streams any document to exactly the items of parsing it whole, however its bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(documentValue, fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), async (value, pretty, cuts) => {
        const bytes = Buffer.from(JSON.stringify(value, null, pretty ? 2 : undefined) ?? 'null');
        const whole = await collect(readInputs(['-'], Readable.from([bytes])));
        const streamed = await collect(readInputs(['-'], Readable.from(chunks(bytes, cuts)), { ...DEFAULT_LIMITS, wholeBytes: 0 }));
        expect(streamed).toEqual(whole);
      }),
      { numRuns: propertyRuns(150) },
    );
  });

  it('reads every intact line of JSON Lines and rejects each damaged one alone, with its line number', async () => {
    const line = fc.oneof(
      findingParts.map((parts) => ({ kind: 'finding' as const, text: JSON.stringify(asffOf(parts)) })),
      fc.tuple(findingParts, fc.nat()).map(([parts, cut]) => {
        const text = JSON.stringify(asffOf(parts));
        return { kind: 'invalid' as const, text: text.slice(0, 1 + (cut % (text.length - 1))) };
      }),
      fc.tuple(findingParts, fc.nat()).map(([parts, at]) => {
        const bytes = Buffer.from(JSON.stringify(asffOf(parts)));
        const i = at % bytes.length;
        return { kind: 'invalid' as const, text: Buffer.concat([bytes.subarray(0, i), Buffer.from([0xff]), bytes.subarray(i)]) };
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), async (lines, cuts) => {
        const bytes = Buffer.concat(lines.flatMap((l) => [Buffer.from(l.text), Buffer.from('\n')]));
        const items = (await collect(readInputs(['-'], Readable.from(chunks(bytes, cuts)), { ...DEFAULT_LIMITS, wholeBytes: 0 }))) as [
          string,
          string,
        ][];
        // A single line is a whole JSON document.
        const single = lines.length === 1;
        const expected = lines.map((l, i) => [
          l.kind,
          l.kind === 'finding' ? (single ? 'stdin#' : `stdin:${i + 1}#`) : single ? 'stdin' : `stdin:${i + 1}`,
        ]);
        // When the first line is damaged and no later line tells the input is JSON Lines, it is read as one broken document.
        if (lines.every((l) => l.kind === 'invalid')) expect(items.every(([kind]) => kind === 'invalid')).toBe(true);
        else if (lines[0]!.kind === 'finding' || lines.slice(1, 5).some((l) => l.kind === 'finding'))
          expect(items.map(([kind, where]) => [kind, where])).toEqual(expected);
      }),
      { numRuns: propertyRuns(150) },
    );
  });
});
