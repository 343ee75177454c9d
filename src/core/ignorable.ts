import { matchingRules, type Policy } from './policy.js';
import type { FindingSnapshot } from './record.js';

/**
 * Whether `decide` ignores this finding whenever the store holds no record
 * of it: it is open and no rule of the policy matches it. A reader can then
 * leave the rest of the finding unread until the store says it tracks it
 * (a tracked finding that matches no rule any more, say because its
 * severity dropped, still goes to the engine, which refreshes its record).
 */
export function ignoredUnlessTracked(policy: Policy, finding: FindingSnapshot): boolean {
  return finding.open && matchingRules(policy, finding).length === 0;
}
