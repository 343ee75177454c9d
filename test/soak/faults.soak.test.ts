import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dueId } from '../builders/inputs.js';
import { killAndRestart, killFigures, writeBatches } from '../reliability/support/kill-runs.js';
import { REMINDER_TIME, smtpFaultScenario } from '../reliability/support/smtp-scenario.js';

/**
 * The fault tests of npm test, longer: more findings, a larger share of
 * SMTP faults, many more kills, and a restart after really waiting the
 * two-minute lease out (no clock tricks).
 */

const work = mkdtempSync(join(tmpdir(), 'sechub-soak-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('SMTP failing for 40% of sends, four workers at once', () => {
  it('delivers all 1,200 due notifications, a copy only after a lost reply, nothing lost', async () => {
    // act
    const result = await smtpFaultScenario({ due: 600, share: 0.4, workers: 4, seed: 6, maxRuns: 60 });

    // assess
    console.info(
      `figures: ${JSON.stringify({ ...result.figures, attempts: result.attempts, injected: result.injected, processRuns: result.processed.runs, tickRuns: result.ticked.runs })}`,
    );
    expect(result.figures).toMatchObject({ due: 1200, sent: 1200, lost: 0, unexpected: 0, duplicatesShareMessageId: true });
    expect(result.figures.duplicated).toBeLessThanOrEqual(result.injected['lost-reply']);
    expect(result.state).toMatchObject({ integrity: 'ok', inconsistent: 0, claimed: 0 });
    for (const record of result.state.records)
      expect(record.rules['critical-and-high']).toEqual({ lastNotifiedAt: REMINDER_TIME.toISOString() });
  });
});

describe('kill -9 of the command, 40 times, then a restart after waiting the lease out', () => {
  it('sends every due notification; duplicates only where a kill fell between an email and its record update', async () => {
    // prepare: forty runs, each with 150 new due findings and the previous 150 again
    const dir = mkdtempSync(join(work, 'kill-'));
    const batches = writeBatches(dir, 40, 150);

    // act
    const report = await killAndRestart({
      dir,
      args: batches.args,
      kills: 40,
      minDelayMs: 200,
      maxDelayMs: 3000,
      seed: 15,
      afterLease: 'wait',
    });
    const figures = killFigures(
      report,
      dir,
      batches.due.map((i) => ({ findingId: dueId(i), kind: 'new' })),
    );

    // assess
    console.info(`figures: ${JSON.stringify({ ...figures, state: undefined })}`);
    expect(report.final.code, report.final.stderr).toBe(0);
    expect(figures).toMatchObject({ due: 6000, sent: 6000, lost: 0, unexpected: 0 });
    expect(figures.duplicated).toBeLessThanOrEqual(report.killedRunning);
    for (const gap of figures.duplicateGapsMs) expect(gap).not.toBe(Number.POSITIVE_INFINITY);
    expect(figures.state).toMatchObject({ integrity: 'ok', inconsistent: 0, claimed: 0 });
  });
});
