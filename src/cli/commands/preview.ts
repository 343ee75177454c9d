import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { readPolicyFile } from '../../adapters/files/policy-file.js';
import { readInputs } from '../../adapters/files/read-inputs.js';
import type { Notification, NotificationKind } from '../../core/decide.js';
import { renderEmail } from '../../core/email/render.js';
import { InvalidFindingError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import { DEFAULT_POLICY, matchingRules, type Policy } from '../../core/policy.js';
import { DEFAULT_CONFIG, parse, parseInstant } from '../options.js';
import { reportInvalid } from '../report.js';
import { UsageError } from '../usage-error.js';

export const PREVIEW_HELP = `Usage: sechub-alerts preview [options] INPUT

Renders the email for the first finding in INPUT (a file, a directory, or "-"
for standard input; any form "process" reads) and prints its HTML. Nothing is
sent or recorded: for designing the email and for tuning a policy.

Options:
  --out FILE        write to FILE instead of standard output
  --text            the plain-text part, after a "Subject:" line, instead of the HTML
  --kind KIND       new, reminder or resolved (default: new for an open finding,
                    resolved for a closed one)
  --config FILE     policy whose matching rules the email names (default
                    ./sechub-alerts.yaml if present, else the built-in policy)
  --now TIME        render as of this ISO-8601 time (default: now)
  -h, --help        show this help

Exit codes: 0 rendered; 1 no finding in INPUT; 2 bad usage or invalid policy.`;

const KINDS: readonly NotificationKind[] = ['new', 'reminder', 'resolved'];

/** `sechub-alerts preview`: returns the exit code. */
export async function runPreview(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      out: { type: 'string' },
      text: { type: 'boolean', default: false },
      kind: { type: 'string' },
      config: { type: 'string' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${PREVIEW_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('preview takes exactly one INPUT');
  if (values.kind !== undefined && !KINDS.includes(values.kind as NotificationKind))
    throw new UsageError(`--kind: expected new, reminder or resolved, got "${values.kind}"`);
  const now = values.now === undefined ? new Date() : parseInstant(values.now, '--now');
  const configPath = values.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  const policy = configPath ? await readPolicyFile(configPath) : DEFAULT_POLICY;

  const input = positionals[0]!;
  const finding = await firstFinding(input);
  const kind = (values.kind as NotificationKind | undefined) ?? (finding.open ? 'new' : 'resolved');
  const email = renderEmail({ finding, notification: previewNotification(finding, kind, policy, now), sender: policy.sender });
  const output = values.text ? `Subject: ${email.subject}\n\n${email.text}` : email.html;
  if (values.out) await writeFile(values.out, output);
  else process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
  return 0;
}

/** The first finding in `input`; bad items before it are reported and passed over. */
async function firstFinding(input: string): Promise<Finding> {
  for await (const item of readInputs([input])) {
    if (item.kind === 'finding') return item.finding;
    if (item.kind === 'invalid') reportInvalid(item.where, item.reason);
  }
  throw new InvalidFindingError(input, 'holds no finding to preview');
}

function previewNotification(finding: Finding, kind: NotificationKind, policy: Policy, now: Date): Notification {
  const rules = matchingRules(policy, finding);
  if (rules.length === 0) process.stderr.write('note: no rule of the policy matches this finding, so it would not be emailed.\n');
  const at = now.toISOString();
  return {
    kind,
    id: `${finding.key}|${kind}|${at}`,
    rules: rules.length > 0 ? rules.map((rule) => rule.name) : ['(none)'],
    to: [...new Set(rules.flatMap((rule) => rule.notify.to))],
    at,
  };
}
