import { SecurityHubError } from './errors.js';
import type { Policy } from './policy.js';
import type { FindingSource } from './ports.js';
import { byIdThenKey, byKey, compare, scanScope, type TrackedEntry } from './sweep-plan.js';
import { type FindingPage, idsPerLookup, scanQuery } from './sweep-query.js';
import type { Settler } from './sweep-settle.js';
import type { SweepRun } from './sweep-state.js';

/** What a walk over one group of tracked findings needs. Both walks return false when told to stop. */
export interface WalkContext {
  settler: Settler;
  reader: FindingSource;
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
 * and walk the tracked findings in the same order. A tracked finding the scan
 * passes without seeing is looked up by id before anything is concluded, so
 * a narrow scope or a surprising sort order costs calls, never a wrong
 * closing. The saved position (settledId, settledKey) marks how far every
 * tracked finding is settled; after a restart those beyond it are looked up.
 */
export async function scanWalk(entries: TrackedEntry[], c: WalkContext): Promise<boolean> {
  const { run } = c;
  if (entries.length === 0) return true;
  const sorted = entries.sort(byIdThenKey);
  const index = new Map(sorted.map((entry) => [entry.key, entry]));
  const settled = run.settledId === undefined ? undefined : { id: run.settledId, key: run.settledKey ?? '' };
  const isSettled = (entry: TrackedEntry) =>
    settled !== undefined && (compare(entry.id, settled.id) || compare(entry.key, settled.key)) <= 0;
  let next = sorted.findIndex((entry) => !isSettled(entry));
  if (next < 0) next = sorted.length;
  const query = scanQuery(sorted[0]!.api, scanScope(c.policy, sorted));
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
    if (c.shouldStop()) return false;
    let page: FindingPage;
    try {
      page = await c.reader.page(query, token);
    } catch (error) {
      // A page token saved by an earlier invocation may have expired: scan again from the start, once.
      if (token === undefined || restarted || !(error instanceof SecurityHubError)) throw error;
      c.onProblem?.(`scan could not continue from its saved page (${error.message}); scanning from the start`);
      restarted = true;
      token = undefined;
      continue;
    }
    run.scanned += page.findings.length;
    const found = [...c.settler.normalize(page.findings, query.api).values()];
    const fresh = found.filter((finding) => index.has(finding.key) && !isSettled(index.get(finding.key)!));
    for (const finding of fresh) seen.add(finding.key);
    await c.settler.each(fresh, (finding) => c.settler.settle(index.get(finding.key)!, finding));
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
        if (c.shouldStop()) return false;
        await c.settler.confirm(unseen);
        unseen = [];
        mark(next);
        await c.save();
      }
    }
    mark(unseen.length === 0 ? next : firstUnseen);
    run.nextToken = token;
    await c.save();
  }
  return true;
}
