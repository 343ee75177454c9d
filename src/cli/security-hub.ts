import { createSecurityHubClient } from '../adapters/securityhub/securityhub-client.js';
import { SecurityHubReader } from '../adapters/securityhub/securityhub-reader.js';
import { SecurityHubWriteBack } from '../adapters/securityhub/securityhub-write-back.js';
import type { FindingApi } from '../core/sweep-query.js';
import { UsageError } from './usage-error.js';

/** Options of the commands that talk to Security Hub. */
export const SECURITY_HUB_OPTIONS = {
  format: { type: 'string' },
  'write-back': { type: 'boolean', default: false },
} as const;

/** The help lines of those options, aligned to a command's option column. */
export function securityHubHelp(width: number, format: string): string {
  const line = (option: string, text: string) => `  ${option.padEnd(width)}${text}`;
  return [
    line('--format FORMAT', `asff (GetFindings) or ocsf (GetFindingsV2); ${format}`),
    line('--write-back', "after an email, set the finding's workflow to NOTIFIED with a note"),
    line('', 'naming the rule and recipients (OCSF: In Progress and a comment)'),
  ].join('\n');
}

export const SECURITY_HUB_NOTE = `Security Hub is reached with the standard AWS credential chain and region
settings (AWS_PROFILE, AWS_REGION, ...); AWS_ENDPOINT_URL_SECURITYHUB points it
elsewhere.`;

/** Reads --format; undefined when not given. */
export function parseFormat(value: string | undefined): FindingApi | undefined {
  if (value === undefined || value === 'asff' || value === 'ocsf') return value;
  throw new UsageError(`--format: expected "asff" or "ocsf", got "${value}"`);
}

/** The Security Hub side of a local run: a paced reader and, when asked, write-back. */
export function composeSecurityHub(options: { writeBack: boolean }) {
  const client = createSecurityHubClient();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const reader = new SecurityHubReader(client, {
    onRetry: (error, retry) => log(`Security Hub: ${(error as Error).name}; retry ${retry}`),
  });
  const writeBack = options.writeBack ? new SecurityHubWriteBack(client, log) : undefined;
  return {
    reader,
    writeBack,
    async close() {
      await writeBack?.flush();
      client.destroy();
    },
  };
}

/** Resolves on SIGINT or SIGTERM; `stopping()` tells whether one came. Call `dispose` when done. */
export function stopSignal() {
  let stopped = false;
  let wake: () => void = () => {};
  const signalled = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onSignal = () => {
    stopped = true;
    process.stderr.write('stopping: finishing the current step and saving the cursor\n');
    wake();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    stopping: () => stopped,
    signalled,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
