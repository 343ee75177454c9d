import packageJson from '../../package.json' with { type: 'json' };
import { InvalidPolicyError, SechubAlertsError } from '../core/errors.js';
import { type Command, type CommandResult, helpOf, type OptionTable, parseCommandLine } from './command.js';
import { baselineCommand } from './commands/baseline.js';
import { explainCommand } from './commands/explain.js';
import { pollCommand } from './commands/poll.js';
import { previewCommand } from './commands/preview.js';
import { processCommand } from './commands/process.js';
import { statusCommand } from './commands/status.js';
import { tickCommand } from './commands/tick.js';
import { validateConfigCommand } from './commands/validate-config.js';
import { UsageError } from './usage-error.js';

const COMMANDS: Command<OptionTable>[] = [
  processCommand,
  tickCommand,
  pollCommand,
  baselineCommand,
  statusCommand,
  explainCommand,
  validateConfigCommand,
  previewCommand,
].map((spec) => spec as unknown as Command<OptionTable>);

function find(name: string): Command<OptionTable> {
  const spec = COMMANDS.find((candidate) => candidate.name === name);
  if (!spec) throw new UsageError(`unknown command "${name}"`);
  return spec;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((spec) => spec.name.length));
  const list = COMMANDS.map((spec) => `  ${spec.name.padEnd(width)}  ${spec.summary}`).join('\n');
  return `Usage: sechub-alerts <command> [options]

Emails your team about AWS Security Hub findings that matter: once when new,
then a reminder at a chosen interval while they stay open. Never a duplicate.

Commands:
${list}

Run "sechub-alerts help <command>" or "sechub-alerts <command> --help" for a command's options.
Options: --version, --help`;
}

/** What a command's result means as an exit code: 1 when deliveries failed, 3 when inputs were invalid, else 0. */
function exitCodeOf(result: CommandResult): number {
  if (result.failed > 0) return 1;
  return result.invalid > 0 ? 3 : 0;
}

/** Runs the command line and returns the exit code. Results and errors become exit codes here, and only here. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === '--version' || name === '-v') {
      process.stdout.write(`${packageJson.version}\n`);
      return 0;
    }
    if (name === 'help' && args[0] !== undefined) {
      process.stdout.write(`${helpOf(find(args[0]))}\n`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(`${usage()}\n`);
      return name === undefined ? 2 : 0;
    }
    const spec = find(name);
    const { values, positionals, help } = parseCommandLine(spec, args);
    if (help) {
      process.stdout.write(`${helpOf(spec)}\n`);
      return 0;
    }
    return exitCodeOf(await spec.run(values, positionals));
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
