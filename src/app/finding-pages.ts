import type { Finding } from '../core/finding.js';
import { extractFindings } from '../core/normalize/extract.js';
import type { FindingSource } from '../core/ports.js';
import type { FindingQuery } from '../core/security-hub/queries.js';
import { FINDINGS_OPERATIONS } from '../core/security-hub/vocabulary.js';
import type { Counts } from './counts.js';

/** What reading findings page by page needs: the poll's and the adoption's dependencies share these. */
export interface FindingPagesDeps {
  source: FindingSource;
  /** Asked before every page: true ends the read before it (what was done is kept). */
  shouldStop?: () => boolean;
  /** One bad item: where and why. The read carries on with the rest. */
  onInvalid?: (where: string, reason: string) => void;
}

/** One paged read: the query, where to start, and what to do with each finding and after each page. */
export interface FindingPagesRead {
  query: FindingQuery;
  /** The page token to start from; none starts at the first page. */
  token?: string;
  /** Each finding read, in order. */
  onFinding: (finding: Finding) => Promise<unknown>;
  /** After each page's findings: the token of the next page, none after the last. */
  afterPage: (nextToken: string | undefined) => Promise<void>;
}

/**
 * Reads the pages of one query and hands each finding on: every item is
 * counted as read, and as invalid (reported to `onInvalid`) or ignored when
 * it is no finding to act on. Returns whether every page was read (false
 * when `shouldStop` ended the read early).
 */
export async function readFindingPages(deps: FindingPagesDeps, read: FindingPagesRead, counts: Counts): Promise<boolean> {
  const operation = FINDINGS_OPERATIONS[read.query.api];
  let token = read.token;
  let page = 0;
  do {
    if (deps.shouldStop?.()) return false;
    const result = await deps.source.page(read.query, token);
    for (const [i, raw] of result.findings.entries()) {
      for (const item of extractFindings(raw, `${operation} page ${page} item ${i}`)) {
        counts.read++;
        if (item.kind === 'invalid') {
          counts.invalid++;
          deps.onInvalid?.(item.where, item.reason);
        } else if (item.kind === 'skipped') {
          counts.ignored++;
        } else {
          await read.onFinding(item.finding);
        }
      }
    }
    await read.afterPage(result.nextToken);
    token = result.nextToken;
    page++;
  } while (token !== undefined);
  return true;
}
