import { writeFile } from 'node:fs/promises';
import { readInputs } from '../../adapters/files/read-inputs.js';
import { directoryLookup } from '../../app/account-directory.js';
import { renderEmail } from '../../core/email/render.js';
import { InvalidFindingError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { Notification, NotificationKind } from '../../core/notification.js';
import { recipientsOf } from '../../core/policy/recipients.js';
import { matchingRules, type Policy } from '../../core/policy.js';
import { command, DONE } from '../command.js';
import { loadPolicy } from '../compose.js';
import { previewLocalDigest } from '../digests.js';
import { CONFIG_OPTION, nowOf, readerSettings, STATE_OPTION } from '../options.js';
import { reportInvalid } from '../report.js';
import { UsageError } from '../usage-error.js';

const KINDS: readonly NotificationKind[] = ['new', 'reminder', 'resolved'];

export const previewCommand = command({
  name: 'preview',
  summary: 'render the email for the first finding in a file, or a digest',
  usage: '[options] INPUT | --digest [options]',
  description: `Renders the email for the first finding in INPUT (a file, a directory, or "-"
for standard input; any form "process" reads) and prints its HTML. Nothing is
sent or recorded: for designing the email and for tuning a policy.

With --digest it renders instead a digest from the current state: the one for
--recipient (default: the first address) at the latest scheduled time of the
policy's digest rules, whether or not it was sent.`,
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
    digest: { type: 'boolean', default: false, help: "render a digest from the state file instead of a finding's email" },
    recipient: { type: 'string', value: 'ADDRESS', help: 'with --digest: whose digest (default: the first address)' },
    state: { ...STATE_OPTION, help: `with --digest: ${STATE_OPTION.help}` },
  },
  positionals: { min: 0, max: 1, what: 'INPUT' },
  notes: 'Exit codes: 0 rendered; 1 no finding in INPUT (no digest to render); 2 bad usage or invalid policy.',
  async run(values, positionals) {
    if (values.kind !== undefined && !KINDS.includes(values.kind as NotificationKind))
      throw new UsageError(`--kind: expected new, reminder or resolved, got "${values.kind}"`);
    if (values.digest ? positionals.length > 0 || values.kind !== undefined : positionals.length !== 1)
      throw new UsageError(values.digest ? '--digest takes no INPUT and no --kind' : 'preview takes exactly one INPUT (or --digest)');
    if (!values.digest && (values.recipient !== undefined || values.state !== undefined))
      throw new UsageError('--recipient and --state go with --digest');
    const now = nowOf(values.now);
    const { configPath, statePath } = readerSettings(values);
    const policy = await loadPolicy(configPath);
    const email = values.digest
      ? await previewLocalDigest({
          statePath,
          policy,
          now,
          recipient: values.recipient,
        })
      : await previewFinding(positionals[0]!, values.kind as NotificationKind | undefined, policy, now);
    const output = values.text ? `Subject: ${email.subject}\n\n${email.text}` : email.html;
    if (values.out) await writeFile(values.out, output);
    else process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return DONE;
  },
});

/** The email for the first finding in `input`. */
async function previewFinding(input: string, given: NotificationKind | undefined, policy: Policy, now: Date) {
  const finding = await firstFinding(input);
  const kind = given ?? (finding.open ? 'new' : 'resolved');
  return renderEmail({ finding, notification: await previewNotification(finding, kind, policy, now), sender: policy.sender });
}

/** The first finding in `input`; bad items before it are reported and passed over. */
async function firstFinding(input: string): Promise<Finding> {
  for await (const item of readInputs([input])) {
    if (item.kind === 'finding') return item.finding;
    if (item.kind === 'invalid') reportInvalid(item.where, item.reason);
  }
  throw new InvalidFindingError(input, 'holds no finding to preview');
}

async function previewNotification(finding: Finding, kind: NotificationKind, policy: Policy, now: Date): Promise<Notification> {
  const account = await directoryLookup(policy.accounts)(finding.account, now);
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
