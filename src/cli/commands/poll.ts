import { systemClock } from '../../adapters/system/runtime.js';
import { emptyCounts } from '../../app/counts.js';
import { pollOnce } from '../../app/poll.js';
import { TransientError } from '../../core/errors.js';
import { command } from '../command.js';
import { composeLocal } from '../compose.js';
import {
  ENGINE_OPTIONS,
  engineSettings,
  parseDurationOption,
  parseFormat,
  parseInstant,
  SECURITY_HUB_NOTE,
  securityHubOptions,
} from '../options.js';
import { printSummary, reportInvalid } from '../report.js';
import { composeSecurityHub, stopSignal } from '../security-hub.js';

export const pollCommand = command({
  name: 'poll',
  summary: 'pull updated findings from Security Hub and handle them like process',
  usage: '[options]',
  description: `Pulls the findings updated since its saved cursor from Security Hub and
handles them exactly as "process" does, for a notifier that runs on a server
or in a container instead of EventBridge and Lambda. Each pass starts a little
before the cursor (--overlap), since updates can land late; findings read
twice are never announced twice. Ctrl-C or SIGTERM stops it cleanly.`,
  options: {
    interval: { type: 'string', default: '5m', value: 'DURATION', help: 'time between passes (default 5m)' },
    once: { type: 'boolean', default: false, help: 'one pass, then exit' },
    ...securityHubOptions('default asff'),
    since: { type: 'string', value: 'ISO-8601', help: 'where the very first pass starts (default: one day ago)' },
    overlap: { type: 'string', default: '30m', value: 'DURATION', help: 'how far before the cursor each pass starts (default 30m)' },
    ...ENGINE_OPTIONS,
    state: {
      ...ENGINE_OPTIONS.state,
      help: `where records and the cursor are kept: a SQLite file (default
.sechub-alerts/state.db), or dynamodb://TABLE, an AWS deployment's table`,
    },
    json: { type: 'boolean', default: false, help: "print each pass's summary as one JSON line" },
  },
  notes: `${SECURITY_HUB_NOTE}

Exit codes: 0 done; 1 failed, or some emails could not be sent (the next pass
sends them); 2 bad usage; 3 done, but some findings were invalid.`,
  async run(values) {
    const interval = parseDurationOption(values.interval, '--interval', true);
    const overlapMs = parseDurationOption(values.overlap, '--overlap');
    const firstSince = values.since ? parseInstant(values.since, '--since') : new Date(Date.now() - 86_400_000);
    const api = parseFormat(values.format) ?? 'asff';
    const settings = engineSettings(values);
    const hub = await composeSecurityHub({ writeBack: values['write-back'] });
    const local = await composeLocal(settings, { afterSend: hub.afterSend });
    const signal = stopSignal();
    const pass = {
      notifier: local.notifier,
      source: hub.source,
      cursors: local.store,
      api,
      clock: systemClock,
      overlapMs,
      firstSince,
      shouldStop: signal.stopping,
      onInvalid: reportInvalid,
    };
    const total = { failed: 0, invalid: 0 };
    try {
      for (;;) {
        const counts = emptyCounts();
        try {
          await pollOnce(pass, counts);
        } catch (error) {
          // A long-running poller rides out an outage; a single pass reports it.
          if (values.once || !(error instanceof TransientError)) throw error;
          process.stderr.write(`poll: ${error.message}; trying again in ${values.interval}\n`);
        }
        await hub.flush();
        printSummary(counts, { json: settings.json, mailer: local.mailerDescription });
        total.failed += counts.failed;
        total.invalid += counts.invalid;
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
    return total;
  },
});
