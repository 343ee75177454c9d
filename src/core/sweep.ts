import { type Counts, emptyCounts, type NotificationEngine } from './engine.js';
import { SecurityHubError } from './errors.js';
import type { Finding } from './finding.js';
import { extractFindings } from './normalize/extract.js';
import type { Policy } from './policy.js';
import type { CursorStore, FindingStore } from './ports.js';
import { byIdThenKey, byKey, chooseStrategy, compare, entryOf, type SweepStrategy, scanScope, type TrackedEntry } from './sweep-plan.js';
import {
  type FindingApi,
  type FindingPage,
  type FindingQuery,
  type FindingQueryReader,
  idsPerLookup,
  lookupQuery,
  scanQuery,
} from './sweep-query.js';
import { emptyTotals, parseSweepState, type SweepRun, type SweepState, type SweepTotals, serializeSweepState } from './sweep-state.js';

export interface SweepOptions {
  store: FindingStore & CursorStore;
  engine: NotificationEngine;
  reader: FindingQueryReader;
  policy: Policy;
  /** Confirm every record through this API; by default each through the API of its own format. */
  api?: FindingApi;
  /** Force a strategy (tests, benchmarks); by default the cheaper one per API and run. */
  strategy?: SweepStrategy;
  /** Asked before every call: true makes the sweep save its progress and return. */
  shouldStop?: () => boolean;
  /** A tracked finding Security Hub does not return counts as closed only if its last update is older than this (default 1 hour). */
  graceMs?: number;
  /** A new sweep starts only if the last one completed at least this long ago (default 0: every run). */
  everyMs?: number;
  cursorName?: string;
  /** Findings handled at once (store and mailer calls overlap). */
  concurrency?: number;
  /** Problems worth a log line that stop nothing (an unreadable cursor, an unreadable finding). */
  onProblem?: (message: string) => void;
}

export interface SweepResult {
  /** The run completed; false when it stopped early and left its cursor for the next invocation. */
  done: boolean;
  /** No sweep was due (`everyMs`). */
  skipped: boolean;
  /** This invocation continued a run that an earlier one started. */
  resumed: boolean;
  groups: SweepRun['groups'];
  /** The whole run so far, across invocations. */
  totals: SweepTotals;
  /** Security Hub requests made by this invocation. */
  calls: number;
}

const HOUR = 3_600_000;

/**
 * The sweep use case: confirms which tracked findings are still active in
 * Security Hub and closes the others through the engine, exactly as an event
 * closing them would (resolved emails, tombstones). A finding Security Hub
 * no longer returns counts as closed: it deletes findings 90 days after
 * their last update. Progress is saved after every batch (see sweep-state).
 */
export class Sweep {
  private readonly name: string;
  private run?: SweepRun;
  private callsSeen = 0;

  constructor(private readonly options: SweepOptions) {
    this.name = options.cursorName ?? 'sweep';
  }

  async sweep(now: Date, counts: Counts = emptyCounts()): Promise<SweepResult> {
    const { store, reader } = this.options;
    const startCalls = reader.calls;
    this.callsSeen = startCalls;
    const parsed = parseSweepState(await store.getCursor(this.name));
    if (parsed.problem) this.options.onProblem?.(parsed.problem);
    const state: SweepState = parsed.state;
    const resumed = state.run !== undefined;
    if (!state.run && this.notDue(state, now)) {
      return { done: true, skipped: true, resumed, groups: [], totals: emptyTotals(), calls: 0 };
    }
    const entries = await this.loadEntries();
    const run = state.run ?? this.plan(entries, state, now);
    state.run = run;
    this.run = run;
    run.totals.invocations++;
    await this.save(state);

    while (run.group < run.groups.length) {
      const group = run.groups[run.group]!;
      const mine = entries.filter((entry) => entry.api === group.api);
      const finished =
        group.strategy === 'lookup' ? await this.lookup(mine, state, now, counts) : await this.scan(mine, state, now, counts);
      if (!finished) {
        await this.save(state);
        return { done: false, skipped: false, resumed, groups: run.groups, totals: run.totals, calls: reader.calls - startCalls };
      }
      const inactive = run.totals.closed + run.totals.missing - sumInactive(run.measured);
      run.measured[group.api] = {
        tracked: group.tracked,
        inactive,
        scanned: group.strategy === 'scan' ? run.scanned : state.history[group.api]?.scanned,
      };
      Object.assign(run, {
        group: run.group + 1,
        after: undefined,
        nextToken: undefined,
        settledId: undefined,
        settledKey: undefined,
        scanned: 0,
      });
      await this.save(state);
    }
    await this.save({ completedAt: now.toISOString(), history: { ...state.history, ...run.measured } });
    return { done: true, skipped: false, resumed, groups: run.groups, totals: run.totals, calls: reader.calls - startCalls };
  }

  private notDue(state: SweepState, now: Date): boolean {
    const every = this.options.everyMs ?? 0;
    return every > 0 && state.completedAt !== undefined && now.getTime() - Date.parse(state.completedAt) < every;
  }

  private plan(entries: TrackedEntry[], state: SweepState, now: Date): SweepRun {
    const apis: FindingApi[] = ['asff', 'ocsf'];
    const groups = apis.flatMap((api) => {
      const tracked = entries.filter((entry) => entry.api === api).length;
      if (tracked === 0) return [];
      const choice = chooseStrategy(api, tracked, state.history[api]);
      return [{ api, strategy: this.options.strategy ?? choice.strategy, tracked, estimates: choice.estimates }];
    });
    return { startedAt: now.toISOString(), groups, group: 0, scanned: 0, totals: emptyTotals(), measured: {} };
  }

  private async loadEntries(): Promise<TrackedEntry[]> {
    const entries: TrackedEntry[] = [];
    for await (const record of this.options.store.listOpen()) entries.push(entryOf(record, this.options.api));
    return entries;
  }

  /** Strategy 1: look every tracked finding up by id, in batches, in key order. */
  private async lookup(entries: TrackedEntry[], state: SweepState, now: Date, counts: Counts): Promise<boolean> {
    const run = this.run!;
    const todo = entries.filter((entry) => run.after === undefined || entry.key > run.after).sort(byKey);
    if (todo.length === 0) return true;
    const size = idsPerLookup(todo[0]!.api);
    for (let i = 0; i < todo.length; i += size) {
      if (this.options.shouldStop?.()) return false;
      const batch = todo.slice(i, i + size);
      await this.confirm(batch, now, counts);
      run.after = batch.at(-1)!.key;
      await this.save(state);
    }
    return true;
  }

  /**
   * Strategy 2: page through the active findings in scope, sorted by id, and
   * walk the tracked findings in the same order. A tracked finding the scan
   * passes without seeing is looked up by id before anything is concluded.
   * The saved position (settledId, settledKey) marks how far every tracked
   * finding is settled; after a restart, those beyond it are looked up.
   */
  private async scan(entries: TrackedEntry[], state: SweepState, now: Date, counts: Counts): Promise<boolean> {
    const run = this.run!;
    if (entries.length === 0) return true;
    const sorted = entries.sort(byIdThenKey);
    const index = new Map(sorted.map((entry) => [entry.key, entry]));
    const settled = run.settledId === undefined ? undefined : { id: run.settledId, key: run.settledKey ?? '' };
    const isSettled = (entry: TrackedEntry) =>
      settled !== undefined && (compare(entry.id, settled.id) || compare(entry.key, settled.key)) <= 0;
    let next = sorted.findIndex((entry) => !isSettled(entry));
    if (next < 0) next = sorted.length;
    const query = scanQuery(sorted[0]!.api, scanScope(this.options.policy, sorted));
    const size = idsPerLookup(query.api);
    const seen = new Set<string>();
    let unseen: TrackedEntry[] = [];
    let firstUnseen = next;
    let token = run.nextToken;
    let restarted = false;
    /** Everything before `sorted[upTo]` is settled. */
    const mark = (upTo: number) => {
      const last = sorted[upTo - 1];
      if (last) Object.assign(run, { settledId: last.id, settledKey: last.key });
    };

    for (let more = true; more; ) {
      if (this.options.shouldStop?.()) return false;
      let page: FindingPage;
      try {
        page = await this.options.reader.page(query, token);
      } catch (error) {
        // A page token saved by an earlier invocation may have expired: scan again from the start, once.
        if (token === undefined || restarted || !(error instanceof SecurityHubError)) throw error;
        this.options.onProblem?.(`scan could not continue from its saved page (${error.message}); scanning from the start`);
        restarted = true;
        token = undefined;
        continue;
      }
      run.scanned += page.findings.length;
      const found = [...this.normalize(page.findings, query).values()];
      const fresh = found.filter((finding) => index.has(finding.key) && !isSettled(index.get(finding.key)!));
      for (const finding of fresh) seen.add(finding.key);
      await this.each(fresh, (finding) => this.settle(index.get(finding.key)!, finding, now, counts));
      const pageMax = found.reduce<string | undefined>(
        (max, finding) => (max === undefined || finding.id > max ? finding.id : max),
        undefined,
      );
      more = page.nextToken !== undefined;
      token = page.nextToken;
      // Entries below the page's highest id can no longer appear (ties wait for the next page).
      while (next < sorted.length && (!more || (pageMax !== undefined && sorted[next]!.id < pageMax))) {
        const entry = sorted[next++]!;
        if (!seen.has(entry.key)) {
          if (unseen.length === 0) firstUnseen = next - 1;
          unseen.push(entry);
        }
        if (unseen.length === size || (!more && next === sorted.length && unseen.length > 0)) {
          if (this.options.shouldStop?.()) return false;
          await this.confirm(unseen, now, counts);
          unseen = [];
          mark(next);
          await this.save(state);
        }
      }
      mark(unseen.length === 0 ? next : firstUnseen);
      run.nextToken = token;
      await this.save(state);
    }
    return true;
  }

  /** Looks a batch up by id and settles each entry with what Security Hub returned, or with nothing. */
  private async confirm(batch: TrackedEntry[], now: Date, counts: Counts): Promise<void> {
    const query = lookupQuery(
      batch[0]!.api,
      batch.map((entry) => entry.id),
    );
    const found = new Map<string, Finding>();
    let token: string | undefined;
    do {
      const page = await this.options.reader.page(query, token);
      for (const [key, finding] of this.normalize(page.findings, query)) found.set(key, finding);
      token = page.nextToken;
    } while (token !== undefined);
    const ids = new Set([...found.values()].map((finding) => finding.id));
    await this.each(batch, (entry) => this.settle(entry, found.get(entry.key), now, counts, ids.has(entry.id)));
  }

  /** Acts on one tracked finding given what Security Hub says of it. */
  private async settle(entry: TrackedEntry, finding: Finding | undefined, now: Date, counts: Counts, idSeen = false): Promise<void> {
    const { totals } = this.run!;
    const { engine, store } = this.options;
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
    const tooRecent = Date.parse(entry.updatedAt) > Date.parse(this.run!.startedAt) - (this.options.graceMs ?? HOUR);
    if (tooRecent || idSeen) {
      // Not returned yet (eventual consistency) or returned under another identity: conclude nothing.
      totals.deferred++;
      return;
    }
    totals.missing++;
    const record = await store.get(entry.key);
    if (!record?.open) return;
    if (!(await engine.handleCounted({ ...record.snapshot, open: false }, now, counts, record))) totals.failed++;
  }

  private normalize(raws: unknown[], query: FindingQuery): Map<string, Finding> {
    const found = new Map<string, Finding>();
    raws.forEach((raw, i) => {
      for (const item of extractFindings(raw, `${query.api === 'asff' ? 'GetFindings' : 'GetFindingsV2'}/${i}`)) {
        if (item.kind !== 'finding') {
          this.options.onProblem?.(`unreadable finding from Security Hub: ${item.where}: ${item.reason}`);
          continue;
        }
        const before = found.get(item.finding.key);
        if (!before || item.finding.updatedAt > before.updatedAt) found.set(item.finding.key, item.finding);
      }
    });
    return found;
  }

  private async each<T>(items: T[], act: (item: T) => Promise<void>): Promise<void> {
    const limit = Math.max(1, this.options.concurrency ?? 8);
    let at = 0;
    const worker = async () => {
      while (at < items.length) await act(items[at++]!);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  }

  /** Saves progress; the run's call count is brought up to date first. */
  private async save(state: SweepState): Promise<void> {
    if (this.run) {
      this.run.totals.calls += this.options.reader.calls - this.callsSeen;
      this.callsSeen = this.options.reader.calls;
    }
    await this.options.store.setCursor(this.name, serializeSweepState(state));
  }
}

function sumInactive(measured: SweepRun['measured']): number {
  return (measured.asff?.inactive ?? 0) + (measured.ocsf?.inactive ?? 0);
}
