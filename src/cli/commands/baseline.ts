import { command } from '../command.js';
import { inputOptions } from '../options.js';
import { processInputs } from './process.js';

export const baselineCommand = command({
  name: 'baseline',
  summary: 'adopt the open findings already there: record them as notified, send nothing',
  usage: '[options] [INPUT...]',
  description: `Reads findings like "process" and records every open finding in scope as
already notified at the baseline time, without sending anything: a team that
turns the notifier on for accounts with a backlog is not flooded. Reminders
then follow each rule's "every" from that time; findings that appear later
are new as usual, and digests do not list adopted findings as new. To adopt
straight from Security Hub, run "tick --security-hub --baseline".`,
  options: inputOptions(
    '"system" (default): the baseline time is now;\n"event": each event\'s time (a bare finding\'s updated time)',
    'report what would be adopted, record nothing',
  ),
  positionals: { min: 0, max: Number.POSITIVE_INFINITY, what: 'INPUT' },
  notes: `Exit codes: 0 done; 2 bad usage or invalid policy; 3 done, but some inputs were invalid.`,
  run: (values, positionals) => processInputs(values, positionals, { baseline: true }),
});
