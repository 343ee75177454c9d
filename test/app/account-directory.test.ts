import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import type { OrganizationsSettings } from '../../src/adapters/organizations/organizations-client.js';
import { OrganizationsDirectory } from '../../src/adapters/organizations/organizations-directory.js';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { ACCOUNT_DOCUMENT, CachedAccountDirectory, directoryLookup, NODE_DOCUMENT } from '../../src/app/account-directory.js';
import type { AccountEntry } from '../../src/core/account.js';
import { ConfigurationError } from '../../src/core/errors.js';
import type { DocumentStore, Runtime, StateStore, StoredDocument } from '../../src/core/ports.js';
import { createFindingTable, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { FakeOrganizations } from '../support/fake-organizations.js';
import { pacedOrganizationsFor } from '../support/organizations-client.js';

const HOUR = 3_600_000;
// Far ahead of the real clock: DynamoDB Local's TTL deletes items whose expiry has passed in real time.
const T0 = new Date('2099-06-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const runtime: Runtime = { clock: { now: () => T0 }, sleep: async () => {}, random: () => 0.5 };

interface StoreKind {
  name: string;
  fresh(): Promise<StateStore>;
  stop(): Promise<void>;
}

const sqlite = (): StoreKind => {
  const dir = mkdtempSync(join(tmpdir(), 'sechub-directory-'));
  let n = 0;
  const open: SqliteFindingStore[] = [];
  return {
    name: 'SqliteFindingStore',
    fresh: async () => {
      const store = new SqliteFindingStore(join(dir, `state-${n++}.db`));
      open.push(store);
      return store;
    },
    stop: async () => {
      for (const store of open) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const dynamodb = (): StoreKind => {
  let local: DynamoDbLocal | undefined;
  let n = 0;
  return {
    name: 'DynamoDbFindingStore on DynamoDB Local',
    fresh: async () => {
      local ??= await startDynamoDbLocal();
      const tableName = `directory-${n++}`;
      await createFindingTable(local.client, tableName);
      return new DynamoDbFindingStore({ client: local.client, tableName });
    },
    stop: async () => {
      await local?.stop();
      local = undefined;
    },
  };
};

/** Root (owner: cloud@) ── Production (owner: prod@) ── Payments (owner: pay@) ── two accounts; Sandbox ── one account. */
function seed(fake: FakeOrganizations) {
  fake.setTags(fake.rootId, { owner: 'cloud@example.com' });
  const production = fake.addOu(fake.rootId, 'Production', { owner: 'prod@example.com' });
  const payments = fake.addOu(production, 'Payments', { owner: 'pay@example.com' });
  const sandbox = fake.addOu(fake.rootId, 'Sandbox');
  const accounts = {
    ledger: fake.addAccount(payments, 'ledger', {}, '111122223333'),
    gateway: fake.addAccount(payments, 'gateway', { owner: 'gw@example.com' }, '111122224444'),
    playground: fake.addAccount(sandbox, 'playground', {}, '111122225555'),
  };
  return { ou: { production, payments, sandbox }, accounts };
}

describe.each([sqlite(), dynamodb()])('the cached account directory on $name', (stores) => {
  let fake: FakeOrganizations;
  let store: StateStore;
  let org: ReturnType<typeof seed>;

  afterAll(() => stores.stop());
  beforeEach(async () => {
    fake = await FakeOrganizations.start({ rate: false });
    org = seed(fake);
    store = await stores.fresh();
  });
  afterEach(() => fake.stop());

  /** A directory as one process builds it: its own client and memory, the shared store. */
  function directory(options: { documents?: DocumentStore; cacheMs?: number; settings?: OrganizationsSettings } = {}) {
    const live = new OrganizationsDirectory({ organizations: pacedOrganizationsFor(fake.url, options.settings), ownerTag: 'owner' });
    return new CachedAccountDirectory({
      live,
      documents: options.documents ?? store,
      ownerTag: 'owner',
      cacheMs: options.cacheMs ?? 24 * HOUR,
      runtime,
    });
  }

  it('a run with a fresh cache asks Organizations nothing and gives the same answers', async () => {
    const ids = Object.values(org.accounts);
    const first = await Promise.all(ids.map((id) => directory().lookup(id, T0)));
    const calls = fake.totalCalls();

    const second = await Promise.all(ids.map((id) => directory().lookup(id, at(23 * HOUR))));

    expect(calls).toBeGreaterThan(0);
    expect(fake.totalCalls()).toBe(calls);
    expect(second).toEqual(first);
    expect(second.map((info) => `${info?.ouPath} ${info?.owners}`)).toEqual([
      'Root/Production/Payments pay@example.com',
      'Root/Production/Payments gw@example.com',
      'Root/Sandbox cloud@example.com',
    ]);
  });

  it('keeps each account and each OU in a document of its own that expires after the cache lifetime', async () => {
    await directory().lookup(org.accounts.ledger, T0);

    const account = await store.getDocument(ACCOUNT_DOCUMENT, org.accounts.ledger);
    const units = [fake.rootId, org.ou.production, org.ou.payments];
    const nodes = await Promise.all(units.map((id) => store.getDocument(NODE_DOCUMENT, id)));

    expect(account).toMatchObject({ version: 1, expiresAt: at(24 * HOUR).toISOString() });
    expect(JSON.parse(account!.value)).toMatchObject({ fetchedAt: T0.toISOString(), value: { name: 'ledger', parentId: org.ou.payments } });
    expect(nodes.map((node) => JSON.parse(node!.value).value.name)).toEqual(['Root', 'Production', 'Payments']);
  });

  it('reads an entry again once its lifetime has passed', async () => {
    await directory().lookup(org.accounts.ledger, T0);
    fake.setTags(org.accounts.ledger, { owner: 'ledger-team@example.com' });
    const calls = fake.totalCalls();

    const before = await directory().lookup(org.accounts.ledger, at(24 * HOUR - 1));
    const after = await directory().lookup(org.accounts.ledger, at(24 * HOUR));

    expect(before?.owners).toEqual(['pay@example.com']);
    expect(after?.owners).toEqual(['ledger-team@example.com']);
    expect(fake.totalCalls()).toBe(calls * 2);
    expect(await store.getDocument(ACCOUNT_DOCUMENT, org.accounts.ledger)).toMatchObject({
      version: 2,
      expiresAt: at(48 * HOUR).toISOString(),
    });
  });

  it('sees an account moved to another OU only after the cache lifetime', async () => {
    const cached = directory({ cacheMs: 6 * HOUR });
    await cached.lookup(org.accounts.ledger, T0);
    fake.moveAccount(org.accounts.ledger, org.ou.sandbox);

    const soon = await directory({ cacheMs: 6 * HOUR }).lookup(org.accounts.ledger, at(5 * HOUR));
    const later = await directory({ cacheMs: 6 * HOUR }).lookup(org.accounts.ledger, at(6 * HOUR));
    const sameProcessLater = await cached.lookup(org.accounts.ledger, at(6 * HOUR + 1));

    expect(soon).toMatchObject({ ouPath: 'Root/Production/Payments', ouIds: [fake.rootId, org.ou.production, org.ou.payments] });
    expect(later).toMatchObject({ ouPath: 'Root/Sandbox', ouIds: [fake.rootId, org.ou.sandbox], owners: ['cloud@example.com'] });
    expect(sameProcessLater?.ouPath).toBe('Root/Sandbox');
  });

  it('caches an account Organizations does not know, and asks again after the lifetime', async () => {
    const unknown = '999988887777';
    const first = await directory().lookup(unknown, T0);
    const calls = fake.totalCalls();

    const cached = await directory().lookup(unknown, at(HOUR));
    const callsWhileCached = fake.totalCalls();
    fake.addAccount(fake.rootId, 'joined later', {}, unknown);
    const afterLifetime = await directory().lookup(unknown, at(24 * HOUR));

    expect(first).toBeUndefined();
    expect(cached).toBeUndefined();
    expect(callsWhileCached).toBe(calls);
    expect(afterLifetime).toMatchObject({ name: 'joined later', ouPath: 'Root', owners: ['cloud@example.com'] });
  });

  it('reads each OU once for all the accounts under it, and shares one request among concurrent lookups of an account', async () => {
    const cached = directory();

    await Promise.all(Array.from({ length: 10 }, () => cached.lookup(org.accounts.ledger, T0)));
    const afterFirst = { ...fake.calls };
    await cached.lookup(org.accounts.gateway, T0);

    expect(afterFirst).toMatchObject({ DescribeAccount: 1, DescribeOrganizationalUnit: 2, ListRoots: 1 });
    expect(fake.calls.DescribeAccount - afterFirst.DescribeAccount).toBe(1);
    expect(fake.totalCalls() - Object.values(afterFirst).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('reads an account again when an OU its cached entry names has gone from the organization', async () => {
    await directory({ cacheMs: 6 * HOUR }).lookup(org.accounts.gateway, T0);
    await directory({ cacheMs: 6 * HOUR }).lookup(org.accounts.ledger, at(3 * HOUR));
    fake.moveAccount(org.accounts.ledger, org.ou.sandbox);
    fake.removeAccount(org.accounts.gateway);
    fake.removeOu(org.ou.payments);
    // The store's TTL has already dropped the expired document of the deleted OU.
    const afterTtl: DocumentStore = {
      getDocument: async (kind, id) => (kind === NODE_DOCUMENT && id === org.ou.payments ? undefined : store.getDocument(kind, id)),
      putDocument: (kind, document, expected) => store.putDocument(kind, document, expected),
      listDocuments: (kind) => store.listDocuments(kind),
    };

    const info = await directory({ documents: afterTtl, cacheMs: 6 * HOUR }).lookup(org.accounts.ledger, at(7 * HOUR));

    expect(info).toMatchObject({ ouPath: 'Root/Sandbox', owners: ['cloud@example.com'] });
    expect(await store.getDocument(ACCOUNT_DOCUMENT, org.accounts.ledger)).toMatchObject({ version: 2 });
  });

  it("a writer that loses the race to another reads the winner's document and writes nothing more", async () => {
    const winner = directory();
    const racing: DocumentStore = {
      getDocument: (kind, id) => store.getDocument(kind, id),
      listDocuments: (kind) => store.listDocuments(kind),
      // Another process writes the same document between this one's read and its write.
      putDocument: async (kind, document, expected) => {
        if (kind === ACCOUNT_DOCUMENT) await winner.lookup(document.id, at(-60_000));
        return store.putDocument(kind, document, expected);
      },
    };

    const info = await directory({ documents: racing }).lookup(org.accounts.gateway, T0);
    const stored = await store.getDocument(ACCOUNT_DOCUMENT, org.accounts.gateway);

    expect(info).toMatchObject({ name: 'gateway', owners: ['gw@example.com'] });
    expect(stored).toMatchObject({ version: 1, expiresAt: at(24 * HOUR - 60_000).toISOString() });
  });

  it('a refresh of the whole organization warms the cache so that no lookup asks Organizations', async () => {
    const refreshed = await directory().refreshAll(T0);
    const calls = fake.totalCalls();

    const infos = await Promise.all(Object.values(org.accounts).map((id) => directory().lookup(id, at(HOUR))));

    expect(refreshed).toEqual({ accounts: 3, units: 4 });
    expect(fake.totalCalls()).toBe(calls);
    expect(infos.map((info) => info?.name)).toEqual(['ledger', 'gateway', 'playground']);
    expect(await collect(store.listDocuments(ACCOUNT_DOCUMENT))).toHaveLength(3);
  });

  it('answers from a stale entry when Organizations keeps failing, but never hides a permissions problem', async () => {
    await directory().lookup(org.accounts.ledger, T0);
    fake.inject('throttle', 100);

    const stale = await directory().lookup(org.accounts.ledger, at(30 * HOUR));
    fake.clearFaults();
    fake.refusal = 'AccessDeniedException';
    const denied = await directory()
      .lookup(org.accounts.ledger, at(30 * HOUR))
      .catch((error: unknown) => error);

    expect(stale).toMatchObject({ name: 'ledger', ouPath: 'Root/Production/Payments' });
    expect(denied).toBeInstanceOf(ConfigurationError);
  });
});

describe('looking an account up in the policy and the directory together', () => {
  const entries: Record<string, AccountEntry> = {
    '111122223333': { name: 'Ledger (PCI)', owners: ['pci@example.com'], tags: { tier: '1' } },
    '444455556666': { name: 'On-premises bridge', owners: ['network@example.com'], ou: 'Root/Legacy' },
  };
  let fake: FakeOrganizations;
  let org: ReturnType<typeof seed>;
  beforeEach(async () => {
    fake = await FakeOrganizations.start({ rate: false });
    org = seed(fake);
  });
  afterEach(() => fake.stop());

  const live = () => new OrganizationsDirectory({ organizations: pacedOrganizationsFor(fake.url), ownerTag: 'owner' });

  it('lets the policy entry win field by field over Organizations, and merges the tags', async () => {
    fake.setTags(org.accounts.ledger, { env: 'prod', tier: '3' });

    const info = await directoryLookup(entries, live())(org.accounts.ledger, T0);

    expect(info).toEqual({
      id: org.accounts.ledger,
      name: 'Ledger (PCI)',
      ouIds: [fake.rootId, org.ou.production, org.ou.payments],
      ouPath: 'Root/Production/Payments',
      tags: { env: 'prod', tier: '1' },
      owners: ['pci@example.com'],
    });
  });

  it('takes what Organizations says of an account the policy does not list, and the entry of one Organizations does not know', async () => {
    const lookup = directoryLookup(entries, live());

    const gateway = await lookup(org.accounts.gateway, T0);
    const bridge = await lookup('444455556666', T0);
    const neither = await lookup('777788889999', T0);

    expect(gateway).toMatchObject({ name: 'gateway', owners: ['gw@example.com'], ouPath: 'Root/Production/Payments' });
    expect(bridge).toEqual({
      id: '444455556666',
      name: 'On-premises bridge',
      ouIds: [],
      ouPath: 'Root/Legacy',
      tags: {},
      owners: ['network@example.com'],
    });
    expect(neither).toBeUndefined();
  });

  it('without Organizations counts only the policy, and asks nothing', async () => {
    const lookup = directoryLookup(entries);

    const ledger = await lookup(org.accounts.ledger, T0);
    const gateway = await lookup(org.accounts.gateway, T0);

    expect(ledger).toMatchObject({ name: 'Ledger (PCI)', owners: ['pci@example.com'], ouIds: [] });
    expect(gateway).toBeUndefined();
    expect(fake.totalCalls()).toBe(0);
  });

  it('does not take what every object has for an entry', async () => {
    const lookup = directoryLookup(entries);

    expect(await lookup('constructor', T0)).toBeUndefined();
    expect(await lookup('__proto__', T0)).toBeUndefined();
  });
});

async function collect(documents: AsyncIterable<StoredDocument>): Promise<StoredDocument[]> {
  const all: StoredDocument[] = [];
  for await (const document of documents) all.push(document);
  return all;
}
