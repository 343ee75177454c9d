import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/**
 * One table per command describes its options; the parser configuration and
 * the help text are both made from it, so they cannot disagree.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  /** The value's placeholder in the help, e.g. "FILE" (string options). */
  value?: string;
  /** What the option does; several lines are aligned under the first. */
  help: string;
}

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : S extends { default: string } ? string : string | undefined;

/** The parsed values of a table: booleans, strings, and strings that may be missing. */
export type Values<T extends OptionTable> = { [K in keyof T]: ValueOf<T[K]> };

/** What a command reports back; main.ts turns it into the exit code. */
export interface CommandResult {
  /** Notifications that could not be delivered (a later run delivers them): exit code 1. */
  failed: number;
  /** Input items that could not be read (each was reported): exit code 3. */
  invalid: number;
}

export const DONE: CommandResult = Object.freeze({ failed: 0, invalid: 0 });

export interface Command<T extends OptionTable = OptionTable> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows the command name in the usage line, e.g. "[options] [INPUT...]". */
  usage: string;
  /** Paragraphs between the usage line and the options. */
  description: string;
  options: T;
  /** Positional arguments: how many are allowed. */
  positionals?: { min: number; max: number; what: string };
  /** Paragraphs after the options (environment, exit codes). */
  notes?: string;
  run(values: Values<T>, positionals: string[]): Promise<CommandResult>;
}

/** Declares a command; the option `--help` is added to every command. */
export function command<T extends OptionTable>(spec: Command<T>): Command<T> {
  return spec;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };

/** The help text of a command, from its table. */
export function helpOf(spec: Command<OptionTable>): string {
  const rows = Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    return { flag, lines: option.help.split('\n') };
  });
  const width = Math.max(...rows.map((row) => row.flag.length)) + 2;
  const options = rows
    .flatMap(({ flag, lines }) => lines.map((line, i) => `  ${(i === 0 ? flag : '').padEnd(width)}${line}`.trimEnd()))
    .join('\n');
  const parts = [`Usage: sechub-alerts ${spec.name} ${spec.usage}`, spec.description, `Options:\n${options}`];
  if (spec.notes) parts.push(spec.notes);
  return parts.join('\n\n');
}

/** Parses a command's arguments against its table; `help` is true when --help was given. */
export function parseCommandLine<T extends OptionTable>(
  spec: Command<T>,
  args: string[],
): { values: Values<T>; positionals: string[]; help: boolean } {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short ? { short: option.short } : {}),
        ...(option.default === undefined ? {} : { default: option.default }),
      },
    ]),
  ) as Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: spec.positionals !== undefined, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { help, ...values } = parsed.values as Record<string, unknown>;
  if (help) return { values: values as Values<T>, positionals: parsed.positionals, help: true };
  const range = spec.positionals;
  if (range && (parsed.positionals.length < range.min || parsed.positionals.length > range.max)) {
    const count = range.min === range.max ? `exactly ${range.min === 1 ? 'one' : range.min}` : `${range.min} to ${range.max}`;
    throw new UsageError(`${spec.name} takes ${count} ${range.what}`);
  }
  return { values: values as Values<T>, positionals: parsed.positionals, help: false };
}
