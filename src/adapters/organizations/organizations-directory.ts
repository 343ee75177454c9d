import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListParents,
  paginateListRoots,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import {
  type AccountInfo,
  accountFromOrganization,
  ancestorsOf,
  isAccountId,
  type OrganizationAccount,
  type OrganizationNode,
} from '../../core/account.js';
import { DirectoryError, TransientError } from '../../core/errors.js';
import type { AccountDirectory, OrganizationReader } from '../../core/ports.js';
import type { PacedOrganizations } from './organizations-client.js';
import { translateOrganizationsError } from './translate-error.js';

/** The most items a page of an Organizations list may hold (MaxResults: 1 to 20). */
const PAGE_SIZE = 20;

export interface OrganizationsDirectoryOptions {
  organizations: PacedOrganizations;
  /** The tag whose value names an account's owners (the policy's `organizations.owner_tag`). */
  ownerTag: string;
}

/**
 * The live account directory: AWS Organizations read through the paced
 * client. One account is resolved lazily (DescribeAccount, ListParents and
 * ListTagsForResource for it, then DescribeOrganizationalUnit, ListParents
 * and ListTagsForResource for each OU above it, ListRoots and
 * ListTagsForResource for the root); `tree` reads the whole organization
 * from the roots down instead (ListOrganizationalUnitsForParent and
 * ListAccountsForParent give names and structure a page of 20 at a time,
 * ListTagsForResource the tags). It caches nothing: the use case in
 * src/app/account-directory.ts does.
 */
export class OrganizationsDirectory implements AccountDirectory, OrganizationReader {
  constructor(private readonly options: OrganizationsDirectoryOptions) {}

  get calls(): number {
    return this.options.organizations.stats.calls;
  }

  /** The account with its path, tags and owners; undefined when it is in no organization this one knows. */
  async lookup(accountId: string): Promise<AccountInfo | undefined> {
    const account = await this.account(accountId);
    if (!account) return undefined;
    const ancestors = await ancestorsOf(account.parentId, (id) => this.node(id));
    return accountFromOrganization(account, ancestors, this.options.ownerTag);
  }

  async account(accountId: string): Promise<OrganizationAccount | undefined> {
    if (!isAccountId(accountId)) return undefined;
    const [described, parentId, tags] = await Promise.allSettled([
      this.call('DescribeAccount', () => this.client.send(new DescribeAccountCommand({ AccountId: accountId }))),
      this.parentOf(accountId),
      this.tagsOf(accountId),
    ]);
    if (described.status === 'rejected') {
      if (described.reason instanceof DirectoryError && described.reason.code === 'AccountNotFoundException') return undefined;
      throw described.reason;
    }
    if (parentId.status === 'rejected') throw parentId.reason;
    if (tags.status === 'rejected') throw tags.reason;
    const name = described.value.Account?.Name;
    return { id: accountId, ...(name ? { name } : {}), parentId: parentId.value, tags: tags.value };
  }

  async node(id: string): Promise<OrganizationNode> {
    if (id.startsWith('r-')) {
      const [roots, tags] = await Promise.all([this.roots(), this.tagsOf(id)]);
      return { id, name: roots.find((root) => root.id === id)?.name ?? id, tags };
    }
    const [described, parentId, tags] = await Promise.all([
      this.call('DescribeOrganizationalUnit', () => this.client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: id }))),
      this.parentOf(id),
      this.tagsOf(id),
    ]);
    return { id, name: described.OrganizationalUnit?.Name ?? id, parentId, tags };
  }

  async tree(): Promise<{ nodes: OrganizationNode[]; accounts: OrganizationAccount[] }> {
    const nodes: OrganizationNode[] = [];
    const accounts: OrganizationAccount[] = [];
    for (const root of await this.roots()) nodes.push({ ...root, tags: await this.tagsOf(root.id) });
    for (let next = 0; next < nodes.length; next++) {
      const parentId = nodes[next]!.id;
      const units = await this.call('ListOrganizationalUnitsForParent', () =>
        collect(paginateListOrganizationalUnitsForParent(this.pages, { ParentId: parentId }), (page) => page.OrganizationalUnits),
      );
      for (const unit of units) nodes.push({ id: unit.Id!, name: unit.Name ?? unit.Id!, parentId, tags: await this.tagsOf(unit.Id!) });
      const members = await this.call('ListAccountsForParent', () =>
        collect(paginateListAccountsForParent(this.pages, { ParentId: parentId }), (page) => page.Accounts),
      );
      for (const member of members)
        accounts.push({ id: member.Id!, ...(member.Name ? { name: member.Name } : {}), parentId, tags: await this.tagsOf(member.Id!) });
    }
    return { nodes, accounts };
  }

  private get client() {
    return this.options.organizations.client;
  }

  private get pages() {
    return { client: this.client, pageSize: PAGE_SIZE };
  }

  private async roots(): Promise<{ id: string; name: string }[]> {
    const roots = await this.call('ListRoots', () => collect(paginateListRoots(this.pages, {}), (page) => page.Roots));
    return roots.map((root) => ({ id: root.Id!, name: root.Name ?? root.Id! }));
  }

  /** The one parent of an account or OU ("a child can have only a single parent"). */
  private async parentOf(childId: string): Promise<string> {
    const parents = await this.call('ListParents', () =>
      collect(paginateListParents(this.pages, { ChildId: childId }), (page) => page.Parents),
    );
    const parent = parents[0]?.Id;
    if (!parent) throw new TransientError(`AWS Organizations ListParents: ${childId} has no parent now`);
    return parent;
  }

  private async tagsOf(resourceId: string): Promise<Record<string, string>> {
    const tags = await this.call('ListTagsForResource', () =>
      collect(paginateListTagsForResource({ client: this.client }, { ResourceId: resourceId }), (page) => page.Tags),
    );
    return Object.fromEntries(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateOrganizationsError(error, operation);
    }
  }
}

/** Every item of every page: Organizations may send an empty page before the end, so only a missing NextToken ends a listing. */
async function collect<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}
