import { readInputsInParallel, worthAReadingThread } from '../../adapters/files/parallel-reader.js';
import { readInputs } from '../../adapters/files/read-inputs.js';
import type { FindingItem, InputItem } from '../../adapters/files/worker-protocol.js';
import { type Counts, emptyCounts } from '../../app/counts.js';
import type { TrackedRecord } from '../../core/record.js';
import { command } from '../command.js';
import { composeLocal, type Local } from '../compose.js';
import { engineSettings, inputOptions } from '../options.js';
import { endProgress, printSummary, progress, reportInvalid, reportUndelivered } from '../report.js';
import { UsageError } from '../usage-error.js';

export const processCommand = command({
  name: 'process',
  summary: 'read findings and send the emails that are due',
  usage: '[options] [INPUT...]',
  description: `Reads Security Hub findings (EventBridge events, bare ASFF or OCSF findings,
GetFindings/GetFindingsV2 output, arrays, JSON Lines) from files, directories
(recursively: .json, .jsonl, .ndjson) or standard input ("-", the default),
and emails the team about findings that are new or due for a reminder.`,
  options: inputOptions(
    '"system" (default): now is the current time;\n"event": now is each event\'s time (a bare finding\'s updated time)',
    'decide and report, but send and record nothing',
  ),
  positionals: { min: 0, max: Number.POSITIVE_INFINITY, what: 'INPUT' },
  notes: `Exit codes: 0 done; 1 failed (nothing recorded that was not sent);
2 bad usage or invalid policy; 3 done, but some inputs were invalid.`,
  run: (values, positionals) => processInputs(values, positionals, { baseline: false }),
});

/** Reads the inputs and hands each finding to the notifier: `process`, or `baseline` when nothing is to be sent. */
export async function processInputs(
  values: { clock: string; 'dry-run': boolean } & Parameters<typeof engineSettings>[0],
  positionals: string[],
  options: { baseline: boolean },
): Promise<{ failed: number; invalid: number }> {
  if (values.clock !== 'system' && values.clock !== 'event')
    throw new UsageError(`--clock: expected "system" or "event", got "${values.clock}"`);
  const settings = engineSettings(values);
  const dryRun = values['dry-run'];
  const local = await composeLocal(settings, { dryRun, baseline: options.baseline });
  const counts: Counts = emptyCounts();
  const inputs = positionals.length > 0 ? positionals : ['-'];
  // Large inputs are read, parsed and normalised on a second thread while this one runs the notifier, store and mail.
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
  reportUndelivered(counts);
  return { failed: counts.failed, invalid: counts.invalid };
}

/** Counts one input item, and hands a finding to the notifier. */
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
    // Open and matched by no rule: the notifier ignores it unless the store tracks it, so only then is the rest read.
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
  await local.notifier.handleCounted(item.finding, now, counts, known);
}
