import { readPolicyFile } from '../../adapters/files/policy-file.js';
import { formatDuration } from '../../core/duration.js';
import { parse } from '../options.js';
import { UsageError } from '../usage-error.js';

export const VALIDATE_HELP = `Usage: sechub-alerts validate-config FILE

Checks a policy file and prints its rules. Exit code 0 when valid, 2 when not
(each problem is printed with its path, e.g. rules[1].notify.every).`;

/** `sechub-alerts validate-config FILE`: returns the exit code. */
export async function runValidateConfig(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { help: { type: 'boolean', short: 'h', default: false } }, true);
  if (values.help) {
    process.stdout.write(`${VALIDATE_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('validate-config takes exactly one FILE');
  const policy = await readPolicyFile(positionals[0]!);
  const lines = [`${positionals[0]}: valid (sender ${policy.sender})`];
  for (const rule of policy.rules) {
    const match = Object.entries(rule.match)
      .map(([field, values]) => `${field}=${(values as string[]).join(',')}`)
      .join(' ');
    const every = rule.notify.everyMs === null ? 'never' : formatDuration(rule.notify.everyMs);
    lines.push(
      `  ${rule.name}: ${match || 'every finding'} -> ${rule.notify.to.join(', ')} (after ${formatDuration(rule.notify.afterMs)}, every ${every}${rule.notify.resolved ? ', resolved emails' : ''})`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
