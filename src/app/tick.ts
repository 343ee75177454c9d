import type { FindingStore } from '../core/ports.js';
import { type Counts, emptyCounts } from './counts.js';
import type { Notifier } from './notifier.js';

export interface TickDeps {
  store: FindingStore;
  notifier: Notifier;
  /** Decide and report only: expired records are not purged either. */
  dryRun?: boolean;
}

/**
 * The use case "tick": evaluates every tracked open finding at `now`, so due
 * reminders and delayed first emails go out with no new event; then removes
 * the records whose lifetime is over.
 */
export async function tick({ store, notifier, dryRun }: TickDeps, now: Date, counts: Counts = emptyCounts()): Promise<Counts> {
  for await (const record of store.listOpen()) {
    counts.read++;
    await notifier.handleCounted(record.snapshot, now, counts, record);
  }
  if (!dryRun) await store.purgeExpired(now);
  return counts;
}
