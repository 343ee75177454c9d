import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { type DigestDeps, sendDueDigests } from '../../src/app/digest.js';
import type { DigestRule } from '../../src/core/digest/rules.js';
import type { Mailer, StateStore } from '../../src/core/ports.js';
import type { TrackedRecord } from '../../src/core/record.js';
import { ManualClock } from '../reliability/support/faulty-store.js';
import { RecordingMailer } from './recording-mailer.js';

/** A daily digest rule at 08:00 UTC for team@example.com. */
export function digestRule(name: string, overrides: Partial<DigestRule> = {}): DigestRule {
  return {
    name,
    schedule: { every: '1d', at: '08:00', timeZone: 'UTC' },
    maxItems: 50,
    sendEmpty: false,
    to: ['team@example.com'],
    ...overrides,
  };
}

/**
 * A SQLite state file in a temporary folder, a recording mailer and a wall
 * clock the test moves, for running `sendDueDigests` as a scheduled job would.
 */
export function digestHarness(rules: DigestRule[], wallClock = '2026-01-12T08:00:00.000Z') {
  const dir = mkdtempSync(join(tmpdir(), 'sechub-digest-'));
  const statePath = join(dir, 'state.db');
  const store = new SqliteFindingStore(statePath);
  const mailer = new RecordingMailer();
  const clock = new ManualClock(Date.parse(wallClock));
  const stores: StateStore[] = [store];
  return {
    dir,
    statePath,
    store,
    mailer,
    clock,
    rules,
    async seed(records: TrackedRecord[]) {
      for (const record of records) await store.put(record, undefined);
    },
    /** The deps of one worker: its own connection to the state file unless `store` is given. */
    deps(overrides: Partial<DigestDeps> & { mailer?: Mailer } = {}): DigestDeps {
      return {
        store,
        mailer,
        runtime: { ...systemRuntime, clock },
        sender: 'alerts@example.com',
        rules,
        recipientsOf: (rule) => rule.to,
        accountNameOf: () => undefined,
        ...overrides,
      };
    },
    /** Another connection to the same state file, like another process. */
    connection(): StateStore {
      const other = new SqliteFindingStore(statePath);
      stores.push(other);
      return other;
    },
    /** One run at `now` (the schedule's time), as the daily job or `tick --now` would make it. */
    run(now: string, overrides: Partial<DigestDeps> = {}) {
      return sendDueDigests(this.deps(overrides), new Date(now));
    },
    async close() {
      for (const open of stores) await open.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
