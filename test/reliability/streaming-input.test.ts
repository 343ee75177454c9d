import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, readInputs } from '../../src/adapters/files/read-inputs.js';
import type { Extracted } from '../../src/core/normalize/extract.js';
import { eventOf, expectedCounts, findingText, jsonLines, type LineMix, writeDocument } from '../builders/inputs.js';
import { filesBelow, fixturesRoot } from '../support/fixtures.js';
import { MIB, runCli } from './support/cli-child.js';

/**
 * Bounded memory, the fast version (the soak suite reads 1,000,000 lines
 * and a 200 MB document). The command runs with its heap capped at 64 MB;
 * a whole-document parse of the 32 MB file dies of heap exhaustion there,
 * and reading the 44 MB of JSON Lines whole needs twice the resident
 * memory that streaming needs.
 */

const HEAP_CAP = ['--max-old-space-size=64'];
const work = mkdtempSync(join(tmpdir(), 'sechub-stream-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Small limits, so that even a tiny input takes the streaming paths. */
const STREAM_EVERYTHING = { ...DEFAULT_LIMITS, wholeBytes: 16 };

async function collect(items: AsyncIterable<Extracted>): Promise<Extracted[]> {
  const out: Extracted[] = [];
  for await (const item of items) out.push(item.kind === 'finding' ? { ...item, finding: { ...item.finding, raw: undefined } } : item);
  return out;
}

const streamed = (bytes: Buffer | string) => collect(readInputs(['-'], Readable.from([Buffer.from(bytes)]), STREAM_EVERYTHING));
const whole = (bytes: Buffer | string) => collect(readInputs(['-'], Readable.from([Buffer.from(bytes)])));

describe('large inputs are streamed in bounded memory', () => {
  it('reads 40,000 JSON Lines from standard input with the heap capped at 64 MB, every valid line around the bad ones processed', async () => {
    // prepare
    const mix: LineMix = { count: 40_000, dueEvery: 200, distinctDue: 100, invalidEvery: 10_000 };
    const expected = expectedCounts(mix);
    const dir = mkdtempSync(join(work, 'lines-'));

    // act
    const run = await runCli(['process', '-', '--state', 'state.db', '--outbox', 'outbox', '--json', '--clock', 'event'], {
      cwd: dir,
      input: jsonLines(mix),
      measureMemory: true,
      nodeFlags: HEAP_CAP,
    });

    // assess
    expect(run.stderr).toContain('stdin:10000');
    expect(run.code).toBe(3);
    expect(run.counts).toMatchObject({ ...expected, emails: expected.notified, failed: 0 });
    expect(readdirSync(join(dir, 'outbox'))).toHaveLength(expected.notified);
    // Reading these 44 MB whole peaks at about 200 MB resident; streaming stays near the idle command's 80 MB.
    expect(run.peak!.maxRssBytes).toBeLessThan(150 * MIB);
    console.info(
      `figures: 40,000 JSON Lines (${run.counts!.read} read), peak RSS ${mb(run.peak!.maxRssBytes)}, peak heap ${mb(run.peak!.maxHeapUsedBytes)}`,
    );
  });

  it('reads a 32 MB GetFindings document with the heap capped at 64 MB', async () => {
    // prepare
    const dir = mkdtempSync(join(work, 'document-'));
    const written = await writeDocument(join(dir, 'findings.json'), 32 * MIB, 'get-findings', 100);

    // act
    const run = await runCli(['process', 'findings.json', '--state', 'state.db', '--outbox', 'outbox', '--json'], {
      cwd: dir,
      measureMemory: true,
      nodeFlags: HEAP_CAP,
    });

    // assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.counts).toMatchObject({ read: written.items, invalid: 0, notified: written.due, emails: written.due });
    expect(run.peak!.maxRssBytes).toBeLessThan(250 * MIB);
    console.info(
      `figures: ${mb(written.bytes)} document, ${written.items} findings, peak RSS ${mb(run.peak!.maxRssBytes)}, peak heap ${mb(run.peak!.maxHeapUsedBytes)}`,
    );
  });
});

describe('a streamed input yields exactly what parsing it whole yields', () => {
  it('for every file in the shared public samples', async () => {
    // prepare
    const files = filesBelow(fixturesRoot).filter((file) => /\.(json|jsonl|ndjson)$/.test(file));

    for (const file of files) {
      // act
      const bytes = readFileSync(file);

      // assess
      expect(await streamed(bytes), file).toEqual(await whole(bytes));
    }
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(['array', 'event', 'get-findings'] as const)('for a pretty-printed document shaped as %s', async (shape) => {
    // prepare
    const path = join(work, `${shape}.json`);
    const written = await writeDocument(path, 256 * 1024, shape, 7);
    const bytes = readFileSync(path);

    // act
    const items = await streamed(bytes);

    // assess
    expect(items).toEqual(await whole(bytes));
    expect(items.filter((item) => item.kind === 'finding')).toHaveLength(written.items);
  });

  it('for an array of events with a bad item between good ones', async () => {
    // prepare
    const good = JSON.parse(findingText(true, 'a'));
    const events = [eventOf(good), { 'detail-type': 'Security Hub Findings - Imported', detail: { findings: 'nope' } }, 42, eventOf(good)];
    const text = JSON.stringify(events, null, 2);

    // act
    const items = await streamed(text);

    // assess
    expect(items).toEqual(await whole(text));
    expect(items.map((item) => [item.kind, item.where])).toEqual([
      ['finding', 'stdin#/0/detail/findings/0'],
      ['invalid', 'stdin#/1/detail/findings'],
      ['invalid', 'stdin#/2'],
      ['finding', 'stdin#/3/detail/findings/0'],
    ]);
  });
});

function mb(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MB`;
}
