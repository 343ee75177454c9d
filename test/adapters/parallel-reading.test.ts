import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputsInParallel, WORKER_MIN_BYTES, worthAReadingThread } from '../../src/adapters/files/parallel-reader.js';
import type { InputItem } from '../../src/adapters/files/worker-protocol.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { asff, asffEvent } from '../builders/asff.js';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/fixtures.js';

/**
 * Large inputs are read, parsed and normalised on a second thread. What the
 * command does with them must not change: the same findings in the same
 * order, every bad item named, every good one around it handled.
 */

const work = mkdtempSync(join(tmpdir(), 'sechub-parallel-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DISTINCT_HIGH = 50;
const PADDING = 'Padding that makes the line as large as a real finding. '.repeat(30);

/**
 * JSON Lines of `count` events from `start`: every third finding is LOW (ignored by the default policy), the others
 * are HIGH repeats of DISTINCT_HIGH findings; times only grow, so that nothing is stale. `badEvery` lines are broken.
 */
function lines(start: number, count: number, badEvery: number): string[] {
  const out: string[] = [];
  for (let i = start; i < start + count; i++) {
    if (i % badEvery === badEvery - 1) {
      out.push(
        Math.floor(i / badEvery) % 2 === 1 ? '{"detail-type": "Security Hub Findings - Imported", "detail": ' : '{"not": "a finding"}',
      );
      continue;
    }
    const at = new Date(Date.UTC(2026, 0, 10) + i * 1000).toISOString();
    const finding =
      i % 3 === 2
        ? asff({ id: `low-${i}`, severity: 'LOW', updatedAt: at, firstObservedAt: at, description: PADDING })
        : asff({ id: `high-${i % DISTINCT_HIGH}`, updatedAt: at, firstObservedAt: '2026-01-10T00:00:00.000Z', description: PADDING });
    out.push(JSON.stringify(asffEvent([finding], at)));
  }
  return out;
}

const emlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort();

describe('reading large inputs on a second thread', () => {
  it('gives the same counts, the same invalid items by line and the same emails as reading the same bytes on one thread', async () => {
    // prepare
    const text = `${lines(0, 2400, 500).join('\n')}\n`;
    const threaded = mkdtempSync(join(work, 'threaded-'));
    const single = mkdtempSync(join(work, 'single-'));
    const file = join(threaded, 'stream.jsonl');
    writeFileSync(file, text);
    expect(await worthAReadingThread([file])).toBe(true);

    // act
    const onTwo = await runCli(['process', file, '--json', '--clock', 'event'], { cwd: threaded });
    const onOne = await runCli(['process', '-', '--json', '--clock', 'event'], { cwd: single, input: text });

    // assess
    expect(onTwo.code).toBe(3);
    expect(onTwo.json).toEqual(onOne.json);
    expect(onTwo.json).toMatchObject({ read: 2400, invalid: 4, notified: DISTINCT_HIGH, emails: DISTINCT_HIGH, failed: 0 });
    expect(onTwo.stderr.replaceAll(file, 'stdin')).toBe(onOne.stderr);
    expect(onTwo.stderr.split('\n').filter(Boolean)).toEqual([
      `invalid: ${file}:500#: not a Security Hub finding or event (no ProductArn, finding_info or detail-type)`,
      expect.stringMatching(new RegExp(`^invalid: ${file}:1000: not valid JSON`)),
      `invalid: ${file}:1500#: not a Security Hub finding or event (no ProductArn, finding_info or detail-type)`,
      expect.stringMatching(new RegExp(`^invalid: ${file}:2000: not valid JSON`)),
    ]);
    expect(emlFiles(join(threaded, '.sechub-alerts/outbox'))).toEqual(emlFiles(join(single, '.sechub-alerts/outbox')));
  });

  it('reads a directory in file order, a broken document between good files reported where it breaks', async () => {
    // prepare
    const cwd = mkdtempSync(join(work, 'dir-'));
    const dir = join(cwd, 'findings');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jsonl'), lines(0, 1300, 1000).join('\n'));
    writeFileSync(join(dir, 'b.json'), `[${JSON.stringify(asff({ id: 'in-broken-file', severity: 'CRITICAL' }))}, {"Id": `);
    writeFileSync(join(dir, 'c.jsonl'), lines(1300, 1300, 1000).join('\n'));
    expect(await worthAReadingThread([dir])).toBe(true);

    // act
    const result = await runCli(['process', dir, '--json', '--clock', 'event'], { cwd });

    // assess
    expect(result.code).toBe(3);
    expect(result.json).toMatchObject({ read: 2602, invalid: 3, notified: DISTINCT_HIGH + 1, emails: DISTINCT_HIGH + 1 });
    const where = result.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(': ')[1]);
    expect(where).toEqual([join(dir, 'a.jsonl:1000#'), expect.stringMatching(/b\.json/), join(dir, 'c.jsonl:700')]);
  });

  it('still refreshes a tracked finding whose severity dropped below every rule, so that tick sends it no reminder', async () => {
    // prepare
    const cwd = mkdtempSync(join(work, 'dropped-'));
    const file = join(cwd, 'stream.jsonl');
    const event = (id: string, severity: 'HIGH' | 'LOW', at: string) =>
      JSON.stringify(asffEvent([asff({ id, severity, updatedAt: at, firstObservedAt: '2026-01-10T00:00:00.000Z' })], at));
    const filler = lines(0, 6300, 100_000).filter((_, i) => i % 3 === 2);
    writeFileSync(
      file,
      [
        event('dropping', 'HIGH', '2026-01-10T01:00:00.000Z'),
        event('staying', 'HIGH', '2026-01-10T01:00:00.000Z'),
        ...filler,
        event('dropping', 'LOW', '2026-01-10T02:00:00.000Z'),
      ].join('\n'),
    );
    expect(await worthAReadingThread([file])).toBe(true);

    // act
    const processed = await runCli(['process', file, '--json', '--clock', 'event'], { cwd });
    const ticked = await runCli(['tick', '--now', '2026-01-26T03:00:00.000Z', '--json'], { cwd });

    // assess
    expect(processed.json).toMatchObject({ notified: 2, ignored: filler.length + 1 });
    expect(ticked.json).toMatchObject({ reminded: 1, emails: 1 });
    expect(emlFiles(join(cwd, '.sechub-alerts/outbox')).filter((name) => name.startsWith('reminder-'))).toHaveLength(1);
  });

  it('sends one email per finding when four runs read the same large input into one state file at once', async () => {
    // prepare
    const cwd = mkdtempSync(join(work, 'concurrent-'));
    const file = join(cwd, 'stream.jsonl');
    writeFileSync(file, lines(0, 2400, 100_000).join('\n'));
    expect(await worthAReadingThread([file])).toBe(true);

    // act: the system clock, so that a second email about a finding would be a second file
    const runs = await Promise.all(Array.from({ length: 4 }, () => runCli(['process', file, '--json'], { cwd })));

    // assess
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 0]);
    expect(runs.reduce((sum, run) => sum + run.json!.emails!, 0)).toBe(DISTINCT_HIGH);
    expect(emlFiles(join(cwd, '.sechub-alerts/outbox'))).toHaveLength(DISTINCT_HIGH);
  });

  it('reads small inputs and standard input on the main thread', async () => {
    // prepare
    const small = join(work, 'small.jsonl');
    writeFileSync(small, lines(0, 10, 1000).join('\n'));

    // act + assess
    expect(await worthAReadingThread([small])).toBe(false);
    expect(await worthAReadingThread([join(repoRoot, 'examples')])).toBe(false);
    expect(await worthAReadingThread(['-', join(repoRoot, 'examples'), small], 1)).toBe(false);
    expect(await worthAReadingThread([join(work, 'missing.json')])).toBe(false);
    expect(WORKER_MIN_BYTES).toBeGreaterThan(readFileSync(small).length);
  });
});

describe('a failure of the reading thread', () => {
  const workerUrl = new URL('../support/failing-read-worker.mjs', import.meta.url);
  /** The stand-in thread fails the way its one "input" names. */
  const collect = async (mode: 'report' | 'throw' | 'exit') => {
    const items: InputItem[] = [];
    let failure: Error | undefined;
    try {
      for await (const item of readInputsInParallel([mode], { workerUrl, policy: DEFAULT_POLICY })) items.push(item);
    } catch (error) {
      failure = error as Error;
    }
    return { items, failure };
  };

  it('surfaces an error it reports, after every item it read before it', async () => {
    const { items, failure } = await collect('report');
    expect(items.map((item) => (item.kind === 'unmatched' ? item.key : item.where))).toEqual(['first', 'second']);
    expect(failure?.message).toBe('EACCES: permission denied, scandir findings/private');
  });

  it('surfaces an exception it did not catch', async () => {
    const { items, failure } = await collect('throw');
    expect(items.map((item) => (item.kind === 'unmatched' ? item.key : item.where))).toEqual(['first', 'second']);
    expect(failure?.message).toBe('a bug in the reader');
  });

  it('surfaces an exit before the end of the inputs', async () => {
    const { failure } = await collect('exit');
    expect(failure?.message).toMatch(/stopped with exit code 7/);
  });
});
