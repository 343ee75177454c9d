import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, sampleNotification } from '../../src/core/email/samples.js';
import { extractFindings } from '../../src/core/normalize/extract.js';
import type { Notification, NotificationKind } from '../../src/core/notification.js';
import type { ChannelMessage } from '../../src/core/ports.js';
import { type FindingSnapshot, snapshotOf } from '../../src/core/record.js';
import { repoRoot } from '../support/fixtures.js';

/**
 * Messages for the channels: the email samples, the hostile findings of
 * the security corpus, and a finding at every size limit.
 */

export const KINDS: NotificationKind[] = ['new', 'reminder', 'resolved'];
export const SAMPLE_FINDINGS = [GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, CONTROL_SAMPLE];

/** A message about `finding` of `kind`, decided `days` after it was first observed. */
export function messageOf(
  finding: FindingSnapshot,
  kind: NotificationKind = 'new',
  extra: Partial<Notification> & { days?: number } = {},
): ChannelMessage {
  const { days, ...notification } = extra;
  return {
    notification: { ...sampleNotification(finding, kind, days ?? (kind === 'new' ? 0.05 : 12)), destinations: ['chat'], ...notification },
    finding: kind === 'resolved' ? { ...finding, open: false } : finding,
  };
}

/** The hostile findings of the security corpus (HTML, header injection, Slack and Teams syntax), as snapshots. */
export function hostileFindings(): FindingSnapshot[] {
  return ['hostile-text-asff.json', 'hostile-text-ocsf.json', 'hostile-text-chat.json'].flatMap((file) => {
    const document = JSON.parse(readFileSync(join(repoRoot, 'test/security/corpus', file), 'utf8'));
    return [...extractFindings(document, file)].flatMap((item) => (item.kind === 'finding' ? [snapshotOf(item.finding)] : []));
  });
}

/** Every hostile finding in every kind, with an account name, an escalation and an ended snooze that are hostile too. */
export function hostileMessages(): ChannelMessage[] {
  const chat = '<!channel> <@U012ABCDEF> <https://evil.example/|x> [x](https://evil.example/) *b* {{DATE(2017-02-14T06:08:00Z, SHORT)}}';
  return hostileFindings().flatMap((finding) =>
    KINDS.map((kind) =>
      messageOf(finding, kind, {
        accountName: `prod ${chat}`,
        escalations: [{ rule: `rule ${chat}`, after: `30d ${chat}`, to: ['ciso@example.com'] }],
        snoozeEnded: { until: '2026-01-09T00:00:00Z', reason: `reason ${chat}` },
        rules: [`rule ${chat}`],
      }),
    ),
  );
}

/** A finding at every size limit: long text everywhere, many resources, packages and standards. */
export function giantFinding(): FindingSnapshot {
  const long = (what: string, n: number) => `${what} ${'&<>*_'.repeat(n)}`;
  return snapshotOf({
    ...INSPECTOR_SAMPLE,
    id: long('arn:aws:inspector2:us-east-2:111122223333:finding/', 400),
    key: long('key', 600),
    title: long('title', 300),
    description: long('description', 2000),
    accountName: long('name', 100),
    productName: long('product', 100),
    resources: Array.from({ length: 40 }, (_, i) => ({ type: long(`type${i}`, 50), id: long(`id${i}`, 250), region: 'us-east-2' })),
    resourceCount: 1000,
    vulnerabilities: Array.from({ length: 12 }, (_, i) => ({
      id: long(`CVE-${i}`, 10),
      packages: Array.from({ length: 12 }, (_, j) => ({ name: long(`pkg${j}`, 60), version: '1', fixedIn: '2' })),
    })),
    control: { id: long('control', 50), standards: ['cis'], standardIds: Array.from({ length: 30 }, (_, i) => long(`standard${i}`, 40)) },
    remediation: { text: long('fix', 900), url: `https://docs.aws.amazon.com/${'a'.repeat(1900)}` },
    types: Array.from({ length: 12 }, (_, i) => long(`type${i}`, 60)),
    raw: undefined,
  });
}
