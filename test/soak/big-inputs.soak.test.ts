import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedCounts, jsonLines, type LineMix, writeDocument } from '../builders/inputs.js';
import { MIB, runCli } from '../reliability/support/cli-child.js';

/**
 * Bounded memory at full size: 1,000,000 JSON Lines through standard input
 * and one 200 MB JSON document, through the built command. Peak resident
 * memory is the kernel's high-water mark of the command's process.
 */

const work = mkdtempSync(join(tmpdir(), 'sechub-soak-big-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('large inputs at full size', () => {
  it('reads 1,000,000 JSON Lines from standard input in bounded memory', async () => {
    // prepare: 1% due findings cycling over 2,000 ids, one broken line in 100,000
    const mix: LineMix = { count: 1_000_000, dueEvery: 100, distinctDue: 2_000, invalidEvery: 100_000 };
    const expected = expectedCounts(mix);
    const dir = mkdtempSync(join(work, 'lines-'));

    // act
    const started = Date.now();
    const run = await runCli(['process', '-', '--state', 'state.db', '--outbox', 'outbox', '--json', '--clock', 'event'], {
      cwd: dir,
      input: jsonLines(mix),
      measureMemory: true,
    });

    // assess
    expect(run.code, run.stderr.slice(-2000)).toBe(3);
    expect(run.counts).toMatchObject({ ...expected, emails: expected.notified, failed: 0 });
    expect(readdirSync(join(dir, 'outbox'))).toHaveLength(expected.notified);
    expect(run.peak!.maxRssBytes).toBeLessThan(300 * MIB);
    console.info(
      `figures: 1,000,000 lines, ${JSON.stringify(run.counts)}, peak RSS ${(run.peak!.maxRssBytes / MIB).toFixed(1)} MB, peak heap ${(run.peak!.maxHeapUsedBytes / MIB).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(0)} s on this machine`,
    );
  });

  it.each(['array', 'event'] as const)('reads a 200 MB JSON document (%s) in bounded memory', async (shape) => {
    // prepare
    const dir = mkdtempSync(join(work, `${shape}-`));
    const written = await writeDocument(join(dir, 'findings.json'), 200 * MIB, shape, 100);

    // act
    const started = Date.now();
    const run = await runCli(['process', 'findings.json', '--state', 'state.db', '--outbox', 'outbox', '--json'], {
      cwd: dir,
      measureMemory: true,
    });
    rmSync(join(dir, 'findings.json'));

    // assess
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(run.counts).toMatchObject({ read: written.items, invalid: 0, notified: written.due, emails: written.due });
    expect(run.peak!.maxRssBytes).toBeLessThan(300 * MIB);
    console.info(
      `figures: ${(written.bytes / MIB).toFixed(0)} MB ${shape}, ${written.items} findings, peak RSS ${(run.peak!.maxRssBytes / MIB).toFixed(1)} MB, peak heap ${(run.peak!.maxHeapUsedBytes / MIB).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(0)} s on this machine`,
    );
  });
});
