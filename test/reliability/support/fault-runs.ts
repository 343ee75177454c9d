import Database from 'better-sqlite3';
import { SmtpMailer } from '../../../src/adapters/smtp/smtp-mailer.js';
import { SqliteFindingStore } from '../../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../../src/adapters/system/runtime.js';
import { type Counts, emptyCounts } from '../../../src/app/counts.js';
import { Notifier } from '../../../src/app/notifier.js';
import { tick } from '../../../src/app/tick.js';
import type { Finding } from '../../../src/core/finding.js';
import { DEFAULT_POLICY } from '../../../src/core/policy.js';
import type { FindingStore } from '../../../src/core/ports.js';
import type { TrackedRecord } from '../../../src/core/record.js';
import type { Delivered } from './faulty-smtp.js';

/**
 * Runs of the notifier against a real SMTP server that fails on purpose:
 * several workers at once (like overlapping `process` runs on one state
 * file), run after run until nothing is left to send.
 */

export interface FaultRunOptions {
  statePath: string;
  smtpUrl: string;
  workers: number;
  /** The mailer's timeout; a stalled server costs this much per attempt. */
  timeoutMs: number;
  maxRuns: number;
}

export interface RunSummary {
  runs: number;
  attempts: Counts;
}

type Work = (notifier: Notifier, store: FindingStore, counts: Counts) => Promise<void>;

async function runUntilDone(options: FaultRunOptions, work: Work): Promise<RunSummary> {
  const total = emptyCounts();
  for (let run = 1; run <= options.maxRuns; run++) {
    const results = await Promise.all(
      Array.from({ length: options.workers }, async () => {
        const store = new SqliteFindingStore(options.statePath);
        const mailer = new SmtpMailer(options.smtpUrl, { timeoutMs: options.timeoutMs });
        const notifier = new Notifier({ store, mailer, policy: DEFAULT_POLICY, runtime: systemRuntime });
        const counts = emptyCounts();
        try {
          await work(notifier, store, counts);
        } finally {
          await mailer.close();
          await store.close();
        }
        return counts;
      }),
    );
    for (const counts of results) for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key];
    if (results.every((counts) => counts.failed === 0)) return { runs: run, attempts: total };
  }
  return { runs: options.maxRuns, attempts: total };
}

/** Every worker processes every finding at its own decision time, run after run, until a run has no failed send. */
export function processUntilDone(options: FaultRunOptions, input: { finding: Finding; now: Date }[]): Promise<RunSummary> {
  return runUntilDone(options, async (notifier, _store, counts) => {
    for (const { finding, now } of input) {
      counts.read++;
      await notifier.handleCounted(finding, now, counts);
    }
  });
}

/** Every worker ticks at `now`, run after run, until a run has no failed send. */
export function tickUntilDone(options: FaultRunOptions, now: Date): Promise<RunSummary> {
  return runUntilDone(options, async (notifier, store, counts) => {
    await tick({ store, notifier }, now, counts);
  });
}

/** What arrived compared with what was due: the figures the reliability document reports. */
export function tally(delivered: Delivered[], due: { findingId: string; kind: string }[]) {
  const byNotification = new Map<string, Delivered[]>();
  for (const mail of delivered) {
    const key = `${mail.kind}|${mail.findingId}`;
    byNotification.set(key, [...(byNotification.get(key) ?? []), mail]);
  }
  const dueKeys = new Set(due.map((d) => `${d.kind}|${d.findingId}`));
  const sent = [...dueKeys].filter((key) => byNotification.has(key)).length;
  const copies = [...byNotification.values()].filter((mails) => mails.length > 1);
  return {
    due: dueKeys.size,
    sent,
    duplicated: copies.reduce((sum, mails) => sum + mails.length - 1, 0),
    lost: dueKeys.size - sent,
    unexpected: [...byNotification.keys()].filter((key) => !dueKeys.has(key)).length,
    /** Whether every copy of a notification carried the first copy's Message-ID. */
    duplicatesShareMessageId: copies.every((mails) => mails.every((mail) => mail.messageId === mails[0]!.messageId)),
  };
}

/** The state file as a whole: SQLite's own integrity check, and every record readable and unclaimed. */
export function auditState(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const rows = db
      .prepare<[], { key: string; open: number; version: number; body: string }>('SELECT key, open, version, body FROM findings')
      .all();
    const records = rows.map((row) => {
      const record = JSON.parse(row.body) as TrackedRecord;
      return { row, record };
    });
    return {
      integrity,
      records: records.map(({ record }) => record),
      /** Rows whose columns disagree with the record they hold. */
      inconsistent: records.filter(
        ({ row, record }) => row.key !== record.key || row.version !== record.version || (row.open === 1) !== record.open,
      ).length,
      claimed: records.filter(({ record }) => record.claim !== undefined).length,
    };
  } finally {
    db.close();
  }
}
