import type { Finding } from '../finding.js';
import { extractFindings } from '../normalize/extract.js';
import type { FindingApi } from '../security-hub/queries.js';
import { FINDINGS_OPERATIONS } from '../security-hub/vocabulary.js';
import { byIdThenKey, compare, type TrackedEntry } from './plan.js';

/**
 * The pure half of settling tracked findings against what Security Hub
 * returned: which findings a page holds, what each tracked finding's fate
 * is, and — for a scan sorted by id — which tracked findings a page settled
 * and which it passed without returning.
 */

/**
 * What the sweep concludes about one tracked finding:
 * - `active`: still open and unchanged (the tick sends what is due);
 * - `changed`: open, with a newer update (handled as an event would be);
 * - `closed`: returned closed (handled as the closing event it is);
 * - `deferred`: not returned, but updated too recently, or returned under another identity: nothing concluded;
 * - `missing`: no longer returned at all (Security Hub deletes findings nobody updates): closed from its snapshot.
 */
export type Verdict = 'active' | 'changed' | 'closed' | 'deferred' | 'missing';

/**
 * The fate of `entry` given the finding Security Hub returned for it (or
 * none). `idSeen` tells that its id came back under another identity;
 * `notMissingAfter` is the instant after which an update is too recent to
 * conclude anything from its absence (eventual consistency).
 */
export function verdictOf(entry: TrackedEntry, finding: Finding | undefined, idSeen: boolean, notMissingAfter: number): Verdict {
  if (finding?.open) return finding.updatedAt > entry.updatedAt ? 'changed' : 'active';
  if (finding) return 'closed';
  if (Date.parse(entry.updatedAt) > notMissingAfter || idSeen) return 'deferred';
  return 'missing';
}

/** A page of raw findings, normalised: by key (the newest version wins when a key repeats), and what could not be read. */
export interface NormalizedPage {
  found: Map<string, Finding>;
  problems: string[];
}

export function normalizePage(raws: readonly unknown[], api: FindingApi): NormalizedPage {
  const found = new Map<string, Finding>();
  const problems: string[] = [];
  raws.forEach((raw, i) => {
    for (const item of extractFindings(raw, `${FINDINGS_OPERATIONS[api]}/${i}`)) {
      if (item.kind !== 'finding') {
        problems.push(`unreadable finding from Security Hub: ${item.where}: ${item.reason}`);
        continue;
      }
      const before = found.get(item.finding.key);
      if (!before || item.finding.updatedAt > before.updatedAt) found.set(item.finding.key, item.finding);
    }
  });
  return { found, problems };
}

/** Where a scan of one group stands: tracked entries in (id, key) order, and how far they are settled. */
export interface ScanPosition {
  /** The tracked entries of the group, sorted by `byIdThenKey`. */
  sorted: readonly TrackedEntry[];
  /** The same entries by key. */
  index: ReadonlyMap<string, TrackedEntry>;
  /** Index of the first entry the scan has not passed yet. */
  next: number;
  /** Keys of entries a page of this scan returned. */
  seen: ReadonlySet<string>;
  /** The position saved by an earlier invocation: entries up to it are settled already. */
  settled?: { id: string; key: string };
}

/** What one page of a scan settled. */
export interface ScanPageOutcome {
  /** Tracked, not yet settled findings the page returned, each with its entry: settle them with what was returned. */
  returned: { entry: TrackedEntry; finding: Finding }[];
  /**
   * Tracked findings the scan has now passed without returning them, with
   * their index in `sorted`: they may be closed, gone, or merely out of the
   * scan's scope; look them up by id before concluding anything.
   */
  passed: { entry: TrackedEntry; index: number }[];
  /** The new `next`. */
  next: number;
  /** Keys to add to `seen`. */
  seen: string[];
}

/** Whether an entry is at or before the saved settled position. */
export function isSettled(entry: TrackedEntry, settled: { id: string; key: string } | undefined): boolean {
  return settled !== undefined && (compare(entry.id, settled.id) || compare(entry.key, settled.key)) <= 0;
}

/**
 * Which tracked findings one page of a scan sorted by id settled. The page
 * returns findings in id order, so once a page's highest id is known, every
 * tracked entry with a lower id can no longer appear (entries that tie with
 * it wait for the next page); the last page (`more` false) passes them all.
 */
export function settleScanPage(position: ScanPosition, page: ReadonlyMap<string, Finding>, more: boolean): ScanPageOutcome {
  const { sorted, index, settled } = position;
  const returned: ScanPageOutcome['returned'] = [];
  let pageMax: string | undefined;
  for (const finding of page.values()) {
    if (pageMax === undefined || finding.id > pageMax) pageMax = finding.id;
    const entry = index.get(finding.key);
    if (entry && !isSettled(entry, settled)) returned.push({ entry, finding });
  }
  const returnedNow = new Set(returned.map(({ entry }) => entry.key));
  const passed: ScanPageOutcome['passed'] = [];
  let next = position.next;
  while (next < sorted.length && (!more || (pageMax !== undefined && sorted[next]!.id < pageMax))) {
    const entry = sorted[next]!;
    if (!position.seen.has(entry.key) && !returnedNow.has(entry.key)) passed.push({ entry, index: next });
    next++;
  }
  return { returned, passed, next, seen: [...returnedNow] };
}

/** The entries of a group in the order a scan returns them, by key, and the first one not settled yet. */
export function scanStart(
  entries: TrackedEntry[],
  settled: { id: string; key: string } | undefined,
): { sorted: TrackedEntry[]; index: Map<string, TrackedEntry>; next: number } {
  const sorted = [...entries].sort(byIdThenKey);
  const next = sorted.findIndex((entry) => !isSettled(entry, settled));
  return { sorted, index: new Map(sorted.map((entry) => [entry.key, entry])), next: next < 0 ? sorted.length : next };
}
