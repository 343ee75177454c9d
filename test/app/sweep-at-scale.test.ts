import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CLOSED_FATES, CrashingStore, fateAtScale, population, sweepHarness } from '../support/sweep-harness.js';

const TRACKED = 100_000;

describe('the sweep at scale', () => {
  const now = new Date();
  let harness: Awaited<ReturnType<typeof sweepHarness>> | undefined;
  afterAll(() => harness?.close());

  it('resolves exactly the 35,000 closed or deleted findings of 100,000, keeps every active one, within the limits, through throttling and a crash', {
    timeout: 300_000,
  }, async () => {
    // Prepare: the store tracks 100,000 open findings; Security Hub now holds 65,000 active, 30,000 closed, and lost 5,000.
    const world = population(
      Array.from({ length: TRACKED }, (_, i) => fateAtScale(i)),
      now,
    );
    harness = await sweepHarness({ records: world.records });
    const h = harness;
    h.fake.putAsff(world.asff);
    h.fake.injectEvery('throttle', 25);

    // Act: the first invocation dies halfway; the next one continues from the cursor.
    const dying = new CrashingStore(h.store, 1200);
    await expect(h.sweep({ store: dying }).sweep(now)).rejects.toThrow('the process died');
    const callsBefore = h.fake.totalCalls();
    const result = await h.sweep().sweep(now);

    // Assess
    const closedKeys = new Set([...CLOSED_FATES.flatMap((f) => world.keysBy[f]), ...world.keysBy.deleted]);
    const db = new Database(h.statePath, { readonly: true });
    const tombstones = new Set(
      db
        .prepare<[], { key: string }>('SELECT key FROM findings WHERE open = 0')
        .all()
        .map((row) => row.key),
    );
    db.close();
    expect(result).toMatchObject({ done: true, resumed: true });
    expect(await h.openKeys()).toEqual(new Set(world.keysBy.active));
    expect(tombstones).toEqual(closedKeys);
    expect(closedKeys.size).toBe(35_000);
    expect(h.fake.rejected).toEqual([]);
    expect(h.source.throttled).toBeGreaterThan(0);
    expect(result.calls).toBe(h.fake.totalCalls() - callsBefore);
    expect(result.totals.calls).toBeGreaterThan(result.calls);
    expect(result.totals.calls).toBeLessThanOrEqual(h.fake.totalCalls());
    // Looking each finding up would take 5,000 calls; the scan of the active ones plus lookups of the rest take far fewer.
    expect(result.groups).toEqual([expect.objectContaining({ strategy: 'scan', tracked: TRACKED })]);
    expect(h.fake.totalCalls()).toBeLessThan(5_000);
  });
});
