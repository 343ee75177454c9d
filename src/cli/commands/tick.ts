import { adoptBacklog } from '../../app/baseline.js';
import { type Counts, emptyCounts } from '../../app/counts.js';
import type { DigestCounts } from '../../app/digest.js';
import { sweepThenTick } from '../../app/scheduled-run.js';
import { Sweep, type SweepResult } from '../../app/sweep/sweep.js';
import { tick } from '../../app/tick.js';
import { command } from '../command.js';
import { composeLocal } from '../compose.js';
import { digestLine, sendLocalDigests } from '../digests.js';
import { ENGINE_OPTIONS, engineSettings, nowOf, parseFormat, SECURITY_HUB_NOTE, securityHubOptions } from '../options.js';
import { printSummary, reportInvalid, reportUndelivered } from '../report.js';
import { composeSecurityHub, stopSignal } from '../security-hub.js';
import { UsageError } from '../usage-error.js';

export const tickCommand = command({
  name: 'tick',
  summary: 'send due reminders and delayed first emails for tracked findings',
  usage: '[options]',
  description: `Evaluates every tracked open finding at one moment, so that reminders and
delayed first notifications go out even when Security Hub sends nothing new;
then sends the digests whose scheduled time has come (a policy rule with
notify.digest). Run it from cron or a systemd timer (hourly is plenty, and
lets digests go out within the hour of their time).

With --security-hub it first sweeps: it asks Security Hub which tracked
findings are still active and resolves the others (a finding Security Hub no
longer returns counts as closed), so no reminder goes out for a finding that
closed meanwhile. A sweep stopped by Ctrl-C continues where it stopped on the
next run. Daily is plenty for the sweep.`,
  options: {
    now: { type: 'string', value: 'ISO-8601', help: 'evaluate as of this time (default: the current time)' },
    'security-hub': { type: 'boolean', default: false, help: 'sweep Security Hub first' },
    baseline: {
      type: 'boolean',
      default: false,
      help: 'with --security-hub: instead, adopt every active finding in scope as\nalready notified now, and send nothing (see "baseline")',
    },
    ...securityHubOptions('default: each in its own'),
    ...ENGINE_OPTIONS,
  },
  notes: SECURITY_HUB_NOTE,
  async run(values) {
    const now = nowOf(values.now);
    const api = parseFormat(values.format);
    const sweeping = values['security-hub'];
    if (!sweeping && (api || values['write-back'] || values.baseline))
      throw new UsageError('--format, --write-back and --baseline go with --security-hub');
    const settings = engineSettings(values);
    const hub = sweeping ? await composeSecurityHub({ writeBack: values['write-back'] && !values.baseline }) : undefined;
    const local = await composeLocal(settings, { afterSend: hub?.afterSend, baseline: values.baseline });
    const signal = stopSignal();
    const counts: Counts = emptyCounts();
    let sweep: SweepResult | undefined;
    let digests: DigestCounts | undefined;
    try {
      const { store, notifier, policy } = local;
      // A baseline run sends nothing: no reminders, no digests.
      let ticked = !values.baseline;
      if (hub && values.baseline) {
        const deps = { notifier, source: hub.source, cursors: store, policy, shouldStop: signal.stopping, onInvalid: reportInvalid };
        await adoptBacklog(deps, now, counts, api ? [api] : undefined);
      } else if (hub) {
        const onProblem = (line: string) => process.stderr.write(`sweep: ${line}\n`);
        const job = new Sweep({ store, notifier, policy, source: hub.source, api, shouldStop: signal.stopping, onProblem });
        ({ sweep, ticked } = await sweepThenTick(job, { store, notifier }, now, counts));
      } else {
        await tick({ store, notifier }, now, counts);
      }
      if (ticked) digests = await sendLocalDigests(local, now);
    } finally {
      signal.dispose();
      await hub?.close();
      await local.close();
    }
    // The digests' counts ride along in the one JSON summary line, and follow the table otherwise.
    report(digests ? Object.assign({}, counts, { digests }) : counts, sweep, settings.json, local.mailerDescription);
    if (digests && !settings.json) process.stdout.write(digestLine(digests));
    reportUndelivered(counts);
    return { failed: counts.failed + (digests?.failed ?? 0), invalid: counts.invalid };
  },
});

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
