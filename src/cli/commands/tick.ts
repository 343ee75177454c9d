import { composeLocal } from '../compose.js';
import { ENGINE_OPTIONS, engineSettings, parse, parseInstant } from '../options.js';
import { printSummary } from '../report.js';

export const TICK_HELP = `Usage: sechub-alerts tick [options]

Evaluates every tracked open finding at one moment, so that reminders and
delayed first notifications go out even when Security Hub sends nothing new.
Run it from cron or a systemd timer (hourly is plenty).

Options:
  --now ISO-8601    evaluate as of this time (default: the current time)
  --config FILE     policy file (default ./sechub-alerts.yaml if present, else the built-in policy)
  --state FILE      state database (default .sechub-alerts/state.db)
  --outbox DIR      write each email as an .eml file here (default .sechub-alerts/outbox)
  --smtp URL        send through SMTP instead
  --json            print the summary as one JSON line
  -h, --help        show this help`;

/** `sechub-alerts tick`: returns the exit code. */
export async function runTick(args: string[]): Promise<number> {
  const { values } = parse(args, { ...ENGINE_OPTIONS, now: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${TICK_HELP}\n`);
    return 0;
  }
  const now = values.now ? parseInstant(values.now, '--now') : new Date();
  const settings = engineSettings(values);
  const local = await composeLocal(settings);
  let counts: Awaited<ReturnType<typeof local.engine.tick>>;
  try {
    counts = await local.engine.tick(now);
  } finally {
    await local.close();
  }
  printSummary(counts, { json: settings.json, mailer: local.mailerDescription });
  return counts.failed > 0 ? 1 : 0;
}
