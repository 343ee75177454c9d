import type { Policy } from '../../core/policy.js';
import type { CursorStore, FindingSource, FindingStore } from '../../core/ports.js';
import type { FindingApi } from '../../core/security-hub/queries.js';
import { chooseStrategy, entryOf, type SweepStrategy, type TrackedEntry } from '../../core/sweep/plan.js';
import {
  emptyTotals,
  parseSweepState,
  type SweepRun,
  type SweepState,
  type SweepTotals,
  serializeSweepState,
} from '../../core/sweep/state.js';
import { type Counts, emptyCounts } from '../counts.js';
import type { Notifier } from '../notifier.js';
import { Settler } from './settler.js';
import { lookupWalk, scanWalk, type WalkContext } from './walks.js';

export interface SweepOptions {
  store: FindingStore & CursorStore;
  notifier: Notifier;
  source: FindingSource;
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
 * The use case "sweep": confirms which tracked findings are still active in
 * Security Hub and closes the others through the notifier, exactly as an
 * event closing them would (resolved emails, tombstones). A finding Security
 * Hub no longer returns counts as closed: it deletes findings 90 days after
 * their last update. Progress is saved after every batch (see
 * core/sweep/state.ts); planning and settling are pure (core/sweep/).
 */
export class Sweep {
  private readonly name: string;
  private run?: SweepRun;
  private callsSeen = 0;

  constructor(private readonly options: SweepOptions) {
    this.name = options.cursorName ?? 'sweep';
  }

  /** Runs (or continues) the sweep at decision time `now`; the notifier's outcomes are added to `counts`. */
  async sweep(now: Date, counts: Counts = emptyCounts()): Promise<SweepResult> {
    const { store, source } = this.options;
    const startCalls = source.calls;
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
    const result = (done: boolean): SweepResult => ({
      done,
      skipped: false,
      resumed,
      groups: run.groups,
      totals: run.totals,
      calls: source.calls - startCalls,
    });

    const settler = new Settler({
      ...this.options,
      totals: run.totals,
      notMissingAfter: Date.parse(run.startedAt) - (this.options.graceMs ?? HOUR),
      concurrency: this.options.concurrency ?? 8,
      now,
      counts,
    });
    const walk: WalkContext = {
      ...this.options,
      settler,
      run,
      save: () => this.save(state),
      shouldStop: this.options.shouldStop ?? (() => false),
    };
    while (run.group < run.groups.length) {
      const group = run.groups[run.group]!;
      const mine = entries.filter((entry) => entry.api === group.api);
      if (!(await (group.strategy === 'lookup' ? lookupWalk : scanWalk)(mine, walk))) {
        await this.save(state);
        return result(false);
      }
      const inactive = run.totals.closed + run.totals.missing - (run.measured.asff?.inactive ?? 0) - (run.measured.ocsf?.inactive ?? 0);
      const scanned = group.strategy === 'scan' ? run.scanned : state.history[group.api]?.scanned;
      run.measured[group.api] = { tracked: group.tracked, inactive, scanned };
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
    return result(true);
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
    for await (const record of this.options.store.listOpen()) if (record.open) entries.push(entryOf(record, this.options.api));
    return entries;
  }

  /** Saves progress; the run's call count is brought up to date first. */
  private async save(state: SweepState): Promise<void> {
    if (this.run) {
      this.run.totals.calls += this.options.source.calls - this.callsSeen;
      this.callsSeen = this.options.source.calls;
    }
    await this.options.store.setCursor(this.name, serializeSweepState(state));
  }
}
