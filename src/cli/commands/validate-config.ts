import { readPolicyFile } from '../../adapters/files/policy-file.js';
import { formatDuration } from '../../core/duration.js';
import { command, DONE } from '../command.js';

export const validateConfigCommand = command({
  name: 'validate-config',
  summary: 'check a policy file',
  usage: 'FILE',
  description: `Checks a policy file and prints its rules. Exit code 0 when valid, 2 when not
(each problem is printed with its path, e.g. rules[1].notify.every).`,
  options: {},
  positionals: { min: 1, max: 1, what: 'FILE' },
  async run(_values, positionals) {
    const path = positionals[0]!;
    const policy = await readPolicyFile(path);
    const lines = [`${path}: valid (sender ${policy.sender})`];
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
    return DONE;
  },
});
