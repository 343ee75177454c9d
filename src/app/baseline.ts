import type { Policy } from '../core/policy.js';
import type { CursorStore } from '../core/ports.js';
import { type FindingApi, scanQuery } from '../core/security-hub/queries.js';
import { adoptionScope } from '../core/sweep/plan.js';
import type { Counts } from './counts.js';
import { type FindingPagesDeps, readFindingPages } from './finding-pages.js';
import type { Notifier } from './notifier.js';

export interface AdoptionDeps extends FindingPagesDeps {
  /** A notifier built for a baseline run (`baseline: true`): it records what is due and sends nothing. */
  notifier: Notifier;
  cursors: CursorStore;
  policy: Policy;
}

/** Cursor names of an adoption's position, one per API. */
const cursorName = (api: FindingApi) => `baseline#${api}`;

/**
 * Adopts the backlog of one API: pages through its active findings in the
 * policy's scope and hands each to a baseline notifier, which records it as
 * already notified at `now` (reminders then follow each rule's `every` from
 * then) and sends nothing. The page position is saved after each page, so a
 * stopped run continues; a finished run clears it.
 */
async function adoptActiveFindings(deps: AdoptionDeps, api: FindingApi, now: Date, counts: Counts): Promise<{ complete: boolean }> {
  const complete = await readFindingPages(
    deps,
    {
      query: scanQuery(api, adoptionScope(deps.policy)),
      token: (await deps.cursors.getCursor(cursorName(api))) || undefined,
      onFinding: (finding) => deps.notifier.handleCounted(finding, now, counts),
      afterPage: (nextToken) => deps.cursors.setCursor(cursorName(api), nextToken ?? ''),
    },
    counts,
  );
  return { complete };
}

/**
 * The use case "adopt the backlog": adopts that of each API in turn, ASFF
 * then OCSF unless `apis` says otherwise, and stops at the first that is not
 * complete (it continues from its saved position next time). Complete when
 * every one was.
 */
export async function adoptBacklog(
  deps: AdoptionDeps,
  now: Date,
  counts: Counts,
  apis: readonly FindingApi[] = ['asff', 'ocsf'],
): Promise<{ complete: boolean }> {
  for (const api of apis) if (!(await adoptActiveFindings(deps, api, now, counts)).complete) return { complete: false };
  return { complete: true };
}
