import { explainMatch, type Policy } from './policy.js';
import type { FindingSnapshot } from './record.js';

/**
 * Whether `decide` ignores this finding whenever the store holds no record
 * of it: it is open and no rule of the policy matches it. A reader can then
 * leave the rest of the finding unread until the store says it tracks it
 * (a tracked finding that matches no rule any more, say because its
 * severity dropped, still goes to the notifier, which refreshes its record).
 * Match fields that need the account directory (`ous`, `account_tags`) are
 * taken to hold: only the notifier looks the account up.
 */
export function ignoredUnlessTracked(policy: Policy, finding: FindingSnapshot): boolean {
  return finding.open && !policy.rules.some((rule) => mayMatch(rule.match, finding));
}

function mayMatch(match: Policy['rules'][number]['match'], finding: FindingSnapshot): boolean {
  return explainMatch(match, finding).failed.every((field) => field === 'ous' || field === 'account_tags');
}
