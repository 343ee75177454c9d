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

/** A root or an organizational unit of AWS Organizations, as the directory keeps it. */
export interface OrganizationNode {
  /** "r-…" for the root, "ou-…" for an OU. */
  id: string;
  name: string;
  /** The root or OU above it; none for the root. */
  parentId?: string;
  tags: Readonly<Record<string, string>>;
}

/** An account as AWS Organizations describes it: its name, the root or OU it sits in, its tags. */
export interface OrganizationAccount {
  id: string;
  name?: string;
  parentId: string;
  tags: Readonly<Record<string, string>>;
}

/** Roots and OUs nest at most five levels deep under the root; a longer chain is a loop in the data. */
const MAX_ANCESTORS = 6;

/**
 * The roots and OUs above an account, its parent first and the root last,
 * read one at a time through `node` (from Organizations or from a cache).
 * Stops after MAX_ANCESTORS, so that data with a loop cannot hang a lookup.
 */
export async function ancestorsOf(parentId: string, node: (id: string) => Promise<OrganizationNode>): Promise<OrganizationNode[]> {
  const chain: OrganizationNode[] = [];
  for (let id: string | undefined = parentId; id !== undefined && chain.length < MAX_ANCESTORS; ) {
    const next = await node(id);
    chain.push(next);
    id = next.parentId;
  }
  return chain;
}

/** A 12-digit AWS account id: anything else cannot be in an organization, and is not looked up. */
export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

/**
 * The account as the directory reports it, from what Organizations says of
 * it and of its ancestors (`ancestors`: its parent first, the root last).
 * Owners are the addresses in the account's `ownerTag` tag; when that gives
 * none, those of the nearest ancestor whose tag gives some; else none.
 */
export function accountFromOrganization(
  account: OrganizationAccount,
  ancestors: readonly OrganizationNode[],
  ownerTag: string,
): AccountInfo {
  const fromRoot = [...ancestors].reverse();
  let owners = ownersFromTag(tagValue(account.tags, ownerTag));
  for (const node of ancestors) {
    if (owners.length > 0) break;
    owners = ownersFromTag(tagValue(node.tags, ownerTag));
  }
  return {
    id: account.id,
    ...(account.name ? { name: account.name } : {}),
    ouIds: fromRoot.map((node) => node.id),
    ...(fromRoot.length > 0 ? { ouPath: fromRoot.map((node) => node.name).join('/') } : {}),
    tags: { ...account.tags },
    owners,
  };
}

/** A tag's value; only the tags' own keys count, so a key like "constructor" finds nothing it was not given. */
function tagValue(tags: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(tags, key) ? tags[key] : undefined;
}
