import { type Counts, emptyCounts } from '../../core/engine.js';
import { Sweep, type SweepResult, sweepThenTick } from '../../core/sweep.js';
import { composeLocal } from '../compose.js';
import { ENGINE_OPTIONS, engineSettings, parse, parseInstant } from '../options.js';
import { printSummary } from '../report.js';
import { composeSecurityHub, parseFormat, SECURITY_HUB_NOTE, SECURITY_HUB_OPTIONS, securityHubHelp, stopSignal } from '../security-hub.js';
import { UsageError } from '../usage-error.js';

export const TICK_HELP = `Usage: sechub-alerts tick [options]

Evaluates every tracked open finding at one moment, so that reminders and
delayed first notifications go out even when Security Hub sends nothing new.
Run it from cron or a systemd timer (hourly is plenty).

With --security-hub it first sweeps: it asks Security Hub which tracked
findings are still active and resolves the others (a finding Security Hub no
longer returns counts as closed), so no reminder goes out for a finding that
closed meanwhile. A sweep stopped by Ctrl-C continues where it stopped on the
next run. Daily is plenty for the sweep.

Options:
  --now ISO-8601    evaluate as of this time (default: the current time)
  --security-hub    sweep Security Hub first
${securityHubHelp(18, 'default: each in its own')}
  --config FILE     policy file (default ./sechub-alerts.yaml if present, else the built-in policy)
  --state FILE      state database (default .sechub-alerts/state.db)
  --outbox DIR      write each email as an .eml file here (default .sechub-alerts/outbox)
  --smtp URL        send through SMTP instead
  --json            print the summary as one JSON line
  -h, --help        show this help

${SECURITY_HUB_NOTE}`;

/** `sechub-alerts tick`: returns the exit code. */
export async function runTick(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...ENGINE_OPTIONS,
    ...SECURITY_HUB_OPTIONS,
    now: { type: 'string' },
    'security-hub': { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(`${TICK_HELP}\n`);
    return 0;
  }
  const now = values.now ? parseInstant(values.now, '--now') : new Date();
  const api = parseFormat(values.format);
  const sweeping = values['security-hub'];
  if (!sweeping && (api || values['write-back'])) throw new UsageError('--format and --write-back go with --security-hub');
  const settings = engineSettings(values);
  const hub = sweeping ? composeSecurityHub({ writeBack: values['write-back'] }) : undefined;
  const local = await composeLocal(settings, { afterSend: hub?.writeBack?.afterSend });
  const signal = stopSignal();
  const counts: Counts = emptyCounts();
  let sweep: SweepResult | undefined;
  try {
    if (hub) {
      const { store, engine, policy } = local;
      const onProblem = (line: string) => process.stderr.write(`sweep: ${line}\n`);
      const job = new Sweep({ store, engine, policy, reader: hub.reader, api, shouldStop: signal.stopping, onProblem });
      ({ sweep } = await sweepThenTick(job, engine, now, counts));
    } else {
      await local.engine.tick(now, counts);
    }
  } finally {
    signal.dispose();
    await hub?.close();
    await local.close();
  }
  report(counts, sweep, settings.json, local.mailerDescription);
  return counts.failed > 0 ? 1 : 0;
}

function report(counts: Counts, sweep: SweepResult | undefined, json: boolean, mailer: string): void {
  if (!sweep) {
    printSummary(counts, { json, mailer });
    return;
  }
  const summary = {
    done: sweep.done,
    strategies: sweep.groups.map((g) => `${g.api}:${g.strategy}`),
    ...sweep.totals,
    callsNow: sweep.calls,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...counts, sweep: summary })}\n`);
    return;
  }
  printSummary(counts, { json, mailer });
  const t = sweep.totals;
  const state = sweep.done ? 'complete' : 'stopped early; the next run continues it (no reminders sent meanwhile)';
  process.stdout.write(
    `sweep ${state}: ${t.checked} checked, ${t.active} active, ${t.closed} closed, ${t.missing} gone, ${t.deferred} deferred; ` +
      `${t.calls} Security Hub calls (${summary.strategies.join(', ') || 'nothing tracked'})\n`,
  );
}
