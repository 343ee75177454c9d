import type { AccountInfo } from '../account.js';
import { resolveEntries } from '../policy/recipients.js';
import { isEmailAddress, type Policy } from '../policy.js';
import type { TrackedRecord } from '../record.js';
import type { DigestSchedule } from './schedule.js';

/**
 * What digests need of a policy rule with `notify.digest`. The policy
 * integration adapts its rules to this shape (`digestRulesOf`) and says who
 * receives each finding (`RecipientsOf`); the digest code needs nothing else
 * of the policy.
 */
export interface DigestRule {
  /** The rule's name: the key of `record.collected`. */
  name: string;
  schedule: DigestSchedule;
  /** At most this many findings per section (a recipient of several rules gets the smallest). */
  maxItems: number;
  /** Send a digest even when it has nothing new, fixed or open. */
  sendEmpty: boolean;
  /**
   * The addresses the rule names itself (`notify.to`), known without reading
   * any finding: an empty digest (`sendEmpty`) can reach them. Who gets each
   * finding is `RecipientsOf`'s answer.
   */
  to: readonly string[];
}

/** The email addresses that receive `record` in digests of `rule` (the policy resolves owners and fallbacks). */
export type RecipientsOf = (rule: DigestRule, record: TrackedRecord) => readonly string[];

/** An account's name when the directory knows it. */
export type AccountNameOf = (accountId: string) => string | undefined;

/** The digest rules of a policy: each rule with a `notify.digest`, adapted to `DigestRule`; none when the policy has none. */
export function digestRulesOf(policy: Policy): DigestRule[] {
  return policy.rules.flatMap((rule) => {
    const digest = rule.notify.digest;
    if (!digest) return [];
    return [
      {
        name: rule.name,
        schedule: digest.schedule,
        maxItems: digest.maxItems,
        sendEmpty: digest.sendEmpty,
        to: rule.notify.to.filter(isEmailAddress),
      },
    ];
  });
}

/**
 * Who receives a finding in a rule's digests: the rule's addresses, and for
 * "owners" the owners of the finding's account as the directory describes it
 * (`accountOf`), or the rule's fallback when it has none.
 */
export function digestRecipients(policy: Policy, accountOf: (accountId: string) => AccountInfo | undefined): RecipientsOf {
  const byName = new Map(policy.rules.map((rule) => [rule.name, rule]));
  return (rule, record) => {
    const own = byName.get(rule.name);
    if (!own) return rule.to;
    return resolveEntries(own.notify.to, own.notify.fallback, accountOf(record.snapshot.account)).to;
  };
}
