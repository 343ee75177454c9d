import type { Finding } from '../../core/finding.js';
import type { FindingSource, FindingStore } from '../../core/ports.js';
import { type FindingApi, lookupQuery } from '../../core/security-hub/queries.js';
import type { TrackedEntry } from '../../core/sweep/plan.js';
import { normalizePage, verdictOf } from '../../core/sweep/settle.js';
import type { SweepTotals } from '../../core/sweep/state.js';
import { eachConcurrently } from '../concurrently.js';
import type { Counts } from '../counts.js';
import type { Notifier } from '../notifier.js';

/** What settling needs for one invocation of a sweep run. */
export interface SettleContext {
  notifier: Notifier;
  store: FindingStore;
  source: FindingSource;
  /** The run's totals, updated in place. */
  totals: SweepTotals;
  /** Findings updated after this instant are not concluded missing. */
  notMissingAfter: number;
  concurrency: number;
  now: Date;
  counts: Counts;
  onProblem?: (message: string) => void;
}

/**
 * Acts on tracked findings given what Security Hub says of them (see
 * `verdictOf`): a newer open version goes to the notifier (it may refresh
 * the snapshot), a closed one goes to it as the closing event it is, and one
 * Security Hub no longer returns is closed from its stored snapshot. Every
 * action is idempotent, so a batch done twice after a crash changes nothing
 * more.
 */
export class Settler {
  constructor(private readonly c: SettleContext) {}

  /** Looks a batch up by id (one call, or more pages) and settles each entry. */
  async confirm(batch: TrackedEntry[]): Promise<void> {
    const api = batch[0]!.api;
    const query = lookupQuery(
      api,
      batch.map((entry) => entry.id),
    );
    const found = new Map<string, Finding>();
    let token: string | undefined;
    do {
      const page = await this.c.source.page(query, token);
      for (const [key, finding] of this.normalize(page.findings, api)) found.set(key, finding);
      token = page.nextToken;
    } while (token !== undefined);
    const ids = new Set([...found.values()].map((finding) => finding.id));
    await this.each(batch, (entry) => this.settle(entry, found.get(entry.key), ids.has(entry.id)));
  }

  /** Settles one entry; `idSeen` tells that Security Hub returned its id under another identity. */
  async settle(entry: TrackedEntry, finding: Finding | undefined, idSeen = false): Promise<void> {
    const { totals, notifier, now, counts } = this.c;
    totals.checked++;
    switch (verdictOf(entry, finding, idSeen, this.c.notMissingAfter)) {
      case 'active':
        totals.active++;
        return;
      case 'changed':
        totals.active++;
        // A newer version may refresh the stored snapshot (or be due a reminder); an unchanged one waits for the tick.
        await notifier.handleCounted(finding!, now, counts);
        return;
      case 'closed':
        totals.closed++;
        if (!(await notifier.handleCounted(finding!, now, counts))) totals.failed++;
        return;
      case 'deferred':
        totals.deferred++;
        return;
      case 'missing': {
        totals.missing++;
        const record = await this.c.store.get(entry.key);
        if (!record?.open) return;
        if (!(await notifier.handleCounted({ ...record.snapshot, open: false }, now, counts, record))) totals.failed++;
      }
    }
  }

  /** Normalises a page; unreadable items are reported and left out. */
  normalize(raws: unknown[], api: FindingApi): Map<string, Finding> {
    const { found, problems } = normalizePage(raws, api);
    for (const problem of problems) this.c.onProblem?.(problem);
    return found;
  }

  /** Runs `act` over the items, a few at a time, so store and mailer calls overlap. After a failure no item is started. */
  each<T>(items: T[], act: (item: T) => Promise<void>): Promise<void> {
    return eachConcurrently(items, this.c.concurrency, act);
  }
}
