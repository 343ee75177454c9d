/**
 * What the account directory knows of an AWS account: its name, where it
 * sits in the organization, its tags, and who owns it. The policy's
 * `accounts:` section and AWS Organizations both produce it; entries of the
 * policy override what Organizations says, field by field.
 */

export interface AccountInfo {
  /** The 12-digit account id. */
  id: string;
  name?: string;
  /** Ids of the organization's root and OUs from the root down to the account's parent, e.g. ["r-ab12", "ou-ab12-11111111"]. */
  ouIds: string[];
  /** Names of the same, joined by "/", e.g. "Root/Production/Payments" (no path when unknown). */
  ouPath?: string;
  tags: Readonly<Record<string, string>>;
  /** Email addresses of the account's owners: those who fix what is found in it. */
  owners: string[];
}

/** An entry of the policy's `accounts:` section, as validated. */
export interface AccountEntry {
  name?: string;
  owners?: string[];
  tags?: Readonly<Record<string, string>>;
  /** The account's OU path ("Root/Production"), for matching `ous` without Organizations. */
  ou?: string;
}

/**
 * The account as the policy and Organizations describe it together: the
 * policy's entry wins field by field (tags are merged, the policy's values
 * winning); undefined when neither knows the account.
 */
export function mergeAccount(id: string, entry: AccountEntry | undefined, live: AccountInfo | undefined): AccountInfo | undefined {
  if (!entry && !live) return undefined;
  const ouPath = entry?.ou ?? live?.ouPath;
  return {
    id,
    ...((entry?.name ?? live?.name) ? { name: entry?.name ?? live?.name } : {}),
    ouIds: live?.ouIds ?? [],
    ...(ouPath ? { ouPath } : {}),
    tags: { ...(live?.tags ?? {}), ...(entry?.tags ?? {}) },
    owners: entry?.owners ?? live?.owners ?? [],
  };
}

/**
 * The owner addresses in a tag value: separated by commas, semicolons or
 * white space; anything that is not an address is left out.
 */
export function ownersFromTag(value: string | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(/[\s,;]+/).filter((part) => /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(part)))];
}

/** A lookup in the policy's own directory alone (no live directory): what the composition roots use without Organizations. */
export function policyDirectory(entries: Readonly<Record<string, AccountEntry>>): (accountId: string) => Promise<AccountInfo | undefined> {
  return async (accountId) => mergeAccount(accountId, Object.hasOwn(entries, accountId) ? entries[accountId] : undefined, undefined);
}
