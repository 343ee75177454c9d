import type { AccountInfo } from '../account.js';
import { explainMatch, type Policy, type Snooze } from '../policy.js';
import type { FindingSnapshot } from '../record.js';

/**
 * Snoozes: findings a team accepted for a while. A snooze matches like a
 * rule, plus finding ids, control ids and resource-id patterns (`*` any
 * run of characters, `?` one character). Every given field must hold.
 */

/** Whether the snooze matches the finding, whatever its date. */
export function snoozeMatches(snooze: Snooze, finding: FindingSnapshot, account?: AccountInfo): boolean {
  const { findingIds, controls, resources, ...match } = snooze.match;
  if (!explainMatch(match, finding, account).matches) return false;
  if (findingIds && !findingIds.includes(finding.id)) return false;
  if (controls && !(finding.control && controls.some((id) => id.toLowerCase() === finding.control!.id.toLowerCase()))) return false;
  if (resources) {
    const patterns = resourcePatterns(snooze, resources);
    if (!finding.resources.some((resource) => patterns.some((pattern) => pattern.test(resource.id)))) return false;
  }
  return true;
}

/** The snooze that silences the finding at `now`: the matching one that lasts longest, if any. */
export function activeSnooze(policy: Policy, finding: FindingSnapshot, now: Date, account?: AccountInfo): Snooze | undefined {
  let best: Snooze | undefined;
  for (const snooze of policy.snoozes) {
    if (Date.parse(snooze.until) <= now.getTime() || !snoozeMatches(snooze, finding, account)) continue;
    if (!best || snooze.until > best.until) best = snooze;
  }
  return best;
}

/** Each snooze's resource patterns, compiled once; kept beside the policy, which is frozen and fingerprinted. */
const compiledResources = new WeakMap<Snooze, readonly RegExp[]>();

function resourcePatterns(snooze: Snooze, resources: readonly string[]): readonly RegExp[] {
  let patterns = compiledResources.get(snooze);
  if (!patterns) {
    patterns = resources.map(globPattern);
    compiledResources.set(snooze, patterns);
  }
  return patterns;
}

/** A glob over a whole resource id: `*` is any run of characters, `?` one; everything else is literal. */
function globPattern(glob: string): RegExp {
  const body = [...glob].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}
