import { readInputsInParallel, worthAReadingThread } from '../../adapters/files/parallel-reader.js';
import { readInputs } from '../../adapters/files/read-inputs.js';
import type { FindingItem, InputItem } from '../../adapters/files/worker-protocol.js';
import { type Counts, emptyCounts } from '../../core/engine.js';
import type { TrackedRecord } from '../../core/record.js';
import { composeLocal } from '../compose.js';

type Local = Awaited<ReturnType<typeof composeLocal>>;

import { ENGINE_OPTIONS, engineSettings, parse } from '../options.js';
import { endProgress, printSummary, progress, reportInvalid } from '../report.js';
import { UsageError } from '../usage-error.js';

export const PROCESS_HELP = `Usage: sechub-alerts process [options] [INPUT...]

Reads Security Hub findings (EventBridge events, bare ASFF or OCSF findings,
GetFindings/GetFindingsV2 output, arrays, JSON Lines) from files, directories
(recursively: .json, .jsonl, .ndjson) or standard input ("-", the default),
and emails the team about findings that are new or due for a reminder.

Options:
  --config FILE     policy file (default ./sechub-alerts.yaml if present, else the built-in policy)
  --state FILE      state database (default .sechub-alerts/state.db)
  --outbox DIR      write each email as an .eml file here (default .sechub-alerts/outbox)
  --smtp URL        send through SMTP instead, e.g. smtp://user:pass@host:587
  --clock MODE      "system" (default): now is the current time;
                    "event": now is each event's time (a bare finding's updated time)
  --dry-run         decide and report, but send and record nothing
  --json            print the summary as one JSON line
  -h, --help        show this help

Exit codes: 0 done; 1 failed (nothing recorded that was not sent);
2 bad usage or invalid policy; 3 done, but some inputs were invalid.`;

/** `sechub-alerts process`: returns the exit code. */
export async function runProcess(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...ENGINE_OPTIONS, clock: { type: 'string', default: 'system' }, 'dry-run': { type: 'boolean', default: false } },
    true,
  );
  if (values.help) {
    process.stdout.write(`${PROCESS_HELP}\n`);
    return 0;
  }
  if (values.clock !== 'system' && values.clock !== 'event')
    throw new UsageError(`--clock: expected "system" or "event", got "${values.clock}"`);
  const settings = engineSettings(values);
  const dryRun = values['dry-run'];
  const local = await composeLocal(settings, { dryRun });
  const counts: Counts = emptyCounts();
  const inputs = positionals.length > 0 ? positionals : ['-'];
  // Large inputs are read, parsed and normalised on a second thread while this one runs the engine, store and mail.
  const items: AsyncIterable<InputItem> = (await worthAReadingThread(inputs))
    ? readInputsInParallel(inputs, { policy: local.policy })
    : readInputs(inputs);
  try {
    for await (const item of items) {
      counts.read++;
      await handleItem(item, local, counts, values.clock === 'event');
      if (counts.read % 1000 === 0) progress(`${counts.read} read, ${counts.emails} emails`);
    }
  } finally {
    endProgress();
    await local.close();
  }
  printSummary(counts, { json: settings.json, mailer: local.mailerDescription, dryRun });
  if (counts.failed > 0) {
    process.stderr.write(`${counts.failed} email(s) could not be sent; nothing was recorded for them, so the next run sends them.\n`);
    return 1;
  }
  return counts.invalid > 0 ? 3 : 0;
}

/** Counts one input item, and hands a finding to the engine. */
async function handleItem(item: InputItem, local: Local, counts: Counts, eventClock: boolean): Promise<void> {
  if (item.kind === 'invalid') {
    counts.invalid++;
    reportInvalid(item.where, item.reason);
    return;
  }
  if (item.kind === 'skipped') {
    counts.ignored++;
    return;
  }
  if (item.kind === 'unmatched') {
    // Open and matched by no rule: the engine ignores it unless the store tracks it, so only then is the rest read.
    const known = await local.store.get(item.key);
    if (known === undefined) {
      counts.ignored++;
      return;
    }
    await handleFinding(await item.load(), local, counts, eventClock, known);
    return;
  }
  await handleFinding(item, local, counts, eventClock);
}

async function handleFinding(item: FindingItem, local: Local, counts: Counts, eventClock: boolean, known?: TrackedRecord): Promise<void> {
  const now = eventClock ? new Date(item.eventTime ?? item.finding.updatedAt) : new Date();
  await local.engine.handleCounted(item.finding, now, counts, known);
}
