import { SecurityHubError } from '../../core/errors.js';
import type { Policy } from '../../core/policy.js';
import type { FindingSource } from '../../core/ports.js';
import { type FindingPage, idsPerLookup, scanQuery } from '../../core/security-hub/queries.js';
import { byKey, scanScope, type TrackedEntry } from '../../core/sweep/plan.js';
import { scanStart, settleScanPage } from '../../core/sweep/settle.js';
import type { SweepRun } from '../../core/sweep/state.js';
import type { Settler } from './settler.js';

/** What a walk over one group of tracked findings needs. Both walks return false when told to stop. */
export interface WalkContext {
  settler: Settler;
  source: FindingSource;
  policy: Policy;
  /** The run's position, updated in place and saved by `save`. */
  run: SweepRun;
  save: () => Promise<void>;
  shouldStop: () => boolean;
  onProblem?: (message: string) => void;
}

/** Strategy "lookup": every tracked finding is looked up by id, in batches, in key order. */
export async function lookupWalk(entries: TrackedEntry[], c: WalkContext): Promise<boolean> {
  const todo = entries.filter((entry) => c.run.after === undefined || entry.key > c.run.after).sort(byKey);
  if (todo.length === 0) return true;
  const size = idsPerLookup(todo[0]!.api);
  for (let i = 0; i < todo.length; i += size) {
    if (c.shouldStop()) return false;
    const batch = todo.slice(i, i + size);
    await c.settler.confirm(batch);
    c.run.after = batch.at(-1)!.key;
    await c.save();
  }
  return true;
}

/**
 * Strategy "scan": page through the active findings in scope, sorted by id,
 * and walk the tracked findings in the same order (`settleScanPage` says
 * which a page settled). A tracked finding the scan passes without seeing is
 * looked up by id before anything is concluded, so a narrow scope or a
 * surprising sort order costs calls, never a wrong closing. The saved
 * position (settledId, settledKey) marks how far every tracked finding is
 * settled; after a restart those beyond it are looked up.
 */
export async function scanWalk(entries: TrackedEntry[], c: WalkContext): Promise<boolean> {
  const { run } = c;
  if (entries.length === 0) return true;
  const settled = run.settledId === undefined ? undefined : { id: run.settledId, key: run.settledKey ?? '' };
  const { sorted, index, next: start } = scanStart(entries, settled);
  const query = scanQuery(sorted[0]!.api, scanScope(c.policy, sorted));
  const size = idsPerLookup(query.api);
  const seen = new Set<string>();
  let next = start;
  let unseen: TrackedEntry[] = [];
  let firstUnseen = next;
  let token = run.nextToken;
  let restarted = false;
  /** Everything before `sorted[upTo]` is settled. */
  const mark = (upTo: number) => {
    const last = sorted[upTo - 1];
    if (last) Object.assign(run, { settledId: last.id, settledKey: last.key });
  };
  /** Looks up the unseen entries, then marks everything before `sorted[upTo]` settled and saves; false when asked to stop first. */
  const confirmUnseen = async (upTo: number): Promise<boolean> => {
    if (c.shouldStop()) return false;
    await c.settler.confirm(unseen);
    unseen = [];
    mark(upTo);
    await c.save();
    return true;
  };

  for (let more = true; more; ) {
    if (c.shouldStop()) return false;
    let page: FindingPage;
    try {
      page = await c.source.page(query, token);
    } catch (error) {
      // A page token saved by an earlier invocation may have expired: scan again from the start, once.
      if (token === undefined || restarted || !(error instanceof SecurityHubError)) throw error;
      c.onProblem?.(`scan could not continue from its saved page (${error.message}); scanning from the start`);
      restarted = true;
      token = undefined;
      continue;
    }
    run.scanned += page.findings.length;
    more = page.nextToken !== undefined;
    token = page.nextToken;
    const outcome = settleScanPage({ sorted, index, next, seen, settled }, c.settler.normalize(page.findings, query.api), more);
    for (const key of outcome.seen) seen.add(key);
    await c.settler.each(outcome.returned, ({ entry, finding }) => c.settler.settle(entry, finding));
    for (const { entry, index } of outcome.passed) {
      if (unseen.length === 0) firstUnseen = index;
      unseen.push(entry);
      if (unseen.length === size && !(await confirmUnseen(index + 1))) return false;
    }
    next = outcome.next;
    if (!more && unseen.length > 0 && !(await confirmUnseen(next))) return false;
    mark(unseen.length === 0 ? next : firstUnseen);
    run.nextToken = token;
    await c.save();
  }
  return true;
}
