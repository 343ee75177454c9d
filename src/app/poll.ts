import type { Clock, CursorStore } from '../core/ports.js';
import { type FindingApi, updatedSinceQuery } from '../core/security-hub/queries.js';
import type { Counts } from './counts.js';
import { type FindingPagesDeps, readFindingPages } from './finding-pages.js';
import type { Notifier } from './notifier.js';

export interface PollOptions extends FindingPagesDeps {
  notifier: Notifier;
  cursors: CursorStore;
  api: FindingApi;
  clock: Clock;
  /** Updates can land late: each pass starts this long before the saved cursor. */
  overlapMs: number;
  /** Where the very first pass starts, when no cursor is saved yet. */
  firstSince: Date;
}

export interface PollPass {
  /** Where this pass started reading (the saved cursor minus the overlap). */
  since: string;
  /** The cursor saved at the end: the latest update seen, or the previous cursor. */
  cursor: string | undefined;
  /** Whether every page was read (false when stopped early). */
  complete: boolean;
}

/** The cursor's name per API, so ASFF and OCSF polling keep separate positions. */
function pollCursorName(api: FindingApi): string {
  return `poll#${api}`;
}

/**
 * The use case "poll", one pass: reads the findings updated since the saved
 * cursor (minus the overlap) and hands each to the notifier exactly as
 * `process` does. Pages
 * come oldest update first, so the cursor moves forward after every page and
 * a stopped or crashed pass loses nothing; findings read twice in the
 * overlap are de-duplicated by the notifier.
 */
export async function pollOnce(options: PollOptions, counts: Counts): Promise<PollPass> {
  const name = pollCursorName(options.api);
  const saved = await options.cursors.getCursor(name);
  const since = saved ? new Date(Date.parse(saved) - options.overlapMs) : options.firstSince;
  const query = updatedSinceQuery(options.api, since);
  let cursor = saved;
  const complete = await readFindingPages(
    options,
    {
      query,
      onFinding: async (finding) => {
        await options.notifier.handleCounted(finding, options.clock.now(), counts);
        if (cursor === undefined || finding.updatedAt > cursor) cursor = finding.updatedAt;
      },
      afterPage: async () => {
        if (cursor !== undefined && cursor !== saved) await options.cursors.setCursor(name, cursor);
      },
    },
    counts,
  );
  return { since: since.toISOString(), cursor, complete };
}
