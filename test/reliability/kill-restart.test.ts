import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dueId } from '../builders/inputs.js';
import { killAndRestart, killFigures, writeBatches, writeEvents } from './support/kill-runs.js';

/**
 * `kill -9` of `sechub-alerts process` (the built command) at random points,
 * eight runs in a row like a cron job that keeps dying, then a restart after
 * the lease of the claims the kills left behind. The restart comes "three minutes later" by running the
 * command's wall clock ahead; the soak suite waits the lease out for real.
 */

const work = mkdtempSync(join(tmpdir(), 'sechub-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('kill -9 at random points, then a restart', () => {
  it('sends every due notification, a second copy only where a kill fell between an email and its record update', async () => {
    // prepare: eight runs, each with 60 new due findings and the previous 60 again
    const dir = mkdtempSync(join(work, 'process-'));
    const batches = writeBatches(dir, 8, 60);

    // act
    const report = await killAndRestart({
      dir,
      args: batches.args,
      kills: 8,
      minDelayMs: 300,
      maxDelayMs: 1800,
      seed: 6,
      afterLease: 'clock-ahead',
    });
    const figures = killFigures(
      report,
      dir,
      batches.due.map((i) => ({ findingId: dueId(i), kind: 'new' })),
    );
    console.info(`figures: ${JSON.stringify({ ...figures, state: undefined })}`);

    // assess
    expect(report.final.code, report.final.stderr).toBe(0);
    expect(report.killedRunning).toBeGreaterThanOrEqual(2);
    expect(figures).toMatchObject({ due: 480, sent: 480, lost: 0, unexpected: 0 });
    // One process handles one finding at a time: each kill can interrupt at most one email's record update.
    expect(figures.duplicated).toBeLessThanOrEqual(report.killedRunning);
    for (const gap of figures.duplicateGapsMs) expect(gap).not.toBe(Number.POSITIVE_INFINITY);
    expect(figures.state).toMatchObject({ integrity: 'ok', inconsistent: 0, claimed: 0 });
    expect(figures.state.records.filter((record) => record.open && record.rules['critical-and-high'])).toHaveLength(480);
  });

  it('sends every due reminder when tick is killed the same way', async () => {
    // prepare: 120 findings notified once; a tick 15 days later owes every reminder
    const dir = mkdtempSync(join(work, 'tick-'));
    const due = Array.from({ length: 120 }, (_, i) => i);
    writeEvents(join(dir, 'events.jsonl'), due);
    await killAndRestart({
      dir,
      args: () => ['process', 'events.jsonl', '--clock', 'event'],
      kills: 0,
      minDelayMs: 0,
      maxDelayMs: 0,
      seed: 1,
      afterLease: 'clock-ahead',
    });

    // act
    const report = await killAndRestart({
      dir,
      args: () => ['tick', '--now', '2026-01-25T10:00:05Z'],
      kills: 6,
      minDelayMs: 150,
      maxDelayMs: 2000,
      seed: 7,
      afterLease: 'clock-ahead',
    });
    const figures = killFigures(
      report,
      dir,
      due.flatMap((i) => [
        { findingId: dueId(i), kind: 'new' },
        { findingId: dueId(i), kind: 'reminder' },
      ]),
    );
    console.info(`figures: ${JSON.stringify({ ...figures, state: undefined })}`);

    // assess: tick decides at --now, so a resend has the same notification id and the outbox keeps one file
    expect(report.final.code, report.final.stderr).toBe(0);
    expect(figures).toMatchObject({ due: 240, sent: 240, duplicated: 0, lost: 0, unexpected: 0 });
    expect(figures.state).toMatchObject({ integrity: 'ok', inconsistent: 0, claimed: 0 });
  });
});
