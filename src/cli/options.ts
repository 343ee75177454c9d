import { existsSync } from 'node:fs';
import { parseDuration } from '../core/duration.js';
import type { FindingApi } from '../core/security-hub/queries.js';
import type { OptionSpec } from './command.js';
import { UsageError } from './usage-error.js';

const DEFAULT_STATE = '.sechub-alerts/state.db';
const DEFAULT_OUTBOX = '.sechub-alerts/outbox';
const DEFAULT_CONFIG = 'sechub-alerts.yaml';

/** The policy file option, shared by every command that reads a policy. */
export const CONFIG_OPTION = {
  type: 'string',
  value: 'FILE',
  help: 'policy file (default ./sechub-alerts.yaml if present, else the built-in policy)',
} as const satisfies OptionSpec;

/** Where records are kept, for every command that reads or writes them. */
export const STATE_OPTION = {
  type: 'string',
  value: 'STATE',
  help: `where records are kept: a SQLite file (default .sechub-alerts/state.db),
or dynamodb://TABLE, an AWS deployment's table (standard AWS region and
credentials; AWS_ENDPOINT_URL_DYNAMODB points it elsewhere)`,
} as const satisfies OptionSpec;

/** Options shared by the commands that run the notifier. */
export const ENGINE_OPTIONS = {
  config: CONFIG_OPTION,
  state: STATE_OPTION,
  outbox: { type: 'string', value: 'DIR', help: 'write each email as an .eml file here (default .sechub-alerts/outbox)' },
  smtp: { type: 'string', value: 'URL', help: 'send through SMTP instead, e.g. smtp://user:pass@host:587' },
  json: { type: 'boolean', default: false, help: 'print the summary as one JSON line' },
} as const satisfies Record<string, OptionSpec>;

/** Options of the commands that read findings from inputs (process, baseline); `clockHelp` and `dryRunHelp` say what each means there. */
export function inputOptions(clockHelp: string, dryRunHelp: string) {
  return {
    ...ENGINE_OPTIONS,
    clock: { type: 'string', default: 'system', value: 'MODE', help: clockHelp },
    'dry-run': { type: 'boolean', default: false, help: dryRunHelp },
  } as const satisfies Record<string, OptionSpec>;
}

/** Options of the commands that talk to Security Hub; `formatHelp` says what the format defaults to. */
export function securityHubOptions(formatHelp: string) {
  return {
    format: { type: 'string', value: 'FORMAT', help: `asff (GetFindings) or ocsf (GetFindingsV2); ${formatHelp}` },
    'write-back': {
      type: 'boolean',
      default: false,
      help: "after an email, set the finding's workflow to NOTIFIED with a note\nnaming the rule and recipients (OCSF: In Progress and a comment)",
    },
  } as const satisfies Record<string, OptionSpec>;
}

export const SECURITY_HUB_NOTE = `Security Hub is reached with the standard AWS credential chain and region
settings (AWS_PROFILE, AWS_REGION, ...); AWS_ENDPOINT_URL_SECURITYHUB points it
elsewhere.`;

export interface EngineSettings {
  configPath: string | undefined;
  statePath: string;
  outboxDir: string;
  smtpUrl: string | undefined;
  json: boolean;
}

/** Resolves the shared options and their defaults. */
export function engineSettings(values: {
  config?: string | undefined;
  state?: string | undefined;
  outbox?: string | undefined;
  smtp?: string | undefined;
  json?: boolean;
}): EngineSettings {
  if (values.outbox && values.smtp) throw new UsageError('choose one mailer: --outbox DIR or --smtp URL');
  if (values.smtp && !/^smtps?:\/\//.test(values.smtp))
    throw new UsageError(`--smtp: expected a URL like smtp://host:587, got "${values.smtp}"`);
  return {
    ...readerSettings(values),
    outboxDir: values.outbox ?? DEFAULT_OUTBOX,
    smtpUrl: values.smtp,
    json: values.json ?? false,
  };
}

/** Resolves --config and --state, what every command that reads the state needs. */
export function readerSettings(values: { config?: string | undefined; state?: string | undefined }) {
  return { configPath: configPath(values.config), statePath: values.state ?? DEFAULT_STATE };
}

/** The policy file to read: the one given, else ./sechub-alerts.yaml when present, else none (the built-in policy). */
export function configPath(given: string | undefined): string | undefined {
  return given ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
}

/** Parses an ISO-8601 instant given on the command line. */
export function parseInstant(text: string, option: string): Date {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new UsageError(`${option}: expected an ISO-8601 time like 2026-01-31T09:00:00Z, got "${text}"`);
  return new Date(ms);
}

/** The moment --now names, else the current time. */
export function nowOf(value: string | undefined): Date {
  return value === undefined ? new Date() : parseInstant(value, '--now');
}

/** Parses a duration option; `positive` refuses zero. */
export function parseDurationOption(text: string, option: string, positive = false): number {
  const ms = parseDuration(text);
  if (ms === undefined || (positive && ms === 0)) throw new UsageError(`${option}: expected a duration like "5m", got "${text}"`);
  return ms;
}

/** Reads --format; undefined when not given. */
export function parseFormat(value: string | undefined): FindingApi | undefined {
  if (value === undefined || value === 'asff' || value === 'ocsf') return value;
  throw new UsageError(`--format: expected "asff" or "ocsf", got "${value}"`);
}
