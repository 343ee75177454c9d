import type { Notification } from './notification.js';
import { matchingRules, type Policy, type Rule } from './policy.js';
import { type FindingSnapshot, snapshotOf, type TrackedRecord } from './record.js';

/**
 * The pure heart of the notifier: given a finding, what the store knows of
 * it, the policy and the time, decide whether to email, and what the record
 * should look like afterwards. No I/O here; the engine carries it out.
 */

export type Outcome = 'notified' | 'reminded' | 'suppressed' | 'resolved' | 'ignored';

export type Decision =
  /** Nothing to write, nothing to send. */
  | { action: 'skip'; outcome: Outcome; reason: string }
  /** Write `next`, send nothing. */
  | { action: 'write'; outcome: Outcome; reason: string; next: TrackedRecord }
  /** Claim `base`, send `notification`, then write `next`; on a failed send put `base` back unclaimed. */
  | { action: 'send'; outcome: Outcome; reason: string; notification: Notification; base: TrackedRecord; next: TrackedRecord };

export interface DecisionInput {
  finding: FindingSnapshot;
  record: TrackedRecord | undefined;
  policy: Policy;
  /** The decision time: the system clock, the event's time, or a tick's `--now`. */
  now: Date;
  /** The real time, for claims of other workers. */
  wallNow: Date;
}

const DAY = 86_400_000;
/** Open records outlive Security Hub's own retention (90 days after a finding's last update). */
const OPEN_RECORD_TTL = 120 * DAY;
/** Tombstones of resolved findings only need to outlast late, out-of-order deliveries. */
const TOMBSTONE_TTL = 30 * DAY;
/** A stored snapshot is refreshed when the finding moved on by this much, keeping reminders current and the TTL alive. */
const SNAPSHOT_REFRESH = DAY;

export function decide({ finding, record, policy, now, wallNow }: DecisionInput): Decision {
  if (record && finding.updatedAt < record.updatedAt) {
    return { action: 'skip', outcome: 'suppressed', reason: 'stale: older than the stored state of this finding' };
  }
  if (record?.claim && Date.parse(record.claim.until) > wallNow.getTime()) {
    return { action: 'skip', outcome: 'suppressed', reason: 'in flight: another worker is sending this notification' };
  }
  const tracked = record?.open ? record : undefined;
  return finding.open ? decideOpen(finding, tracked, record, policy, now) : decideClosed(finding, tracked, policy, now);
}

function decideClosed(finding: FindingSnapshot, tracked: TrackedRecord | undefined, policy: Policy, now: Date): Decision {
  if (!tracked) return { action: 'skip', outcome: 'ignored', reason: 'closed and not tracked' };
  const next: TrackedRecord = {
    key: finding.key,
    open: false,
    updatedAt: finding.updatedAt,
    snapshot: snapshotOf(finding),
    rules: {},
    version: tracked.version,
    expiresAt: iso(now.getTime() + TOMBSTONE_TTL),
  };
  const told = policy.rules.filter((rule) => rule.notify.resolved && tracked.rules[rule.name] !== undefined);
  if (told.length === 0) return { action: 'write', outcome: 'resolved', reason: 'closed; forgotten', next };
  return {
    action: 'send',
    outcome: 'resolved',
    reason: 'closed; rules ask for a resolved email',
    notification: notification(finding.key, 'resolved', told, now),
    base: withoutClaim(tracked),
    next,
  };
}

function decideOpen(
  finding: FindingSnapshot,
  tracked: TrackedRecord | undefined,
  record: TrackedRecord | undefined,
  policy: Policy,
  now: Date,
): Decision {
  const rules = matchingRules(policy, finding);
  if (rules.length === 0) {
    if (tracked && needsRefresh(tracked, finding)) {
      return {
        action: 'write',
        outcome: 'ignored',
        reason: 'matches no rule now; snapshot refreshed',
        next: refreshed(tracked, finding, now),
      };
    }
    return { action: 'skip', outcome: 'ignored', reason: 'matches no rule' };
  }

  const refresh = tracked !== undefined && needsRefresh(tracked, finding);
  const base: TrackedRecord = tracked
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

  const due = rules.filter((rule) => isDue(rule, base, finding, now));
  if (due.length === 0) {
    if (!tracked) return { action: 'write', outcome: 'suppressed', reason: 'tracked; not due yet', next: base };
    if (refresh) return { action: 'write', outcome: 'suppressed', reason: 'not due; snapshot refreshed', next: base };
    return { action: 'skip', outcome: 'suppressed', reason: 'already notified; reminder not due' };
  }

  const isNew = due.some((rule) => base.rules[rule.name] === undefined);
  const at = iso(now.getTime());
  const next: TrackedRecord = {
    ...base,
    rules: { ...base.rules, ...Object.fromEntries(due.map((rule) => [rule.name, { lastNotifiedAt: at }])) },
  };
  return {
    action: 'send',
    outcome: isNew ? 'notified' : 'reminded',
    reason: isNew ? 'new finding' : 'reminder due',
    notification: notification(finding.key, isNew ? 'new' : 'reminder', due, now),
    base,
    next,
  };
}

function isDue(rule: Rule, record: TrackedRecord, finding: FindingSnapshot, now: Date): boolean {
  const state = record.rules[rule.name];
  if (!state) {
    if (rule.notify.afterMs === 0) return true;
    return now.getTime() - Date.parse(finding.firstObservedAt) >= rule.notify.afterMs;
  }
  if (rule.notify.everyMs === null) return false;
  return now.getTime() - Date.parse(state.lastNotifiedAt) >= rule.notify.everyMs;
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

function notification(key: string, kind: Notification['kind'], rules: Rule[], now: Date): Notification {
  const at = iso(now.getTime());
  return {
    kind,
    id: `${key}|${kind}|${at}`,
    rules: rules.map((rule) => rule.name),
    to: [...new Set(rules.flatMap((rule) => rule.notify.to))],
    at,
  };
}

function openExpiry(finding: FindingSnapshot, now: Date): string {
  return iso(Math.max(now.getTime(), Date.parse(finding.updatedAt)) + OPEN_RECORD_TTL);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
