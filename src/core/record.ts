import type { Finding } from './finding.js';
import type { DeliveryTarget, Notification } from './notification.js';

/**
 * What the store keeps about one finding: enough to de-duplicate, to send
 * reminders with no new event, and to reject late, older events.
 */

/** A finding without its raw document, trimmed so that a record stays small (DynamoDB items max out at 400 KB). */
export type FindingSnapshot = Omit<Finding, 'raw'>;

export interface RuleState {
  /** When this rule last caused an email about this finding (ISO-8601). */
  lastNotifiedAt: string;
}

/** Where a channel's first message about a finding is, so later ones thread under it (Slack: channel and ts). */
export interface ThreadRef {
  channel: string;
  ts: string;
}

/** A digest rule's hold on a finding: since when it collects it. */
export interface Collected {
  since: string;
  /** Adopted by a baseline run: already known, so never listed as new. */
  adopted?: boolean;
}

/** A notification some of whose targets accepted it and some did not: the rest is delivered by a later run. */
export interface PendingDelivery {
  notification: Notification;
  remaining: DeliveryTarget[];
}

/** An email in flight: written before the send and cleared after it, so a concurrent worker backs off. */
export interface Claim {
  id: string;
  /** Wall-clock instant after which the claim is considered abandoned (its worker crashed). */
  until: string;
}

export interface TrackedRecord {
  key: string;
  /** false: a tombstone for a resolved finding, kept so a late, older event cannot reopen it. */
  open: boolean;
  /** The finding's own updated time as last seen: events older than this change nothing. */
  updatedAt: string;
  snapshot: FindingSnapshot;
  /** Notification state per policy rule name. Empty for a tracked finding not yet notified. */
  rules: Record<string, RuleState>;
  claim?: Claim;
  /** Digest rules collecting this finding (open), or that collected it (tombstone), by rule name. */
  collected?: Record<string, Collected>;
  /** When the finding was resolved (tombstones of findings a digest collected). */
  resolvedAt?: string;
  /** A notification not yet delivered to every target. */
  pending?: PendingDelivery;
  /** Each threading destination's first message about this finding. */
  threads?: Record<string, ThreadRef>;
  /** A snooze that silences the finding: a notification falls due when it ends. */
  snoozed?: { until: string; reason?: string };
  /** Optimistic-concurrency version, incremented by every write. */
  version: number;
  /** After this instant the store may drop the record (TTL backstop). */
  expiresAt: string;
}

/**
 * Whether a store lists the record with the open ones (`listOpen`): an open record, or a tombstone whose
 * resolved notice is still due somewhere, so that the tick delivers it.
 */
export function listedOpen(record: TrackedRecord): boolean {
  return record.open || record.pending !== undefined;
}

const MAX_TEXT = 4000;
const MAX_RESOURCES = 25;
const MAX_VULNERABILITIES = 10;
const MAX_PACKAGES = 10;
const MAX_ID = 1000;

/** A bounded copy of the finding without its raw document, fit to store. */
export function snapshotOf(finding: Finding | FindingSnapshot): FindingSnapshot {
  const { raw: _raw, ...rest } = finding as Finding;
  return {
    ...rest,
    title: cut(rest.title, 500),
    description: cut(rest.description, MAX_TEXT),
    accountName: rest.accountName && cut(rest.accountName, 200),
    productName: cut(rest.productName, 200),
    types: rest.types.slice(0, 10).map((type) => cut(type, 300)),
    control: rest.control && {
      id: cut(rest.control.id, 200),
      standards: rest.control.standards.slice(0, 20).map((s) => cut(s, 100)),
      standardIds: rest.control.standardIds.slice(0, 20).map((s) => cut(s, 300)),
    },
    remediation: rest.remediation && {
      text: rest.remediation.text && cut(rest.remediation.text, MAX_TEXT),
      url: rest.remediation.url && cut(rest.remediation.url, 2000),
    },
    resources: rest.resources.slice(0, MAX_RESOURCES).map((r) => ({
      type: cut(r.type, 200),
      id: cut(r.id, MAX_ID),
      ...(r.region === undefined ? {} : { region: cut(r.region, 50) }),
    })),
    vulnerabilities: rest.vulnerabilities.slice(0, MAX_VULNERABILITIES).map((v) => ({
      id: cut(v.id, 200),
      packages: v.packages.slice(0, MAX_PACKAGES).map((p) => ({
        name: cut(p.name, 300),
        ...(p.version === undefined ? {} : { version: cut(p.version, 100) }),
        ...(p.fixedIn === undefined ? {} : { fixedIn: cut(p.fixedIn, 100) }),
      })),
    })),
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
