import type { AccountInfo } from './account.js';
import { type DecisionInput, decide, dueAtMs } from './decide.js';
import { type Recipients, recipientsOf } from './policy/recipients.js';
import { activeSnooze } from './policy/snoozes.js';
import { explainMatch, isDigestRule, type Policy, type Rule } from './policy.js';
import type { FindingSnapshot, TrackedRecord } from './record.js';

/**
 * Why the notifier does what it does with a finding: how it was read, which
 * rules match it and which field kept the others from matching, what the
 * store remembers, when the next notification falls due, and what a run
 * would do now. The `explain` and `status` commands print these.
 */

export interface RuleExplanation {
  name: string;
  kind: 'notify' | 'digest';
  matches: boolean;
  /** Match fields the finding failed. */
  failed: string[];
  /** Who this rule would tell (matching rules only). */
  recipients?: Recipients;
  lastNotifiedAt?: string;
  /** Since when a digest rule collects the finding. */
  collectedSince?: string;
  /** When this rule's next notification falls due (none: it never will, or it is a digest rule). */
  nextDueAt?: string;
}

export interface Explanation {
  finding: {
    key: string;
    id: string;
    format: string;
    account: string;
    accountName?: string;
    region: string;
    product: string;
    productKey: string;
    standards: string[];
    control?: string;
    severity: string;
    open: boolean;
    closedBy?: string;
    firstObservedAt: string;
    updatedAt: string;
  };
  /** The account as the directory describes it; none when no directory knows it. */
  account?: AccountInfo;
  rules: RuleExplanation[];
  /** The snooze that silences the finding now. */
  snooze?: { until: string; reason: string };
  /** What the store remembers; none when it does not track the finding. */
  record?: Pick<TrackedRecord, 'open' | 'updatedAt' | 'version' | 'expiresAt' | 'claim' | 'pending' | 'snoozed' | 'resolvedAt'>;
  /** What a run would do now, and why. */
  decision: {
    action: string;
    outcome: string;
    reason: string;
    notification?: { kind: string; rules: string[]; to: string[]; destinations: string[] };
  };
}

/** When a notify rule's next notification about the finding falls due, given the record (none: never). */
export function nextDueAt(rule: Rule, record: TrackedRecord | undefined, finding: FindingSnapshot): string | undefined {
  if (isDigestRule(rule)) return undefined;
  const due = dueAtMs(rule, record?.open ? record.rules[rule.name] : undefined, finding);
  return due === undefined ? undefined : new Date(due).toISOString();
}

/**
 * The next notification of a tracked open finding: the earliest due time of
 * its matching rules (a snooze postpones it to its end), the rules due then
 * and who they tell; none when no rule will notify it again.
 */
export function nextNotification(
  record: TrackedRecord,
  policy: Policy,
  account?: AccountInfo,
): { at: string; rules: string[]; recipients: Recipients } | undefined {
  if (!record.open) return undefined;
  const finding = record.snapshot;
  const due = policy.rules
    .filter((rule) => !isDigestRule(rule) && explainMatch(rule.match, finding, account).matches)
    .map((rule) => ({ rule, at: nextDueAt(rule, record, finding) }))
    .filter((entry): entry is { rule: Rule; at: string } => entry.at !== undefined);
  if (due.length === 0) return undefined;
  const earliest = [...due.map((entry) => entry.at)].sort()[0]!;
  const at = record.snoozed && record.snoozed.until > earliest ? record.snoozed.until : earliest;
  const rules = due.filter((entry) => entry.at <= at).map((entry) => entry.rule);
  return { at, rules: rules.map((rule) => rule.name), recipients: recipientsOf(rules, account) };
}

export function explain(input: DecisionInput): Explanation {
  const { finding, record, policy, now, account } = input;
  const tracked = record?.open ? record : undefined;
  const rules = policy.rules.map((rule): RuleExplanation => {
    const { matches, failed } = explainMatch(rule.match, finding, account);
    const digest = isDigestRule(rule);
    const lastNotifiedAt = tracked?.rules[rule.name]?.lastNotifiedAt;
    const collectedSince = tracked?.collected?.[rule.name]?.since;
    const nextDue = matches && finding.open ? nextDueAt(rule, record, finding) : undefined;
    return {
      name: rule.name,
      kind: digest ? 'digest' : 'notify',
      matches,
      failed,
      ...(matches ? { recipients: recipientsOf([rule], account) } : {}),
      ...(lastNotifiedAt ? { lastNotifiedAt } : {}),
      ...(collectedSince ? { collectedSince } : {}),
      ...(nextDue ? { nextDueAt: nextDue } : {}),
    };
  });
  const snooze = finding.open ? activeSnooze(policy, finding, now, account) : undefined;
  const decision = decide(input);
  return {
    finding: {
      key: finding.key,
      id: finding.id,
      format: finding.format,
      account: finding.account,
      ...((account?.name ?? finding.accountName) ? { accountName: account?.name ?? finding.accountName } : {}),
      region: finding.region,
      product: finding.product,
      productKey: finding.productKey,
      standards: finding.control?.standards ?? [],
      ...(finding.control ? { control: finding.control.id } : {}),
      severity: finding.severity,
      open: finding.open,
      ...(finding.closedBy ? { closedBy: finding.closedBy } : {}),
      firstObservedAt: finding.firstObservedAt,
      updatedAt: finding.updatedAt,
    },
    ...(account ? { account } : {}),
    rules,
    ...(snooze ? { snooze: { until: snooze.until, reason: snooze.reason } } : {}),
    ...(record
      ? {
          record: {
            open: record.open,
            updatedAt: record.updatedAt,
            version: record.version,
            expiresAt: record.expiresAt,
            ...(record.claim ? { claim: record.claim } : {}),
            ...(record.pending ? { pending: record.pending } : {}),
            ...(record.snoozed ? { snoozed: record.snoozed } : {}),
            ...(record.resolvedAt ? { resolvedAt: record.resolvedAt } : {}),
          },
        }
      : {}),
    decision: {
      action: decision.action,
      outcome: decision.outcome,
      reason: decision.reason,
      ...(decision.action === 'send'
        ? {
            notification: {
              kind: decision.notification.kind,
              rules: decision.notification.rules,
              to: decision.notification.to,
              destinations: decision.notification.destinations ?? [],
            },
          }
        : {}),
    },
  };
}
