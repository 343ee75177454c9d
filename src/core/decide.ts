import type { AccountInfo } from './account.js';
import type { DeliveryTarget, Notification, NotificationKind } from './notification.js';
import { escalationsOf, recipientsOf } from './policy/recipients.js';
import { activeSnooze } from './policy/snoozes.js';
import { isDigestRule, matchingRules, type Policy, type Rule } from './policy.js';
import { type Collected, type FindingSnapshot, type RuleState, snapshotOf, type TrackedRecord } from './record.js';

/**
 * The pure heart of the notifier: given a finding, what the store knows of
 * it, the policy, the account as the directory describes it and the time,
 * decide whether to notify, and what the record should look like
 * afterwards. No I/O here; the use case carries it out.
 */

export type Outcome = 'notified' | 'reminded' | 'suppressed' | 'snoozed' | 'resolved' | 'ignored' | 'adopted';

export type Decision =
  /** Nothing to write, nothing to send. */
  | { action: 'skip'; outcome: Outcome; reason: string }
  /** Write `next`, send nothing. */
  | { action: 'write'; outcome: Outcome; reason: string; next: TrackedRecord }
  /**
   * Claim `base`, deliver `notification`, then write `next`; on a failed send put `base` back unclaimed.
   * `retry` (a notification delivered before to some of its targets): deliver to these targets only.
   */
  | {
      action: 'send';
      outcome: Outcome;
      reason: string;
      notification: Notification;
      base: TrackedRecord;
      next: TrackedRecord;
      retry?: DeliveryTarget[];
    };

export interface DecisionInput {
  finding: FindingSnapshot;
  record: TrackedRecord | undefined;
  policy: Policy;
  /** The decision time: the system clock, the event's time, or a tick's `--now`. */
  now: Date;
  /** The real time, for claims of other workers. */
  wallNow: Date;
  /** The finding's account as the directory describes it; undefined when no directory knows it. */
  account?: AccountInfo;
  /** A baseline run: record what is due as notified, at `now`, and send nothing. */
  baseline?: boolean;
}

const DAY = 86_400_000;
/** Open records outlive Security Hub's own retention (90 days after a finding's last update). */
const OPEN_RECORD_TTL = 120 * DAY;
/** Tombstones of resolved findings only need to outlast late, out-of-order deliveries (and the next digest). */
const TOMBSTONE_TTL = 30 * DAY;
/** A stored snapshot is refreshed when the finding moved on by this much, keeping reminders current and the TTL alive. */
const SNAPSHOT_REFRESH = DAY;

const OUTCOME_OF: Record<NotificationKind, Outcome> = { new: 'notified', reminder: 'reminded', resolved: 'resolved' };

export function decide(input: DecisionInput): Decision {
  const { finding, record, wallNow } = input;
  if (record && finding.updatedAt < record.updatedAt) {
    return { action: 'skip', outcome: 'suppressed', reason: 'stale: older than the stored state of this finding' };
  }
  if (record?.claim && Date.parse(record.claim.until) > wallNow.getTime()) {
    return { action: 'skip', outcome: 'suppressed', reason: 'in flight: another worker is sending this notification' };
  }
  if (record?.pending) {
    if (input.baseline) return { action: 'skip', outcome: 'suppressed', reason: 'a delivery is pending; a baseline run sends nothing' };
    return deliverPending(record);
  }
  const tracked = record?.open ? record : undefined;
  return finding.open ? decideOpen(input, tracked) : decideClosed(input, tracked);
}

/** A notification some targets accepted and some did not: deliver to the rest first, whatever else is due. */
function deliverPending(record: TrackedRecord): Decision {
  const { notification, remaining } = record.pending!;
  const base = withoutClaim(record);
  const { pending: _pending, ...next } = base;
  return {
    action: 'send',
    outcome: OUTCOME_OF[notification.kind],
    reason: `delivering to ${remaining.join(', ')}, which did not accept it before`,
    notification,
    base,
    next,
    retry: remaining,
  };
}

function decideClosed({ finding, policy, now, account, baseline }: DecisionInput, tracked: TrackedRecord | undefined): Decision {
  if (!tracked) return { action: 'skip', outcome: 'ignored', reason: 'closed and not tracked' };
  const collected = tracked.collected && Object.keys(tracked.collected).length > 0 ? tracked.collected : undefined;
  const next: TrackedRecord = {
    key: finding.key,
    open: false,
    updatedAt: finding.updatedAt,
    snapshot: snapshotOf(finding),
    rules: {},
    version: tracked.version,
    expiresAt: iso(now.getTime() + TOMBSTONE_TTL),
    // A digest that collected the finding lists it as fixed.
    ...(collected ? { collected, resolvedAt: iso(now.getTime()) } : {}),
  };
  const told = policy.rules.filter((rule) => !isDigestRule(rule) && rule.notify.resolved && tracked.rules[rule.name] !== undefined);
  if (told.length === 0) return { action: 'write', outcome: 'resolved', reason: 'closed; forgotten', next };
  if (baseline) return { action: 'write', outcome: 'resolved', reason: 'closed; forgotten (a baseline run sends nothing)', next };
  const recipients = recipientsOf(told, account);
  if (recipients.to.length + recipients.destinations.length === 0)
    return { action: 'write', outcome: 'resolved', reason: 'closed; forgotten (nobody to tell: no owners and no fallback)', next };
  return {
    action: 'send',
    outcome: 'resolved',
    reason: 'closed; rules ask for a resolved notice',
    notification: notification(finding, 'resolved', told, recipients, now, account),
    base: withoutClaim(tracked),
    next,
  };
}

function decideOpen(input: DecisionInput, tracked: TrackedRecord | undefined): Decision {
  const { finding, record, policy, now, account, baseline } = input;
  const rules = matchingRules(policy, finding, account);
  const notifying = rules.filter((rule) => !isDigestRule(rule));
  const collected = collectedBy(rules.filter(isDigestRule), tracked?.collected, now, baseline ?? false);
  const collectionChanged = !sameCollection(tracked?.collected, collected);
  const refresh = tracked !== undefined && needsRefresh(tracked, finding);

  if (rules.length === 0) {
    if (tracked && (refresh || collectionChanged)) {
      return {
        action: 'write',
        outcome: 'ignored',
        reason: refresh ? 'matches no rule now; snapshot refreshed' : 'matches no rule now; no longer collected',
        next: withCollected(refreshed(tracked, finding, now), undefined),
      };
    }
    return { action: 'skip', outcome: 'ignored', reason: 'matches no rule' };
  }

  const kept: TrackedRecord = tracked
    ? refresh
      ? refreshed(withoutClaim(tracked), finding, now)
      : withoutClaim(tracked)
    : {
        key: finding.key,
        open: true,
        updatedAt: finding.updatedAt,
        snapshot: snapshotOf(finding),
        rules: {},
        version: record?.version ?? 0,
        expiresAt: openExpiry(finding, now),
      };
  const base = withCollected(kept, collected);
  const changed = !tracked || refresh || collectionChanged;

  const snooze = activeSnooze(policy, finding, now, account);
  if (snooze) {
    const snoozed = { until: snooze.until, reason: snooze.reason };
    const quiet = { ...base, snoozed };
    if (!changed && base.snoozed?.until === snoozed.until && base.snoozed.reason === snoozed.reason)
      return { action: 'skip', outcome: 'snoozed', reason: `snoozed until ${snooze.until}: ${snooze.reason}` };
    return { action: 'write', outcome: 'snoozed', reason: `snoozed until ${snooze.until}: ${snooze.reason}`, next: quiet };
  }

  // A snooze that ended (or was taken out of the policy): what the snooze held back is due at once.
  const lapsed = base.snoozed;
  const due = notifying.filter((rule) => isDue(rule, base, finding, now, lapsed !== undefined));
  const { snoozed: _snoozed, ...awake } = base;
  if (due.length === 0) {
    if (lapsed) return { action: 'write', outcome: 'suppressed', reason: 'snooze ended; nothing due', next: awake };
    if (!tracked)
      return {
        action: 'write',
        outcome: 'suppressed',
        reason: notifying.length === 0 ? 'collected for a digest' : 'tracked; not due yet',
        next: base,
      };
    if (changed)
      return {
        action: 'write',
        outcome: 'suppressed',
        reason: refresh ? 'not due; snapshot refreshed' : 'not due; collected for a digest',
        next: base,
      };
    return { action: 'skip', outcome: 'suppressed', reason: 'already notified; reminder not due' };
  }

  const isNew = due.some((rule) => base.rules[rule.name] === undefined);
  const openMs = now.getTime() - Date.parse(finding.firstObservedAt);
  // Escalation adds recipients to reminders: to the rules that notified the finding before.
  const escalations = due.filter((rule) => base.rules[rule.name] !== undefined).flatMap((rule) => escalationsOf(rule, openMs));
  const recipients = recipientsOf(due, account, escalations);
  if (recipients.to.length + recipients.destinations.length === 0) {
    const reason = 'due, but nobody to tell: the account has no owners and the rules no fallback';
    return changed || lapsed
      ? { action: 'write', outcome: 'suppressed', reason, next: awake }
      : { action: 'skip', outcome: 'suppressed', reason };
  }
  const at = iso(now.getTime());
  const next: TrackedRecord = {
    ...awake,
    rules: { ...base.rules, ...Object.fromEntries(due.map((rule) => [rule.name, { lastNotifiedAt: at }])) },
  };
  if (baseline) return { action: 'write', outcome: 'adopted', reason: 'adopted by a baseline: recorded as notified, nothing sent', next };
  const kind = isNew ? 'new' : 'reminder';
  return {
    action: 'send',
    outcome: OUTCOME_OF[kind],
    reason: lapsed ? 'snooze ended' : isNew ? 'new finding' : escalations.length > 0 ? 'reminder due; escalated' : 'reminder due',
    notification: notification(finding, kind, due, recipients, now, account, {
      ...(escalations.length > 0 ? { escalations } : {}),
      ...(lapsed ? { snoozeEnded: lapsed } : {}),
    }),
    base,
    next,
  };
}

/**
 * Whether a rule is due: never notified and open at least `after` → new;
 * notified and `every` has passed since → reminder. When a snooze ends,
 * every rule that notified the finding before is due at once.
 */
function isDue(rule: Rule, record: TrackedRecord, finding: FindingSnapshot, now: Date, snoozeEnded: boolean): boolean {
  const state = record.rules[rule.name];
  if (!state && rule.notify.afterMs === 0) return true;
  if (state && snoozeEnded) return true;
  const due = dueAtMs(rule, state, finding);
  return due !== undefined && now.getTime() >= due;
}

/**
 * When a notify rule is next due about the finding, in epoch milliseconds:
 * `after` from its first observation when the rule never notified it,
 * `every` from the rule's last notification otherwise (none: never again).
 */
export function dueAtMs(rule: Rule, state: RuleState | undefined, finding: FindingSnapshot): number | undefined {
  if (!state) return Date.parse(finding.firstObservedAt) + rule.notify.afterMs;
  if (rule.notify.everyMs === null) return undefined;
  return Date.parse(state.lastNotifiedAt) + rule.notify.everyMs;
}

/** The digest rules' hold on the finding: kept where it was, new where a rule starts collecting, gone where a rule stopped. */
function collectedBy(
  rules: Rule[],
  before: Record<string, Collected> | undefined,
  now: Date,
  baseline: boolean,
): Record<string, Collected> | undefined {
  if (rules.length === 0) return undefined;
  const since = iso(now.getTime());
  return Object.fromEntries(rules.map((rule) => [rule.name, before?.[rule.name] ?? (baseline ? { since, adopted: true } : { since })]));
}

function sameCollection(a: Record<string, Collected> | undefined, b: Record<string, Collected> | undefined): boolean {
  const left = Object.keys(a ?? {});
  const right = Object.keys(b ?? {});
  return left.length === right.length && left.every((name) => b?.[name] !== undefined && a?.[name]?.since === b[name].since);
}

function withCollected(record: TrackedRecord, collected: Record<string, Collected> | undefined): TrackedRecord {
  const { collected: _old, ...rest } = record;
  return collected ? { ...rest, collected } : rest;
}

function needsRefresh(record: TrackedRecord, finding: FindingSnapshot): boolean {
  if (finding.updatedAt <= record.updatedAt) return false;
  const old = record.snapshot;
  return (
    old.severity !== finding.severity ||
    old.title !== finding.title ||
    Date.parse(finding.updatedAt) - Date.parse(record.updatedAt) >= SNAPSHOT_REFRESH
  );
}

function refreshed(record: TrackedRecord, finding: FindingSnapshot, now: Date): TrackedRecord {
  return { ...record, updatedAt: finding.updatedAt, snapshot: snapshotOf(finding), expiresAt: openExpiry(finding, now) };
}

function withoutClaim(record: TrackedRecord): TrackedRecord {
  if (!record.claim) return record;
  const { claim: _claim, ...rest } = record;
  return rest;
}

function notification(
  finding: FindingSnapshot,
  kind: NotificationKind,
  rules: Rule[],
  recipients: { to: string[]; destinations: string[] },
  now: Date,
  account: AccountInfo | undefined,
  extra: Pick<Notification, 'escalations' | 'snoozeEnded'> = {},
): Notification {
  const at = iso(now.getTime());
  const accountName = account?.name;
  return {
    kind,
    id: `${finding.key}|${kind}|${at}`,
    rules: rules.map((rule) => rule.name),
    to: recipients.to,
    ...(recipients.destinations.length > 0 ? { destinations: recipients.destinations } : {}),
    at,
    ...(accountName ? { accountName } : {}),
    ...extra,
  };
}

function openExpiry(finding: FindingSnapshot, now: Date): string {
  return iso(Math.max(now.getTime(), Date.parse(finding.updatedAt)) + OPEN_RECORD_TTL);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
