import packageJson from '../../package.json' with { type: 'json' };
import { InvalidPolicyError, SechubAlertsError } from '../core/errors.js';
import { POLL_HELP, runPoll } from './commands/poll.js';
import { PREVIEW_HELP, runPreview } from './commands/preview.js';
import { PROCESS_HELP, runProcess } from './commands/process.js';
import { runTick, TICK_HELP } from './commands/tick.js';
import { runValidateConfig, VALIDATE_HELP } from './commands/validate-config.js';
import { UsageError } from './usage-error.js';

type Command = { run: (args: string[]) => Promise<number>; summary: string; help: string };

const COMMANDS: Record<string, Command> = {
  process: { run: runProcess, summary: 'read findings and send the emails that are due', help: PROCESS_HELP },
  tick: { run: runTick, summary: 'send due reminders and delayed first emails for tracked findings', help: TICK_HELP },
  poll: { run: runPoll, summary: 'pull updated findings from Security Hub and handle them like process', help: POLL_HELP },
  'validate-config': { run: runValidateConfig, summary: 'check a policy file', help: VALIDATE_HELP },
  preview: { run: runPreview, summary: 'render the email for the first finding in a file', help: PREVIEW_HELP },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const list = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join('\n');
  return `Usage: sechub-alerts <command> [options]

Emails your team about AWS Security Hub findings that matter: once when new,
then a reminder at a chosen interval while they stay open. Never a duplicate.

Commands:
${list}

Run "sechub-alerts help <command>" or "sechub-alerts <command> --help" for a command's options.
Options: --version, --help`;
}

/** Runs the command line and returns the exit code. Errors become exit codes here, and only here. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === '--version' || name === '-v') {
      process.stdout.write(`${packageJson.version}\n`);
      return 0;
    }
    if (name === 'help' && args[0] !== undefined) {
      const command = COMMANDS[args[0]];
      if (!command) throw new UsageError(`unknown command "${args[0]}"`);
      process.stdout.write(`${command.help}\n`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(`${usage()}\n`);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`sechub-alerts: ${error.message}\nRun "sechub-alerts --help" for usage.\n`);
      return 2;
    }
    if (error instanceof InvalidPolicyError) {
      process.stderr.write(`sechub-alerts: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof SechubAlertsError ? error.message : ((error as Error)?.stack ?? String(error));
    process.stderr.write(`sechub-alerts: failed: ${message}\n`);
    return 1;
  }
}
