/**
 * Tracked records as the store keeps them, and a fast way to seed many of
 * them into a state file.
 */
import Database from 'better-sqlite3';
import type { Finding } from '../../src/core/finding.js';
import { type Collected, snapshotOf, type TrackedRecord } from '../../src/core/record.js';
import { asff, type FindingSpec, normalized } from './asff.js';

/** The record the notifier would keep for a finding that was notified at `notifiedAt` by `rule`. */
export function trackedRecord(finding: Finding, notifiedAt: string, rule = 'critical-and-high'): TrackedRecord {
  return {
    key: finding.key,
    open: true,
    updatedAt: finding.updatedAt,
    snapshot: snapshotOf(finding),
    rules: { [rule]: { lastNotifiedAt: notifiedAt } },
    version: 1,
    expiresAt: '2099-01-01T00:00:00.000Z',
  };
}

/** Writes many records in one transaction straight into a state file the store created (fast seeding for big tests). */
export function seedRecords(statePath: string, records: Iterable<TrackedRecord>): void {
  const db = new Database(statePath, { timeout: 30_000 });
  const insert = db.prepare('INSERT INTO findings (key, open, version, expires_at, body) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const record of records) insert.run(record.key, record.open ? 1 : 0, record.version, record.expiresAt, JSON.stringify(record));
  })();
  db.close();
}

export interface CollectedSpec extends FindingSpec {
  /** Digest rules collecting (or that collected) the finding, by name. */
  collected: Record<string, Collected>;
  /** A tombstone resolved at this time. */
  resolvedAt?: string;
  /** Snoozed until this time. */
  snoozedUntil?: string;
}

/**
 * A record as decide leaves it for digests: an open finding some digest rules
 * collect, or, with `resolvedAt`, the tombstone of one they collected.
 */
export function collectedRecord(spec: CollectedSpec): TrackedRecord {
  const { collected, resolvedAt, snoozedUntil, ...finding } = spec;
  const snapshot = snapshotOf(normalized(asff({ firstObservedAt: '2026-01-01T00:00:00.000Z', ...finding })));
  const open = resolvedAt === undefined;
  return {
    key: snapshot.key,
    open,
    updatedAt: resolvedAt ?? snapshot.updatedAt,
    snapshot: { ...snapshot, open },
    rules: {},
    collected,
    ...(open ? {} : { resolvedAt }),
    ...(snoozedUntil ? { snoozed: { until: snoozedUntil, reason: 'accepted risk' } } : {}),
    version: 1,
    expiresAt: '2099-01-01T00:00:00.000Z',
  };
}
