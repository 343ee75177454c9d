import { writeFile } from 'node:fs/promises';
import { readInputs } from '../../adapters/files/read-inputs.js';
import { policyDirectory } from '../../core/account.js';
import { renderEmail } from '../../core/email/render.js';
import { InvalidFindingError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { Notification, NotificationKind } from '../../core/notification.js';
import { recipientsOf } from '../../core/policy/recipients.js';
import { matchingRules, type Policy } from '../../core/policy.js';
import { command, DONE } from '../command.js';
import { loadPolicy } from '../compose.js';
import { CONFIG_OPTION, configPath, parseInstant } from '../options.js';
import { reportInvalid } from '../report.js';
import { UsageError } from '../usage-error.js';

const KINDS: readonly NotificationKind[] = ['new', 'reminder', 'resolved'];

export const previewCommand = command({
  name: 'preview',
  summary: 'render the email for the first finding in a file',
  usage: '[options] INPUT',
  description: `Renders the email for the first finding in INPUT (a file, a directory, or "-"
for standard input; any form "process" reads) and prints its HTML. Nothing is
sent or recorded: for designing the email and for tuning a policy.`,
  options: {
    out: { type: 'string', value: 'FILE', help: 'write to FILE instead of standard output' },
    text: { type: 'boolean', default: false, help: 'the plain-text part, after a "Subject:" line, instead of the HTML' },
    kind: {
      type: 'string',
      value: 'KIND',
      help: 'new, reminder or resolved (default: new for an open finding,\nresolved for a closed one)',
    },
    config: {
      ...CONFIG_OPTION,
      help: 'policy whose matching rules the email names (default\n./sechub-alerts.yaml if present, else the built-in policy)',
    },
    now: { type: 'string', value: 'TIME', help: 'render as of this ISO-8601 time (default: now)' },
  },
  positionals: { min: 1, max: 1, what: 'INPUT' },
  notes: 'Exit codes: 0 rendered; 1 no finding in INPUT; 2 bad usage or invalid policy.',
  async run(values, positionals) {
    if (values.kind !== undefined && !KINDS.includes(values.kind as NotificationKind))
      throw new UsageError(`--kind: expected new, reminder or resolved, got "${values.kind}"`);
    const now = values.now === undefined ? new Date() : parseInstant(values.now, '--now');
    const policy = await loadPolicy(configPath(values.config));
    const finding = await firstFinding(positionals[0]!);
    const kind = (values.kind as NotificationKind | undefined) ?? (finding.open ? 'new' : 'resolved');
    const notification = await previewNotification(finding, kind, policy, now);
    const email = renderEmail({ finding, notification, sender: policy.sender });
    const output = values.text ? `Subject: ${email.subject}\n\n${email.text}` : email.html;
    if (values.out) await writeFile(values.out, output);
    else process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return DONE;
  },
});

/** The first finding in `input`; bad items before it are reported and passed over. */
async function firstFinding(input: string): Promise<Finding> {
  for await (const item of readInputs([input])) {
    if (item.kind === 'finding') return item.finding;
    if (item.kind === 'invalid') reportInvalid(item.where, item.reason);
  }
  throw new InvalidFindingError(input, 'holds no finding to preview');
}

async function previewNotification(finding: Finding, kind: NotificationKind, policy: Policy, now: Date): Promise<Notification> {
  const account = await policyDirectory(policy.accounts)(finding.account);
  const rules = matchingRules(policy, finding, account);
  if (rules.length === 0) process.stderr.write('note: no rule of the policy matches this finding, so it would not be emailed.\n');
  const recipients = recipientsOf(rules, account);
  const at = now.toISOString();
  return {
    kind,
    id: `${finding.key}|${kind}|${at}`,
    rules: rules.length > 0 ? rules.map((rule) => rule.name) : ['(none)'],
    to: recipients.to,
    ...(recipients.destinations.length > 0 ? { destinations: recipients.destinations } : {}),
    at,
    ...(account?.name ? { accountName: account.name } : {}),
  };
}
