import type { AccountInfo } from '../account.js';
import type { Escalation } from '../notification.js';
import { isEmailAddress, OWNERS, type Rule } from '../policy.js';

/** Who a notification goes to: email addresses (one email to all) and destination names. */
export interface Recipients {
  to: string[];
  destinations: string[];
}

/**
 * Resolves recipient entries: addresses stay, "owners" becomes the
 * account's owners — or the rule's fallback when the account has none (or
 * no directory knows it) — and the rest are destination names.
 */
export function resolveEntries(entries: readonly string[], fallback: readonly string[], account?: AccountInfo): Recipients {
  const owners = account?.owners ?? [];
  const expanded = entries.flatMap((entry) => (entry === OWNERS ? (owners.length > 0 ? owners : fallback) : [entry]));
  return {
    to: unique(expanded.filter(isEmailAddress)),
    destinations: unique(expanded.filter((entry) => !isEmailAddress(entry) && entry !== OWNERS)),
  };
}

/** The escalation steps of a rule that apply to a finding open `openMs`, as a notification names them. */
export function escalationsOf(rule: Rule, openMs: number): Escalation[] {
  return rule.notify.escalate.filter((step) => openMs >= step.afterMs).map((step) => ({ rule: rule.name, after: step.after, to: step.to }));
}

/** The union of the due rules' recipients (their escalations' too), resolved for the account. */
export function recipientsOf(
  rules: readonly Rule[],
  account: AccountInfo | undefined,
  escalations: readonly Escalation[] = [],
): Recipients {
  const parts = [
    ...rules.map((rule) => resolveEntries(rule.notify.to, rule.notify.fallback, account)),
    ...escalations.map((step) => {
      const rule = rules.find((candidate) => candidate.name === step.rule);
      return resolveEntries(step.to, rule?.notify.fallback ?? [], account);
    }),
  ];
  return { to: unique(parts.flatMap((part) => part.to)), destinations: unique(parts.flatMap((part) => part.destinations)) };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
