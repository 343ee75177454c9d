import { extractFindings } from '../core/normalize/extract.js';
import type { Policy } from '../core/policy.js';
import type { CursorStore, FindingSource } from '../core/ports.js';
import { type FindingApi, type ScanScope, scanQuery } from '../core/security-hub/queries.js';
import type { Counts } from './counts.js';
import type { Notifier } from './notifier.js';

export interface AdoptionDeps {
  /** A notifier built for a baseline run (`baseline: true`): it records what is due and sends nothing. */
  notifier: Notifier;
  source: FindingSource;
  cursors: CursorStore;
  policy: Policy;
  /** Asked before every page: true saves the position and returns. */
  shouldStop?: () => boolean;
  onInvalid?: (where: string, reason: string) => void;
}

/** Cursor names of an adoption's position, one per API. */
const cursorName = (api: FindingApi) => `baseline#${api}`;

/**
 * The scope of an adoption: the active findings the policy could notify
 * about. Severities, accounts and regions narrow it only when every rule
 * names them (a rule without them wants all).
 */
export function adoptionScope(policy: Policy): ScanScope {
  const every = <T>(pick: (rule: Policy['rules'][number]) => T[] | undefined): string[] | undefined =>
    policy.rules.every((rule) => pick(rule) !== undefined)
      ? [...new Set(policy.rules.flatMap((rule) => (pick(rule) ?? []).map(String)))].sort()
      : undefined;
  return {
    severities: every((rule) => rule.match.severities),
    accounts: every((rule) => rule.match.accounts),
    regions: every((rule) => rule.match.regions),
  };
}

/**
 * The use case "adopt the backlog": pages through the active findings of
 * one API in the policy's scope and hands each to a baseline notifier,
 * which records it as already notified at `now` (reminders then follow each
 * rule's `every` from then) and sends nothing. The page position is saved
 * after each page, so a stopped run continues; a finished run clears it.
 */
export async function adoptActiveFindings(deps: AdoptionDeps, api: FindingApi, now: Date, counts: Counts): Promise<{ complete: boolean }> {
  const query = scanQuery(api, adoptionScope(deps.policy));
  let token = await deps.cursors.getCursor(cursorName(api));
  let page = 0;
  do {
    if (deps.shouldStop?.()) return { complete: false };
    const result = await deps.source.page(query, token || undefined);
    for (const [i, raw] of result.findings.entries()) {
      for (const item of extractFindings(raw, `${api === 'asff' ? 'GetFindings' : 'GetFindingsV2'} page ${page} item ${i}`)) {
        counts.read++;
        if (item.kind === 'invalid') {
          counts.invalid++;
          deps.onInvalid?.(item.where, item.reason);
        } else if (item.kind === 'skipped') {
          counts.ignored++;
        } else {
          await deps.notifier.handleCounted(item.finding, now, counts);
        }
      }
    }
    token = result.nextToken;
    await deps.cursors.setCursor(cursorName(api), token ?? '');
    page++;
  } while (token !== undefined);
  return { complete: true };
}
