import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { type Counts, emptyCounts } from '../../src/app/counts.js';
import { Notifier } from '../../src/app/notifier.js';
import { tick } from '../../src/app/tick.js';
import type { Finding } from '../../src/core/finding.js';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy.js';
import { RecordingMailer } from './recording-mailer.js';

/** A real SQLite store in a temporary folder, a recording mailer and the notifier over them. */
export function notifierHarness(policy: Policy = DEFAULT_POLICY) {
  const dir = mkdtempSync(join(tmpdir(), 'sechub-engine-'));
  const store = new SqliteFindingStore(join(dir, 'state.db'));
  const mailer = new RecordingMailer();
  const notifier = new Notifier({ store, mailer, policy, runtime: systemRuntime });
  const counts: Counts = emptyCounts();
  return {
    dir,
    store,
    mailer,
    notifier,
    counts,
    /** Handles one finding at the given decision time, counting the outcome. */
    at(time: string, finding: Finding) {
      return notifier.handleCounted(finding, new Date(time), counts);
    },
    /** The use case "tick" at `now`. */
    tick(now: Date) {
      return tick({ store, notifier }, now);
    },
    close: () => store.close(),
  };
}
