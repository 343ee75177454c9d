import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalized } from '../../builders/asff.js';
import { dueFinding, dueId, ignoredFinding } from '../../builders/inputs.js';
import { auditState, processUntilDone, tally, tickUntilDone } from './fault-runs.js';
import { type SmtpFault, startFaultySmtp } from './faulty-smtp.js';

/**
 * SMTP failing for a share of sends while several workers process the same
 * input at once, run after run; then a tick 15 days later owes every
 * reminder, under the same faults. Used by npm test and, bigger, the soak.
 */

const ALL_FAULTS: SmtpFault[] = ['421', '451', '554', 'drop', 'stall', 'lost-reply'];
const EVENT_TIME = new Date('2026-01-10T10:00:05Z');
export const REMINDER_TIME = new Date('2026-01-25T10:00:05Z');

export async function smtpFaultScenario(options: { due: number; share: number; workers: number; seed: number; maxRuns: number }) {
  const work = mkdtempSync(join(tmpdir(), 'sechub-smtp-faults-'));
  const smtp = await startFaultySmtp({ share: options.share, faults: ALL_FAULTS, seed: options.seed });
  try {
    const statePath = join(work, 'state.db');
    const findings = Array.from({ length: options.due }, (_, i) => normalized(dueFinding(i)));
    const ignored = Array.from({ length: options.due / 2 }, (_, i) => normalized(ignoredFinding(i)));
    // Every due finding arrives twice, as Security Hub re-sends unchanged findings.
    const input = [...findings, ...ignored, ...findings].map((finding) => ({ finding, now: EVENT_TIME }));
    const run = { statePath, smtpUrl: smtp.url, workers: options.workers, timeoutMs: 400, maxRuns: options.maxRuns };

    const processed = await processUntilDone(run, input);
    const afterProcess = { ...smtp.injected };
    const ticked = await tickUntilDone(run, REMINDER_TIME);

    const due = findings.flatMap((_, i) => [
      { findingId: dueId(i), kind: 'new' },
      { findingId: dueId(i), kind: 'reminder' },
    ]);
    return {
      processed,
      ticked,
      attempts: smtp.attempts(),
      injected: { ...smtp.injected },
      injectedDuringProcess: afterProcess,
      figures: tally(smtp.delivered, due),
      state: auditState(statePath),
    };
  } finally {
    await smtp.close();
    rmSync(work, { recursive: true, force: true });
  }
}
