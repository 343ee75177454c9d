import { systemRuntime } from '../adapters/system/runtime.js';
import { type AccountLookup, CachedAccountDirectory, directoryLookup } from '../app/account-directory.js';
import type { Policy } from '../core/policy.js';
import type { DocumentStore } from '../core/ports.js';

/**
 * The account directory of a policy, as every composition root builds it:
 * the policy's `accounts:` entries, over AWS Organizations (cached in the
 * store) when the policy enables it. The Organizations client is loaded only
 * then, so a process without it does not pay for it at start-up.
 */
export async function accountLookupFor(policy: Policy, documents: DocumentStore): Promise<AccountLookup> {
  if (!policy.organizations) return directoryLookup(policy.accounts);
  const [{ createOrganizationsClient }, { OrganizationsDirectory }] = await Promise.all([
    import('../adapters/organizations/organizations-client.js'),
    import('../adapters/organizations/organizations-directory.js'),
  ]);
  const { ownerTag, cacheMs } = policy.organizations;
  const live = new OrganizationsDirectory({ organizations: createOrganizationsClient(), ownerTag });
  return directoryLookup(policy.accounts, new CachedAccountDirectory({ live, documents, ownerTag, cacheMs, runtime: systemRuntime }));
}
