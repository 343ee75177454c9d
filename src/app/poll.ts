import { extractFindings } from '../core/normalize/extract.js';
import type { Clock, CursorStore, FindingSource } from '../core/ports.js';
import { type FindingApi, updatedSinceQuery } from '../core/security-hub/queries.js';
import type { Counts } from './counts.js';
import type { Notifier } from './notifier.js';

export interface PollOptions {
  notifier: Notifier;
  source: FindingSource;
  cursors: CursorStore;
  api: FindingApi;
  clock: Clock;
  /** Updates can land late: each pass starts this long before the saved cursor. */
  overlapMs: number;
  /** Where the very first pass starts, when no cursor is saved yet. */
  firstSince: Date;
  /** Asked before every page: true ends the pass early (the cursor keeps what was done). */
  shouldStop?: () => boolean;
  /** One bad item: where and why. The pass carries on with the rest. */
  onInvalid?: (where: string, reason: string) => void;
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
  let token: string | undefined;
  let page = 0;
  do {
    if (options.shouldStop?.()) return { since: since.toISOString(), cursor, complete: false };
    const result = await options.source.page(query, token);
    for (const [i, raw] of result.findings.entries()) {
      for (const item of extractFindings(raw, `${options.api === 'asff' ? 'GetFindings' : 'GetFindingsV2'} page ${page} item ${i}`)) {
        counts.read++;
        if (item.kind === 'invalid') {
          counts.invalid++;
          options.onInvalid?.(item.where, item.reason);
        } else if (item.kind === 'skipped') {
          counts.ignored++;
        } else {
          await options.notifier.handleCounted(item.finding, options.clock.now(), counts);
          if (cursor === undefined || item.finding.updatedAt > cursor) cursor = item.finding.updatedAt;
        }
      }
    }
    if (cursor !== undefined && cursor !== saved) await options.cursors.setCursor(name, cursor);
    token = result.nextToken;
    page++;
  } while (token !== undefined);
  return { since: since.toISOString(), cursor, complete: true };
}
