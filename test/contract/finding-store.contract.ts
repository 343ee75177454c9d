import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FindingStore, StateStore, StoredDocument } from '../../src/core/ports.js';
import { snapshotOf, type TrackedRecord } from '../../src/core/record.js';
import { asff, normalized } from '../builders/asff.js';

/** What every store adapter offers: records, named cursors (poll and sweep progress) and documents. */
export type StoreWithCursors = StateStore;

/** Creates an empty store for one test; `dispose` releases it. */
export interface StoreFixture {
  fresh(): Promise<StoreWithCursors>;
  dispose?(): Promise<void>;
}

const T0 = '2026-01-10T10:00:00.000Z';
/** Far ahead: DynamoDB Local runs TTL deletion for real, so live records must not have expired by the wall clock. */
const LATER = '2099-05-10T10:00:00.000Z';
const template = snapshotOf(normalized(asff({ updatedAt: T0 })));

/** A tracked record for a distinct finding `n`, version 1 unless told otherwise. */
export function recordFor(n: number | string, overrides: Partial<TrackedRecord> = {}): TrackedRecord {
  const key = `111122223333|aws/guardduty|finding-${n}`;
  return {
    key,
    open: true,
    updatedAt: T0,
    snapshot: { ...template, key, id: `finding-${n}` },
    rules: { 'critical-and-high': { lastNotifiedAt: T0 } },
    version: 1,
    expiresAt: LATER,
    ...overrides,
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function putAll(store: FindingStore, records: TrackedRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 50) {
    const results = await Promise.all(records.slice(i, i + 50).map((record) => store.put(record, undefined)));
    expect(results.every(Boolean)).toBe(true);
  }
}

/**
 * The behaviour every FindingStore must have, whatever the technology: the
 * engine's guarantees (one email per finding under concurrency) rest on it.
 */
export function describeFindingStoreContract(name: string, fixture: () => StoreFixture): void {
  describe(`${name} (FindingStore contract)`, () => {
    let setup: StoreFixture;
    let store: StoreWithCursors;

    beforeAll(() => {
      setup = fixture();
    });
    beforeEach(async () => {
      store = await setup.fresh();
    });
    afterAll(async () => {
      await store?.close();
      await setup?.dispose?.();
    });

    it('returns nothing for a finding it has never stored', async () => {
      expect(await store.get('111122223333|aws/guardduty|unknown')).toBeUndefined();
    });

    it('stores a new record only if none exists, and returns it as written', async () => {
      const first = recordFor(1, { claim: { id: 'n1@t', until: LATER } });
      expect(await store.put(first, undefined)).toBe(true);
      expect(await store.put(recordFor(1, { updatedAt: LATER }), undefined)).toBe(false);
      expect(await store.get(first.key)).toEqual(first);
    });

    it('updates a record only if the stored version is the one expected', async () => {
      await store.put(recordFor(2), undefined);
      expect(await store.put(recordFor(2, { version: 2, open: false, rules: {} }), 1)).toBe(true);
      expect(await store.put(recordFor(2, { version: 2, updatedAt: LATER }), 1)).toBe(false);
      expect(await store.get(recordFor(2).key)).toEqual(recordFor(2, { version: 2, open: false, rules: {} }));
    });

    it('refuses an update of a record that does not exist', async () => {
      expect(await store.put(recordFor(3, { version: 2 }), 1)).toBe(false);
      expect(await store.get(recordFor(3).key)).toBeUndefined();
    });

    it('lets exactly one of 20 concurrent inserts of one finding win', async () => {
      const attempts = Array.from({ length: 20 }, (_, i) => recordFor(4, { claim: { id: `worker-${i}`, until: LATER } }));
      const results = await Promise.all(attempts.map((record) => store.put(record, undefined)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = attempts[results.indexOf(true)];
      expect(await store.get(recordFor(4).key)).toEqual(winner);
    });

    it('lets exactly one of 20 concurrent updates from one version win; the losers get false', async () => {
      await store.put(recordFor(5), undefined);
      const attempts = Array.from({ length: 20 }, (_, i) => recordFor(5, { version: 2, claim: { id: `worker-${i}`, until: LATER } }));
      const results = await Promise.all(attempts.map((record) => store.put(record, 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(recordFor(5).key)).toEqual(attempts[results.indexOf(true)]);
    });

    it('lists every open record over many pages and leaves out tombstones', async () => {
      const open = Array.from({ length: 1_050 }, (_, i) => recordFor(`open-${i}`));
      const tombstones = Array.from({ length: 60 }, (_, i) => recordFor(`closed-${i}`, { open: false, rules: {} }));
      await putAll(store, [...open, ...tombstones]);
      await store.setCursor('sweep', 'somewhere');
      const listed = await collect(store.listOpen());
      expect(listed).toHaveLength(open.length);
      expect(new Set(listed.map((record) => record.key))).toEqual(new Set(open.map((record) => record.key)));
      expect(listed.find((record) => record.key === open[7]!.key)).toEqual(open[7]);
    });

    it('lists a reopened record again', async () => {
      await store.put(recordFor(6, { open: false, rules: {} }), undefined);
      expect(await collect(store.listOpen())).toEqual([]);
      await store.put(recordFor(6, { version: 2 }), 1);
      expect(await collect(store.listOpen())).toEqual([recordFor(6, { version: 2 })]);
    });

    it('purges exactly the records that expired before now, and keeps cursors', async () => {
      const now = new Date('2090-03-01T00:00:00.000Z');
      const expired = [
        recordFor('old-1', { expiresAt: '2090-02-28T23:59:59.999Z' }),
        recordFor('old-2', { open: false, expiresAt: '2090-01-01T00:00:00.000Z' }),
      ];
      const kept = [recordFor('new-1', { expiresAt: now.toISOString() }), recordFor('new-2', { expiresAt: LATER })];
      await putAll(store, [...expired, ...kept]);
      await store.setCursor('poll', T0);
      expect(await store.purgeExpired(now)).toBe(2);
      for (const record of expired) expect(await store.get(record.key)).toBeUndefined();
      for (const record of kept) expect(await store.get(record.key)).toEqual(record);
      expect(await store.getCursor('poll')).toBe(T0);
      expect(await store.purgeExpired(now)).toBe(0);
    });

    it('keeps named cursors apart from records and overwrites them', async () => {
      expect(await store.getCursor('poll')).toBeUndefined();
      await store.setCursor('poll', '2026-01-10T10:00:00.000Z');
      await store.setCursor('sweep', 'token-1');
      await store.setCursor('poll', '2026-01-11T10:00:00.000Z');
      expect(await store.getCursor('poll')).toBe('2026-01-11T10:00:00.000Z');
      expect(await store.getCursor('sweep')).toBe('token-1');
      expect(await collect(store.listOpen())).toEqual([]);
    });

    it('keeps a record with a big snapshot (300 kB of text) intact', async () => {
      const big = recordFor(7);
      big.snapshot = {
        ...big.snapshot,
        description: 'ä'.repeat(50_000) + 'x'.repeat(100_000),
        resources: Array.from({ length: 25 }, (_, i) => ({
          type: 'AwsEc2Instance',
          id: `arn:aws:ec2:us-east-1:111122223333:instance/i-${i}`.padEnd(4_000, '0'),
        })),
      };
      expect(await store.put(big, undefined)).toBe(true);
      expect(await store.get(big.key)).toEqual(big);
    });

    it('lists a tombstone whose notification is still pending somewhere with the open records, until it is delivered', async () => {
      const notification = { kind: 'resolved' as const, id: 'n', rules: ['r'], to: [], destinations: ['slack'], at: T0 };
      const pending = recordFor('pending', { open: false, rules: {}, pending: { notification, remaining: ['slack'] } });
      await store.put(pending, undefined);
      await store.put(recordFor('plain-tombstone', { open: false, rules: {} }), undefined);

      expect((await collect(store.listOpen())).map((record) => record.key)).toEqual([pending.key]);

      const { pending: _done, ...delivered } = pending;
      await store.put({ ...delivered, version: 2 }, 1);
      expect(await collect(store.listOpen())).toEqual([]);
    });

    it('lists every record, tombstones included, and no cursor or document', async () => {
      const records = [recordFor('open-a'), recordFor('gone-b', { open: false, rules: {} }), recordFor('open-c')];
      await putAll(store, records);
      await store.setCursor('poll', T0);
      await store.putDocument('digest', { id: 'team@example.com', value: '{}', version: 1 }, undefined);

      const all = await collect(store.listAll());

      expect(all.map((record) => record.key).sort()).toEqual(records.map((record) => record.key).sort());
      expect(all.find((record) => record.key === records[1]!.key)?.open).toBe(false);
    });

    it('stores a document only if none exists, and updates it only from the version expected', async () => {
      const first: StoredDocument = { id: 'team@example.com', value: '{"period":"a"}', version: 1 };
      expect(await store.putDocument('digest', first, undefined)).toBe(true);
      expect(await store.putDocument('digest', { ...first, value: '{"period":"b"}' }, undefined)).toBe(false);
      expect(await store.putDocument('digest', { ...first, value: '{"period":"c"}', version: 3 }, 2)).toBe(false);
      expect(await store.putDocument('digest', { ...first, value: '{"period":"d"}', version: 2, expiresAt: LATER }, 1)).toBe(true);

      expect(await store.getDocument('digest', first.id)).toEqual({ id: first.id, value: '{"period":"d"}', version: 2, expiresAt: LATER });
      expect(await store.getDocument('digest', 'nobody@example.com')).toBeUndefined();
      expect(await store.getDocument('account', first.id)).toBeUndefined();
    });

    it('lets exactly one of 20 concurrent updates of a document from one version win', async () => {
      await store.putDocument('digest', { id: 'race', value: 'v1', version: 1 }, undefined);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.putDocument('digest', { id: 'race', value: `w${i}`, version: 2 }, 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lists the documents of one kind only, over many pages', async () => {
      const ids = Array.from({ length: 120 }, (_, i) => `account-${String(i).padStart(3, '0')}`);
      for (let i = 0; i < ids.length; i += 40)
        await Promise.all(ids.slice(i, i + 40).map((id) => store.putDocument('account', { id, value: id, version: 1 }, undefined)));
      await store.putDocument('digest', { id: 'account-000', value: 'other kind', version: 1 }, undefined);
      await store.put(recordFor('not-a-document'), undefined);

      const listed = await collect(store.listDocuments('account'));

      expect(listed.map((document) => document.id).sort()).toEqual(ids);
      expect(listed.every((document) => document.value === document.id)).toBe(true);
    });

    it('purges documents that expired before now and keeps the others', async () => {
      const now = new Date('2026-06-01T00:00:00.000Z');
      await store.putDocument('account', { id: 'stale', value: 's', version: 1, expiresAt: '2026-05-31T23:59:59.000Z' }, undefined);
      await store.putDocument('account', { id: 'fresh', value: 'f', version: 1, expiresAt: LATER }, undefined);
      await store.putDocument('account', { id: 'forever', value: 'k', version: 1 }, undefined);

      await store.purgeExpired(now);

      expect(await store.getDocument('account', 'stale')).toBeUndefined();
      expect((await collect(store.listDocuments('account'))).map((document) => document.id).sort()).toEqual(['forever', 'fresh']);
    });
  });
}
