import {
  type AccountEntry,
  type AccountInfo,
  accountFromOrganization,
  ancestorsOf,
  isAccountId,
  mergeAccount,
  type OrganizationAccount,
  type OrganizationNode,
} from '../core/account.js';
import { TransientError } from '../core/errors.js';
import type { AccountDirectory, DocumentStore, OrganizationReader, Runtime, StoredDocument } from '../core/ports.js';
import { eachConcurrently } from './concurrently.js';

/** The document kinds of the cache: one document per account (an unknown one too) and one per root or OU. */
export const ACCOUNT_DOCUMENT = 'org-account';
export const NODE_DOCUMENT = 'org-ou';

/** Store writes a refresh of the whole organization keeps in flight. */
const REFRESH_CONCURRENCY = 16;

export interface CachedAccountDirectoryOptions {
  /** AWS Organizations (the adapter paces, retries and counts). */
  live: OrganizationReader;
  /** Where the cache lives: the same store as the records (SQLite locally, DynamoDB in AWS). */
  documents: DocumentStore;
  /** The tag whose value names an account's owners (the policy's `organizations.owner_tag`). */
  ownerTag: string;
  /** How long what Organizations said stays true enough (the policy's `organizations.cache`). */
  cacheMs: number;
  runtime: Runtime;
}

/** What a cache document holds: when it was read, and what was read (null: no such account). */
interface Cached<T> {
  fetchedAt: string;
  value: T;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * The account directory with a cache in the document store, so that
 * Organizations is asked about an account, and about each OU above it, once
 * per cache lifetime across every process that shares the store. An account
 * and each root or OU are documents of their own (`org-account`, `org-ou`)
 * expiring `cacheMs` after they were read: a fresh cache makes no request, a
 * stale document is read again, and an account Organizations does not know
 * is cached as such. Concurrent writers use the store's conditional writes;
 * the loser of a race reads what the winner wrote. When Organizations fails
 * transiently and a stale document exists, the stale answer is used rather
 * than none; when an OU a fresh account document names has gone, the
 * account is read again at once. Within one process, answers are also kept in memory until they
 * expire, and concurrent lookups of one account share one request.
 */
export class CachedAccountDirectory implements AccountDirectory {
  private readonly memory = new Map<string, Promise<Entry<unknown>>>();

  constructor(private readonly options: CachedAccountDirectoryOptions) {}

  async lookup(accountId: string, now: Date): Promise<AccountInfo | undefined> {
    if (!isAccountId(accountId)) return undefined;
    try {
      return await this.resolve(accountId, now, false);
    } catch (error) {
      // An OU the cached account names may be gone because the account moved: read the account again, once.
      if (!(error instanceof TransientError)) throw error;
      return this.resolve(accountId, now, true);
    }
  }

  private async resolve(accountId: string, now: Date, again: boolean): Promise<AccountInfo | undefined> {
    const { live, ownerTag } = this.options;
    const account = await this.cached<OrganizationAccount | null>(
      ACCOUNT_DOCUMENT,
      accountId,
      now,
      async () => (await live.account(accountId)) ?? null,
      again,
    );
    if (!account) return undefined;
    const ancestors = await ancestorsOf(account.parentId, (id) =>
      this.cached<OrganizationNode>(NODE_DOCUMENT, id, now, () => live.node(id)),
    );
    return accountFromOrganization(account, ancestors, ownerTag);
  }

  /**
   * Reads the whole organization at once and caches every root, OU and
   * account in it: far fewer requests than looking every account up one by
   * one (docs/routing.md), so that a daily job can keep the cache warm.
   */
  async refreshAll(now: Date = this.options.runtime.clock.now()): Promise<{ accounts: number; units: number }> {
    const { nodes, accounts } = await this.options.live.tree();
    const writes = [
      ...nodes.map((node) => [NODE_DOCUMENT, node.id, node] as const),
      ...accounts.map((account) => [ACCOUNT_DOCUMENT, account.id, account] as const),
    ];
    await eachConcurrently(writes, REFRESH_CONCURRENCY, async ([kind, id, value]) => {
      const stored = await this.options.documents.getDocument(kind, id);
      this.remember(kind, id, await this.save(kind, id, value, now, stored));
    });
    return { accounts: accounts.length, units: nodes.length };
  }

  /** The cached value of a document if fresh at `now` (unless `again`); else read through `fetch`, saved and remembered. */
  private cached<T>(kind: string, id: string, now: Date, fetch: () => Promise<T>, again = false): Promise<T> {
    const key = `${kind}/${id}`;
    const remembered = again ? undefined : (this.memory.get(key) as Promise<Entry<T>> | undefined);
    const entry = remembered
      ? remembered.then((known) => (known.expiresAt > now.getTime() ? known : this.load(kind, id, now, fetch, false)))
      : this.load(kind, id, now, fetch, again);
    this.memory.set(key, entry);
    entry.catch(() => this.memory.get(key) === entry && this.memory.delete(key));
    return entry.then((known) => known.value);
  }

  private async load<T>(kind: string, id: string, now: Date, fetch: () => Promise<T>, again: boolean): Promise<Entry<T>> {
    const stored = await this.options.documents.getDocument(kind, id);
    const cached = stored && entryOf<T>(stored);
    if (cached && cached.expiresAt > now.getTime() && !again) return cached;
    let value: T;
    try {
      value = await fetch();
    } catch (error) {
      if (cached && error instanceof TransientError) return cached;
      throw error;
    }
    return this.save(kind, id, value, now, stored);
  }

  /** Writes what was read, conditional on the version seen; a lost race yields to the winner's document when it is fresh. */
  private async save<T>(kind: string, id: string, value: T, now: Date, seen: StoredDocument | undefined): Promise<Entry<T>> {
    const expiresAt = now.getTime() + this.options.cacheMs;
    const document: StoredDocument = {
      id,
      value: JSON.stringify({ fetchedAt: now.toISOString(), value } satisfies Cached<T>),
      version: (seen?.version ?? 0) + 1,
      expiresAt: new Date(expiresAt).toISOString(),
    };
    if (await this.options.documents.putDocument(kind, document, seen?.version)) return { value, expiresAt };
    const winner = await this.options.documents.getDocument(kind, id);
    const theirs = winner && entryOf<T>(winner);
    return theirs && theirs.expiresAt > now.getTime() ? theirs : { value, expiresAt };
  }

  private remember<T>(kind: string, id: string, entry: Entry<T>): void {
    this.memory.set(`${kind}/${id}`, Promise.resolve(entry));
  }
}

/** A cache document as an entry; one it cannot read (none of ours, or damaged) counts as missing and is read again. */
function entryOf<T>(document: StoredDocument): Entry<T> | undefined {
  const expiresAt = Date.parse(document.expiresAt ?? '');
  try {
    const cached = JSON.parse(document.value) as Cached<T>;
    return Number.isNaN(expiresAt) || !('value' in cached) ? undefined : { value: cached.value, expiresAt };
  } catch {
    return undefined;
  }
}

/** How a use case learns about an account: the policy's entry and the live directory together. */
export type AccountLookup = (accountId: string, now: Date) => Promise<AccountInfo | undefined>;

/**
 * The account as the policy's `accounts:` entries and the directory
 * (`live`, when Organizations is enabled) describe it together: the entry
 * wins field by field (`mergeAccount`). Without a live directory only the
 * entries count. Failures of the live directory reach the caller.
 */
export function directoryLookup(entries: Readonly<Record<string, AccountEntry>>, live?: AccountDirectory): AccountLookup {
  return async (accountId, now) => {
    const entry = Object.hasOwn(entries, accountId) ? entries[accountId] : undefined;
    return mergeAccount(accountId, entry, live ? await live.lookup(accountId, now) : undefined);
  };
}
