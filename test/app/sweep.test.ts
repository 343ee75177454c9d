import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/core/errors.js';
import { parseSweepState } from '../../src/core/sweep/state.js';
import { CrashingStore, DAY, type Fate, population, sweepHarness, sweepPolicy } from '../support/sweep-harness.js';

const now = new Date();
const FATES: Fate[] = ['active', 'updated', 'archived', 'resolved', 'suppressed', 'passed', 'deleted'];
/** 420 tracked findings: 60 of each fate, interleaved. */
const mixed = Array.from({ length: 420 }, (_, i) => FATES[i % FATES.length]!);
const closedFates: Fate[] = ['archived', 'resolved', 'suppressed', 'passed', 'deleted'];

let harness: Awaited<ReturnType<typeof sweepHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function prepare(fates: Fate[], format: 'asff' | 'ocsf' = 'asff', resolvedEmails = false) {
  const world = population(fates, now, format);
  harness = await sweepHarness({ records: world.records, policy: sweepPolicy(resolvedEmails) });
  harness.fake.putAsff(world.asff);
  harness.fake.putOcsf(world.ocsf);
  return { ...harness, world };
}

describe('the sweep', () => {
  it.each(['lookup', 'scan'] as const)(
    'resolves exactly the findings Security Hub closed or deleted, keeps the active ones (%s)',
    async (strategy) => {
      const h = await prepare(mixed);

      const result = await h.sweep({ strategy }).sweep(now);

      const active = [...h.world.keysBy.active, ...h.world.keysBy.updated];
      expect(result).toMatchObject({ done: true, resumed: false });
      expect(await h.openKeys()).toEqual(new Set(active));
      for (const fate of closedFates) for (const key of h.world.keysBy[fate]) expect((await h.store.get(key))?.open).toBe(false);
      expect(result.totals).toMatchObject({ checked: 420, active: 120, closed: 240, missing: 60, deferred: 0, failed: 0 });
      expect(h.fake.rejected).toEqual([]);
      expect(result.calls).toBe(h.fake.totalCalls());
    },
  );

  it.each(['lookup', 'scan'] as const)('confirms OCSF findings through GetFindingsV2 (%s)', async (strategy) => {
    const fates: Fate[] = Array.from(
      { length: 450 },
      (_, i) => (['active', 'resolved', 'archived', 'deleted', 'updated'] as Fate[])[i % 5]!,
    );
    const h = await prepare(fates, 'ocsf');

    const result = await h.sweep({ strategy }).sweep(now);

    expect(await h.openKeys()).toEqual(new Set([...h.world.keysBy.active, ...h.world.keysBy.updated]));
    expect(result.totals).toMatchObject({ closed: 180, missing: 90 });
    expect(h.fake.calls.GetFindings).toBe(0);
    expect(h.fake.rejected).toEqual([]);
  });

  it('refreshes the stored snapshot of a finding that changed, without an email', async () => {
    const h = await prepare(['updated']);

    await h.sweep().sweep(now);

    const record = await h.store.get(h.world.keysBy.updated[0]!);
    expect(record?.snapshot.title).toBe('The same finding, seen again');
    expect(h.mailer.sent).toEqual([]);
  });

  it('sends one resolved email per closed finding when the rule asks, deleted ones included', async () => {
    const h = await prepare(['active', 'resolved', 'deleted', 'passed'], 'asff', true);

    await h.sweep().sweep(now);
    await h.sweep().sweep(new Date(now.getTime() + DAY));

    expect(h.mailer.kinds()).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('keeps a finding it cannot find when it was updated too recently to conclude', async () => {
    const world = population(['deleted', 'deleted'], now);
    world.records[0]!.updatedAt = new Date(now.getTime() - 60_000).toISOString();
    harness = await sweepHarness({ records: world.records });

    const result = await harness.sweep().sweep(now);

    expect(await harness.openKeys()).toEqual(new Set([world.records[0]!.key]));
    expect(result.totals).toMatchObject({ missing: 1, deferred: 1 });
  });

  it('chooses the cheaper strategy: a scan for many tracked findings, lookups for a few', async () => {
    const h = await prepare(Array.from({ length: 400 }, () => 'active' as Fate));
    expect((await h.sweep().sweep(now)).groups[0]).toMatchObject({ strategy: 'scan', estimates: { lookup: 20, scan: 6 } });
    await h.close();

    harness = await sweepHarness({ records: population(['active', 'active'], now).records });
    expect((await harness.sweep().sweep(now)).groups[0]).toMatchObject({ strategy: 'lookup', estimates: { lookup: 1, scan: 2 } });
  });

  it.each(['lookup', 'scan'] as const)(
    'stops when told, leaves its cursor, and the next invocation finishes the run (%s)',
    async (strategy) => {
      const h = await prepare(mixed);

      const first = await h.sweep({ strategy, shouldStop: () => h.source.calls >= 5 }).sweep(now);
      const left = parseSweepState(await h.store.getCursor('sweep')).state.run;
      const second = await h.sweep({ strategy }).sweep(now);

      expect(first.done).toBe(false);
      expect(left?.totals.checked).toBeGreaterThan(0);
      expect(second).toMatchObject({ done: true, resumed: true });
      expect(second.totals.invocations).toBe(2);
      expect(parseSweepState(await h.store.getCursor('sweep')).state.run).toBeUndefined();
      expect(await h.openKeys()).toEqual(new Set([...h.world.keysBy.active, ...h.world.keysBy.updated]));
    },
  );

  it.each(['lookup', 'scan'] as const)('loses nothing and sends nothing twice when the process dies mid-run (%s)', async (strategy) => {
    const h = await prepare(mixed, 'asff', true);
    const dying = new CrashingStore(h.store, 6);

    await expect(h.sweep({ strategy, store: dying }).sweep(now)).rejects.toThrow('the process died');
    const resumed = await h.sweep({ strategy }).sweep(now);

    expect(resumed).toMatchObject({ done: true, resumed: true });
    expect(await h.openKeys()).toEqual(new Set([...h.world.keysBy.active, ...h.world.keysBy.updated]));
    const ids = h.mailer.sent.map((email) => email.headers['X-Sechub-Finding-Id']);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(h.mailer.kinds()).toHaveLength(300);
  });

  it('fails with the store error when the store breaks mid-batch, and the next run finishes the work', async () => {
    const h = await prepare(mixed);
    let writes = 0;
    const put = h.store.put.bind(h.store);
    h.store.put = async (record, expected) => {
      if (++writes === 30) throw new StoreError('state database: disk I/O error');
      return put(record, expected);
    };

    await expect(h.sweep({ strategy: 'lookup' }).sweep(now)).rejects.toThrow(StoreError);
    h.store.put = put;
    const resumed = await h.sweep({ strategy: 'lookup' }).sweep(now);

    expect(resumed).toMatchObject({ done: true, resumed: true });
    expect(await h.openKeys()).toEqual(new Set([...h.world.keysBy.active, ...h.world.keysBy.updated]));
  });

  it('rides out throttling, server errors and dropped connections', async () => {
    const h = await prepare(mixed);
    h.fake.injectEvery('throttle', 3);
    h.fake.inject('internal', 2);
    h.fake.inject('reset', 1);

    const result = await h.sweep({ strategy: 'scan' }).sweep(now);

    expect(result.done).toBe(true);
    expect(await h.openKeys()).toEqual(new Set([...h.world.keysBy.active, ...h.world.keysBy.updated]));
    expect(result.calls).toBe(h.fake.totalCalls());
    expect(h.source.throttled).toBeGreaterThan(0);
  });

  it('starts a new sweep only when the last one completed long enough ago', async () => {
    const h = await prepare(['active']);
    await h.sweep({ everyMs: 20 * 3_600_000 }).sweep(now);

    const soon = await h.sweep({ everyMs: 20 * 3_600_000 }).sweep(new Date(now.getTime() + 3_600_000));
    const later = await h.sweep({ everyMs: 20 * 3_600_000 }).sweep(new Date(now.getTime() + DAY));

    expect(soon).toMatchObject({ skipped: true, calls: 0 });
    expect(later).toMatchObject({ skipped: false, done: true });
  });
});

describe('the sweep over both formats', () => {
  it('confirms ASFF findings through GetFindings and OCSF ones through GetFindingsV2 in one run, across a crash', async () => {
    const fates: Fate[] = Array.from({ length: 200 }, (_, i) => (['active', 'resolved', 'deleted', 'archived'] as Fate[])[i % 4]!);
    const asffWorld = population(fates, now, 'asff');
    const ocsfWorld = population(fates, now, 'ocsf', 1_000);
    harness = await sweepHarness({ records: [...asffWorld.records, ...ocsfWorld.records] });
    harness.fake.putAsff(asffWorld.asff);
    harness.fake.putOcsf(ocsfWorld.ocsf);

    await expect(harness.sweep({ store: new CrashingStore(harness.store, 9) }).sweep(now)).rejects.toThrow('the process died');
    const result = await harness.sweep().sweep(now);

    expect(result.groups.map((g) => g.api)).toEqual(['asff', 'ocsf']);
    expect(await harness.openKeys()).toEqual(new Set([...asffWorld.keysBy.active, ...ocsfWorld.keysBy.active]));
    expect(harness.fake.calls.GetFindings).toBeGreaterThan(0);
    expect(harness.fake.calls.GetFindingsV2).toBeGreaterThan(0);
  });

  it('confirms every finding through the API asked for, whatever format it arrived in', async () => {
    const world = population(['active', 'resolved', 'deleted'], now, 'asff');
    const twins = population(['active', 'resolved', 'deleted'], now, 'ocsf');
    harness = await sweepHarness({ records: world.records });
    harness.fake.putOcsf(twins.ocsf);

    await harness.sweep({ api: 'ocsf' }).sweep(now);

    expect(harness.fake.calls).toMatchObject({ GetFindings: 0 });
    expect(await harness.openKeys()).toEqual(new Set(world.keysBy.active));
  });

  it('scans again from the start, once, when the saved page token has expired', async () => {
    const world = population(mixed, now);
    harness = await sweepHarness({ records: world.records });
    harness.fake.putAsff(world.asff);
    const problems: string[] = [];
    await harness.sweep({ strategy: 'scan', shouldStop: () => harness!.source.calls >= 2 }).sweep(now);
    const saved = JSON.parse((await harness.store.getCursor('sweep'))!);
    saved.run.nextToken = 'expired-token';
    await harness.store.setCursor('sweep', JSON.stringify(saved));

    const result = await harness.sweep({ strategy: 'scan', onProblem: (p) => problems.push(p) }).sweep(now);

    expect(result.done).toBe(true);
    expect(problems).toEqual([expect.stringMatching(/scanning from the start/)]);
    expect(await harness.openKeys()).toEqual(new Set([...world.keysBy.active, ...world.keysBy.updated]));
  });

  it('starts afresh, saying why, when its cursor is unreadable', async () => {
    const world = population(['active', 'deleted'], now);
    harness = await sweepHarness({ records: world.records });
    harness.fake.putAsff(world.asff);
    await harness.store.setCursor('sweep', '{"run": 42');
    const problems: string[] = [];

    const result = await harness.sweep({ onProblem: (p) => problems.push(p) }).sweep(now);

    expect(result).toMatchObject({ done: true, resumed: false });
    expect(problems).toEqual([expect.stringMatching(/sweep cursor is not JSON/)]);
    expect(await harness.openKeys()).toEqual(new Set(world.keysBy.active));
  });
});
