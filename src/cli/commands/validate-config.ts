import { readPolicyFile } from '../../adapters/files/policy-file.js';
import { formatDuration } from '../../core/duration.js';
import { policyWarnings } from '../../core/policy.js';
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
        .map(([field, values]) => `${field}=${Array.isArray(values) ? values.join(',') : JSON.stringify(values)}`)
        .join(' ');
      const every = rule.notify.everyMs === null ? 'never' : formatDuration(rule.notify.everyMs);
      const how = rule.notify.digest
        ? 'in a digest'
        : `after ${formatDuration(rule.notify.afterMs)}, every ${every}${rule.notify.resolved ? ', resolved notices' : ''}${rule.notify.escalate.map((step) => `, after ${step.after} also ${step.to.join(', ')}`).join('')}`;
      const fallback = rule.notify.fallback.length > 0 ? ` (no owners: ${rule.notify.fallback.join(', ')})` : '';
      lines.push(`  ${rule.name}: ${match || 'every finding'} -> ${rule.notify.to.join(', ')}${fallback} (${how})`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const warning of policyWarnings(policy, new Date())) process.stderr.write(`warning: ${warning}\n`);
    return DONE;
  },
});
