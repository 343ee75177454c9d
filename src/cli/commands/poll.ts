import { parseDuration } from '../../core/duration.js';
import { type Counts, emptyCounts } from '../../core/engine.js';
import { TransientError } from '../../core/errors.js';
import { pollOnce } from '../../core/poll.js';
import { systemClock } from '../../core/ports.js';
import { composeLocal } from '../compose.js';
import { ENGINE_OPTIONS, engineSettings, parse, parseInstant } from '../options.js';
import { printSummary, reportInvalid } from '../report.js';
import { composeSecurityHub, parseFormat, SECURITY_HUB_NOTE, SECURITY_HUB_OPTIONS, securityHubHelp, stopSignal } from '../security-hub.js';
import { UsageError } from '../usage-error.js';

export const POLL_HELP = `Usage: sechub-alerts poll [options]

Pulls the findings updated since its saved cursor from Security Hub and
handles them exactly as "process" does, for a notifier that runs on a server
or in a container instead of EventBridge and Lambda. Each pass starts a little
before the cursor (--overlap), since updates can land late; findings read
twice are never announced twice. Ctrl-C or SIGTERM stops it cleanly.

Options:
  --interval DURATION  time between passes (default 5m)
  --once               one pass, then exit
${securityHubHelp(21, 'default asff')}
  --since ISO-8601     where the very first pass starts (default: one day ago)
  --overlap DURATION   how far before the cursor each pass starts (default 30m)
  --config FILE        policy file (default ./sechub-alerts.yaml if present, else the built-in policy)
  --state FILE         state database, which also keeps the cursor (default .sechub-alerts/state.db)
  --outbox DIR         write each email as an .eml file here (default .sechub-alerts/outbox)
  --smtp URL           send through SMTP instead
  --json               print each pass's summary as one JSON line
  -h, --help           show this help

${SECURITY_HUB_NOTE}

Exit codes: 0 done; 1 failed, or some emails could not be sent (the next pass
sends them); 2 bad usage; 3 done, but some findings were invalid.`;

function duration(text: string, option: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || (option === '--interval' && ms === 0))
    throw new UsageError(`${option}: expected a duration like "5m", got "${text}"`);
  return ms;
}

/** `sechub-alerts poll`: returns the exit code. */
export async function runPoll(args: string[]): Promise<number> {
  const { values } = parse(args, {
    ...ENGINE_OPTIONS,
    ...SECURITY_HUB_OPTIONS,
    interval: { type: 'string', default: '5m' },
    once: { type: 'boolean', default: false },
    since: { type: 'string' },
    overlap: { type: 'string', default: '30m' },
  });
  if (values.help) {
    process.stdout.write(`${POLL_HELP}\n`);
    return 0;
  }
  const interval = duration(values.interval, '--interval');
  const overlapMs = duration(values.overlap, '--overlap');
  const firstSince = values.since ? parseInstant(values.since, '--since') : new Date(Date.now() - 86_400_000);
  const api = parseFormat(values.format) ?? 'asff';
  const settings = engineSettings(values);
  const hub = composeSecurityHub({ writeBack: values['write-back'] });
  const local = await composeLocal(settings, { afterSend: hub.writeBack?.afterSend });
  const signal = stopSignal();
  const total: Counts = emptyCounts();
  try {
    for (;;) {
      const counts = emptyCounts();
      try {
        const options = { engine: local.engine, reader: hub.reader, cursors: local.store, api, clock: systemClock, overlapMs, firstSince };
        await pollOnce({ ...options, shouldStop: signal.stopping, onInvalid: reportInvalid }, counts);
      } catch (error) {
        // A long-running poller rides out an outage; a single pass reports it.
        if (values.once || !(error instanceof TransientError)) throw error;
        process.stderr.write(`poll: ${error.message}; trying again in ${values.interval}\n`);
      }
      await hub.writeBack?.flush();
      printSummary(counts, { json: settings.json, mailer: local.mailerDescription });
      for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key];
      if (values.once || signal.stopping()) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([signal.signalled, new Promise((resolve) => (timer = setTimeout(resolve, interval)))]);
      clearTimeout(timer);
      if (signal.stopping()) break;
    }
  } finally {
    signal.dispose();
    await hub.close();
    await local.close();
  }
  if (total.failed > 0) return 1;
  return total.invalid > 0 ? 3 : 0;
}
