import type { Counts, NotificationEngine } from './engine.js';
import type { Finding } from './finding.js';
import { extractFindings } from './normalize/extract.js';
import type { FindingSource, FindingStore } from './ports.js';
import type { TrackedEntry } from './sweep-plan.js';
import { type FindingApi, lookupQuery } from './sweep-query.js';
import type { SweepTotals } from './sweep-state.js';

/** What settling needs for one invocation of a sweep run. */
export interface SettleContext {
  engine: NotificationEngine;
  store: FindingStore;
  reader: FindingSource;
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
 * Acts on tracked findings given what Security Hub says of them: a newer
 * open version goes to the engine (it may refresh the snapshot), a closed one
 * goes to the engine as the closing event it is, and one Security Hub no
 * longer returns is closed from its stored snapshot. Every action is
 * idempotent, so a batch done twice after a crash changes nothing more.
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
      const page = await this.c.reader.page(query, token);
      for (const [key, finding] of this.normalize(page.findings, api)) found.set(key, finding);
      token = page.nextToken;
    } while (token !== undefined);
    const ids = new Set([...found.values()].map((finding) => finding.id));
    await this.each(batch, (entry) => this.settle(entry, found.get(entry.key), ids.has(entry.id)));
  }

  /** Settles one entry; `idSeen` tells that Security Hub returned its id under another identity. */
  async settle(entry: TrackedEntry, finding: Finding | undefined, idSeen = false): Promise<void> {
    const { totals, engine, now, counts } = this.c;
    totals.checked++;
    if (finding?.open) {
      totals.active++;
      // A newer version may refresh the stored snapshot (or be due a reminder); an unchanged one waits for the tick.
      if (finding.updatedAt > entry.updatedAt) await engine.handleCounted(finding, now, counts);
      return;
    }
    if (finding) {
      totals.closed++;
      if (!(await engine.handleCounted(finding, now, counts))) totals.failed++;
      return;
    }
    if (Date.parse(entry.updatedAt) > this.c.notMissingAfter || idSeen) {
      // Not returned yet (eventual consistency) or returned under another identity: conclude nothing.
      totals.deferred++;
      return;
    }
    totals.missing++;
    const record = await this.c.store.get(entry.key);
    if (!record?.open) return;
    if (!(await engine.handleCounted({ ...record.snapshot, open: false }, now, counts, record))) totals.failed++;
  }

  /** Normalises a page; the newest version wins when a key repeats. Unreadable items are reported and left out. */
  normalize(raws: unknown[], api: FindingApi): Map<string, Finding> {
    const found = new Map<string, Finding>();
    raws.forEach((raw, i) => {
      for (const item of extractFindings(raw, `${api === 'asff' ? 'GetFindings' : 'GetFindingsV2'}/${i}`)) {
        if (item.kind !== 'finding') {
          this.c.onProblem?.(`unreadable finding from Security Hub: ${item.where}: ${item.reason}`);
          continue;
        }
        const before = found.get(item.finding.key);
        if (!before || item.finding.updatedAt > before.updatedAt) found.set(item.finding.key, item.finding);
      }
    });
    return found;
  }

  /** Runs `act` over the items, a few at a time, so store and mailer calls overlap. After a failure no item is started. */
  async each<T>(items: T[], act: (item: T) => Promise<void>): Promise<void> {
    let at = 0;
    let failed = false;
    const worker = async () => {
      while (at < items.length && !failed) {
        try {
          await act(items[at++]!);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    // Wait for every worker to stop before reporting, so nothing runs on after the sweep has failed.
    const outcomes = await Promise.allSettled(Array.from({ length: Math.min(Math.max(1, this.c.concurrency), items.length) }, worker));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
