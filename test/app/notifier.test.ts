import { afterEach, describe, expect, it } from 'vitest';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { Notifier } from '../../src/app/notifier.js';
import { DEFAULT_POLICY, validatePolicy } from '../../src/core/policy.js';
import { asff, normalized } from '../builders/asff.js';
import { notifierHarness } from '../support/notifier-harness.js';

const DAY = 86_400_000;
const T0 = '2026-01-10T10:00:00.000Z';
const plus = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

let harness: ReturnType<typeof notifierHarness>;
afterEach(() => harness?.close());

function policy(notify: Record<string, unknown>, extraRules: unknown[] = []) {
  return validatePolicy({
    sender: 'alerts@example.com',
    rules: [
      { name: 'high', match: { severities: ['HIGH', 'CRITICAL'] }, notify: { to: ['secops@example.com'], ...notify } },
      ...extraRules,
    ],
  });
}

describe('de-duplication and reminders', () => {
  it('sends one email when the same finding arrives 50 times', async () => {
    harness = notifierHarness();
    const finding = normalized(asff({ updatedAt: T0 }));
    for (let i = 0; i < 50; i++) await harness.at(plus(i * 60_000), finding);
    expect(harness.mailer.sent).toHaveLength(1);
    expect(harness.counts).toMatchObject({ notified: 1, suppressed: 49, emails: 1 });
    expect(harness.mailer.sent[0]?.headers).toMatchObject({
      'X-Sechub-Finding-Id': finding.id,
      'X-Sechub-Notification': 'new',
      'X-Sechub-Account': '111122223333',
    });
  });

  it('sends a reminder exactly when `every` has passed, and not a minute before', async () => {
    harness = notifierHarness(policy({ every: '15d' }));
    const finding = normalized(asff({ updatedAt: T0 }));
    await harness.at(T0, finding);
    await harness.at(plus(15 * DAY - 60_000), finding);
    expect(harness.mailer.kinds()).toEqual(['new']);
    await harness.at(plus(15 * DAY), finding);
    expect(harness.mailer.kinds()).toEqual(['new', 'reminder']);
    await harness.at(plus(15 * DAY + 60_000), finding);
    await harness.at(plus(30 * DAY - 60_000), finding);
    expect(harness.mailer.kinds()).toEqual(['new', 'reminder']);
    await harness.at(plus(30 * DAY), finding);
    expect(harness.mailer.kinds()).toEqual(['new', 'reminder', 'reminder']);
  });

  it('sends no reminders when every is never', async () => {
    harness = notifierHarness(policy({ every: 'never' }));
    const finding = normalized(asff({ updatedAt: T0 }));
    await harness.at(T0, finding);
    await harness.at(plus(400 * DAY), finding);
    expect(harness.mailer.kinds()).toEqual(['new']);
  });

  it('delays the first email until the finding has been open for `after`, measured from first observed', async () => {
    harness = notifierHarness(policy({ after: '2d' }));
    const finding = normalized(asff({ firstObservedAt: T0, updatedAt: T0 }));
    await harness.at(T0, finding);
    await harness.at(plus(2 * DAY - 60_000), finding);
    expect(harness.mailer.sent).toHaveLength(0);
    expect(harness.counts.suppressed).toBe(2);
    await harness.tick(new Date(plus(2 * DAY)));
    expect(harness.mailer.kinds()).toEqual(['new']);
  });

  it('sends one email to the union of recipients of every rule due at once', async () => {
    harness = notifierHarness(
      policy({}, [{ name: 'guardduty', match: { products: ['guardduty'] }, notify: { to: ['secops@example.com', 'cloud@example.com'] } }]),
    );
    await harness.at(T0, normalized(asff({ updatedAt: T0 })));
    expect(harness.mailer.sent).toHaveLength(1);
    expect(harness.mailer.sent[0]?.to).toEqual(['secops@example.com', 'cloud@example.com']);
  });

  it('calls an email new when any due rule has never notified the finding', async () => {
    harness = notifierHarness(policy({ every: '1d' }, [{ name: 'late', notify: { to: ['boss@example.com'], after: '3d' } }]));
    const finding = normalized(asff({ firstObservedAt: T0, updatedAt: T0 }));
    await harness.at(T0, finding);
    await harness.at(plus(1 * DAY), finding);
    await harness.at(plus(3 * DAY), finding);
    expect(harness.mailer.kinds()).toEqual(['new', 'reminder', 'new']);
    expect(harness.mailer.sent[2]?.to).toEqual(['secops@example.com', 'boss@example.com']);
  });

  it('ignores findings that match no rule and does not store them', async () => {
    harness = notifierHarness();
    await harness.at(T0, normalized(asff({ severity: 'LOW' })));
    expect(harness.counts.ignored).toBe(1);
    const stored = [];
    for await (const record of harness.store.listOpen()) stored.push(record);
    expect(stored).toHaveLength(0);
  });
});

describe('resolution', () => {
  it('close → resolve → reopen → a new email', async () => {
    harness = notifierHarness();
    await harness.at(T0, normalized(asff({ updatedAt: T0 })));
    await harness.at(plus(DAY), normalized(asff({ updatedAt: plus(DAY), workflow: 'RESOLVED' })));
    expect(harness.counts.resolved).toBe(1);
    await harness.at(plus(2 * DAY), normalized(asff({ updatedAt: plus(2 * DAY) })));
    expect(harness.mailer.kinds()).toEqual(['new', 'new']);
  });

  it('sends a resolved email only where a rule asked for it', async () => {
    harness = notifierHarness(policy({ resolved: true }, [{ name: 'quiet', notify: { to: ['quiet@example.com'] } }]));
    await harness.at(T0, normalized(asff({ updatedAt: T0 })));
    await harness.at(plus(DAY), normalized(asff({ updatedAt: plus(DAY), recordState: 'ARCHIVED' })));
    expect(harness.mailer.kinds()).toEqual(['new', 'resolved']);
    expect(harness.mailer.sent[1]?.to).toEqual(['secops@example.com']);
  });

  it('a stale event older than the stored state changes nothing', async () => {
    harness = notifierHarness();
    await harness.at(T0, normalized(asff({ updatedAt: T0 })));
    await harness.at(plus(DAY), normalized(asff({ updatedAt: plus(DAY), workflow: 'RESOLVED' })));
    // An older, still-open event delivered late must not reopen the finding.
    await harness.at(plus(DAY + 1), normalized(asff({ updatedAt: plus(DAY / 2) })));
    expect(harness.mailer.kinds()).toEqual(['new']);
    // And an older closing event must not close a finding that reopened since.
    await harness.at(plus(3 * DAY), normalized(asff({ updatedAt: plus(3 * DAY) })));
    await harness.at(plus(3 * DAY + 1), normalized(asff({ updatedAt: plus(2 * DAY), workflow: 'RESOLVED' })));
    expect(harness.counts.resolved).toBe(1);
    expect((await harness.store.get(normalized(asff()).key))?.open).toBe(true);
  });

  it('ignores a closed finding that was never tracked', async () => {
    harness = notifierHarness();
    await harness.at(T0, normalized(asff({ workflow: 'RESOLVED' })));
    expect(harness.counts).toMatchObject({ ignored: 1, resolved: 0 });
  });
});

describe('failed sends', () => {
  it('records nothing when the send fails, and the next run sends it', async () => {
    harness = notifierHarness();
    const finding = normalized(asff({ updatedAt: T0 }));
    harness.mailer.failNext(1);
    await harness.at(T0, finding);
    expect(harness.counts.failed).toBe(1);
    expect(harness.mailer.sent).toHaveLength(0);
    await harness.at(plus(60_000), finding);
    expect(harness.mailer.kinds()).toEqual(['new']);
  });

  it('a reminder that failed is sent by the next tick', async () => {
    harness = notifierHarness();
    const finding = normalized(asff({ updatedAt: T0 }));
    await harness.at(T0, finding);
    harness.mailer.failNext(1);
    await harness.tick(new Date(plus(15 * DAY)));
    expect(harness.mailer.kinds()).toEqual(['new']);
    await harness.tick(new Date(plus(15 * DAY + 3_600_000)));
    expect(harness.mailer.kinds()).toEqual(['new', 'reminder']);
  });
});

describe('tick', () => {
  it('sends due reminders with no new events, and none for findings that closed meanwhile', async () => {
    harness = notifierHarness();
    const stays = normalized(asff({ id: 'stays', updatedAt: T0 }));
    const closes = normalized(asff({ id: 'closes', updatedAt: T0 }));
    await harness.at(T0, stays);
    await harness.at(T0, closes);
    await harness.at(plus(DAY), normalized(asff({ id: 'closes', updatedAt: plus(DAY), workflow: 'RESOLVED' })));
    const counts = await harness.tick(new Date(plus(15 * DAY)));
    expect(counts).toMatchObject({ read: 1, reminded: 1, emails: 1 });
    expect(harness.mailer.sent.at(-1)?.headers['X-Sechub-Finding-Id']).toBe('stays');
  });
});

describe('concurrent workers', () => {
  it('two workers that read the same state at the same moment send one email', async () => {
    harness = notifierHarness();
    const { store } = harness;
    // Both workers read "no record" before either writes: the conditional write must pick one winner.
    let waiting: (() => void)[] = [];
    const racingStore = Object.create(store) as typeof store;
    let reads = 0;
    racingStore.get = async (key) => {
      const record = await store.get(key);
      if (++reads <= 2) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) {
            for (const release of waiting) release();
            waiting = [];
          }
        });
      }
      return record;
    };
    const worker = () => new Notifier({ store: racingStore, mailer: harness.mailer, policy: DEFAULT_POLICY, runtime: systemRuntime });
    const finding = normalized(asff({ updatedAt: T0 }));
    const results = await Promise.all([worker().handle(finding, new Date(T0)), worker().handle(finding, new Date(T0))]);
    expect(harness.mailer.sent).toHaveLength(1);
    expect(results.map((r) => r.outcome).sort()).toEqual(['notified', 'suppressed']);
  });
});
