import { afterEach, describe, expect, it } from 'vitest';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { adoptBacklog } from '../../src/app/baseline.js';
import { emptyCounts } from '../../src/app/counts.js';
import { Notifier } from '../../src/app/notifier.js';
import { tick } from '../../src/app/tick.js';
import { asff, normalized } from '../builders/asff.js';
import { DAY, sweepHarness } from '../support/sweep-harness.js';

/**
 * The use case "adopt the backlog" against the fake Security Hub and a real
 * SQLite store: what is open in scope is recorded as notified at the
 * baseline time and nothing is sent; a run that stops or fails part-way
 * continues from the page it reached.
 */

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const id = (n: number) => `arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d/finding/backlog-${String(n).padStart(3, '0')}`;

/** 120 open HIGH findings (two pages of at most 100), one LOW and one resolved: 120 in scope. */
const BACKLOG = [
  ...Array.from({ length: 120 }, (_, n) => asff({ id: id(n), updatedAt: '2026-02-20T08:00:00.000Z' })),
  asff({ id: id(900), severity: 'LOW', updatedAt: '2026-02-20T08:00:00.000Z' }),
  asff({ id: id(901), workflow: 'RESOLVED', updatedAt: '2026-02-20T08:00:00.000Z' }),
];

let harness: Awaited<ReturnType<typeof sweepHarness>> | undefined;
afterEach(() => harness?.close());

async function prepare() {
  harness = await sweepHarness();
  harness.fake.putAsff(structuredClone(BACKLOG));
  const { store, mailer, policy, source } = harness;
  const baselineNotifier = new Notifier({ store, mailer, policy, runtime: systemRuntime, baseline: true });
  const adopt = (shouldStop?: () => boolean) => {
    const counts = emptyCounts();
    const deps = { notifier: baselineNotifier, source, cursors: store, policy, ...(shouldStop ? { shouldStop } : {}) };
    return { counts, run: adoptBacklog(deps, T0, counts, ['asff']) };
  };
  return { ...harness, adopt };
}

describe('adopting the backlog', () => {
  it('records every active finding in scope as notified at the baseline time and sends nothing', async () => {
    const { adopt, mailer, openKeys } = await prepare();

    const { counts, run } = adopt();

    expect(await run).toEqual({ complete: true });
    expect(counts).toMatchObject({ read: 120, adopted: 120, notified: 0, emails: 0 });
    expect(mailer.sent).toHaveLength(0);
    expect((await openKeys()).size).toBe(120);
  });

  it('reminds adopted findings once `every` has passed since the baseline, and tells of a later finding as new', async () => {
    const { adopt, mailer, notifier, store } = await prepare();
    await adopt().run;

    await tick({ store, notifier }, at(15 * DAY - 60_000));
    const beforeDue = mailer.sent.length;
    await notifier.handle(normalized(asff({ id: id(500), updatedAt: '2026-03-03T08:00:00.000Z' })), at(DAY));
    await tick({ store, notifier }, at(15 * DAY));

    expect(beforeDue).toBe(0);
    expect(mailer.kinds().filter((kind) => kind === 'new')).toHaveLength(1);
    expect(mailer.kinds().filter((kind) => kind === 'reminder')).toHaveLength(120);
  });

  it('continues a stopped adoption from the page it reached, adopting each finding once', async () => {
    const { adopt, fake } = await prepare();
    let asked = 0;

    const first = adopt(() => asked++ >= 1);
    const firstResult = await first.run;
    const second = adopt();
    const secondResult = await second.run;

    expect(firstResult).toEqual({ complete: false });
    expect(first.counts).toMatchObject({ read: 100, adopted: 100 });
    expect(secondResult).toEqual({ complete: true });
    expect(second.counts).toMatchObject({ read: 20, adopted: 20 });
    expect(fake.calls.GetFindings).toBe(2);
  });

  it('fails when Security Hub fails part-way, keeps what it adopted, and the next run takes up the failed page', async () => {
    const { adopt } = await prepare();
    let asked = 0;

    const first = adopt(() => {
      if (asked++ === 1) harness!.fake.inject('internal', 8, 'GetFindings'); // more than the client's attempts
      return false;
    });
    const failure = await first.run.then(
      () => undefined,
      (error: unknown) => error,
    );
    const second = adopt();

    expect(failure).toBeInstanceOf(Error);
    expect(first.counts).toMatchObject({ adopted: 100 });
    expect(await second.run).toEqual({ complete: true });
    expect(second.counts).toMatchObject({ read: 20, adopted: 20 });
  });
});
