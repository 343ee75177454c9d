import { existsSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** Options shared by the commands that run the engine. */
export const ENGINE_OPTIONS = {
  config: { type: 'string' },
  state: { type: 'string' },
  outbox: { type: 'string' },
  smtp: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export const DEFAULT_STATE = '.sechub-alerts/state.db';
export const DEFAULT_OUTBOX = '.sechub-alerts/outbox';
export const DEFAULT_CONFIG = 'sechub-alerts.yaml';

/** parseArgs with errors turned into UsageError. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export interface EngineSettings {
  configPath: string | undefined;
  statePath: string;
  outboxDir: string;
  smtpUrl: string | undefined;
  json: boolean;
}

/** Resolves the shared options and their defaults. */
export function engineSettings(values: {
  config?: string;
  state?: string;
  outbox?: string;
  smtp?: string;
  json?: boolean;
}): EngineSettings {
  if (values.outbox && values.smtp) throw new UsageError('choose one mailer: --outbox DIR or --smtp URL');
  if (values.smtp && !/^smtps?:\/\//.test(values.smtp))
    throw new UsageError(`--smtp: expected a URL like smtp://host:587, got "${values.smtp}"`);
  return {
    configPath: values.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined),
    statePath: values.state ?? DEFAULT_STATE,
    outboxDir: values.outbox ?? DEFAULT_OUTBOX,
    smtpUrl: values.smtp,
    json: values.json ?? false,
  };
}

/** Parses an ISO-8601 instant given on the command line. */
export function parseInstant(text: string, option: string): Date {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new UsageError(`${option}: expected an ISO-8601 time like 2026-01-31T09:00:00Z, got "${text}"`);
  return new Date(ms);
}
