import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { type Counts, emptyCounts, NotificationEngine } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy.js';
import { RecordingMailer } from './recording-mailer.js';

/** A real SQLite store in a temporary folder, a recording mailer and the engine over them. */
export function engineHarness(policy: Policy = DEFAULT_POLICY) {
  const dir = mkdtempSync(join(tmpdir(), 'sechub-engine-'));
  const store = new SqliteFindingStore(join(dir, 'state.db'));
  const mailer = new RecordingMailer();
  const wall = { now: () => new Date() };
  const engine = new NotificationEngine({ store, mailer, policy, clock: wall });
  const counts: Counts = emptyCounts();
  return {
    dir,
    store,
    mailer,
    engine,
    counts,
    /** Handles one finding at the given decision time, counting the outcome. */
    at(time: string, finding: Finding) {
      return engine.handleCounted(finding, new Date(time), counts);
    },
    close: () => store.close(),
  };
}
