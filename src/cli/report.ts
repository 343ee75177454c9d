import type { Counts } from '../app/counts.js';

/** Prints the run's summary: a JSON line with `--json`, else a short table. */
export function printSummary(counts: Counts, options: { json: boolean; mailer: string; dryRun?: boolean }): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return;
  }
  const rows: [string, number][] = [
    ['read', counts.read],
    ['invalid', counts.invalid],
    ['ignored', counts.ignored],
    ['notified (new)', counts.notified],
    ['reminded', counts.reminded],
    ['suppressed', counts.suppressed],
    ...(counts.snoozed > 0 ? ([['snoozed', counts.snoozed]] as [string, number][]) : []),
    ['resolved', counts.resolved],
    ...(counts.adopted > 0 ? ([['adopted (baseline)', counts.adopted]] as [string, number][]) : []),
    ['emails sent', counts.emails],
    ...(counts.messages > 0 ? ([['messages sent', counts.messages]] as [string, number][]) : []),
    [counts.messages > 0 ? 'failed' : 'emails failed', counts.failed],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${String(value).padStart(7)}`);
  const where = options.dryRun ? 'dry run: nothing sent or recorded' : `emails: ${options.mailer}`;
  process.stdout.write(`${lines.join('\n')}\n${where}\n`);
}

/** One stderr line when some notifications could not be delivered. */
export function reportUndelivered(counts: Counts): void {
  if (counts.failed > 0)
    process.stderr.write(
      `${counts.failed} delivery(ies) could not be made; they are not recorded as sent, so a later run delivers them (and only them).\n`,
    );
}

/** One stderr line per bad input item: where it was and why. */
export function reportInvalid(where: string, reason: string): void {
  process.stderr.write(`invalid: ${where}: ${reason}\n`);
}

/** Progress on stderr, only when stderr is a terminal. */
export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\u001b[2K${message}`);
}

export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\u001b[2K');
}
