import { afterEach, describe, expect, it } from 'vitest';
import { previewDigests } from '../../src/app/digest.js';
import { DIGEST_KIND, DIGEST_RUN_KIND, pairStateOf } from '../../src/core/digest/state.js';
import type { Email, Mailer, StateStore } from '../../src/core/ports.js';
import type { TrackedRecord } from '../../src/core/record.js';
import { collectedRecord } from '../builders/records.js';
import { digestHarness, digestRule } from '../support/digest-harness.js';

const DAY = 86_400_000;
const MOMENT = '2026-01-12T08:00:00.000Z';
const IN_PERIOD = '2026-01-11T20:00:00.000Z';
const BEFORE = '2026-01-05T00:00:00.000Z';

let harness: ReturnType<typeof digestHarness> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A record of `rule` collected at `since`; `resolvedAt` makes it a tombstone. */
const held = (id: string, since: string, rule = 'daily', extra: { resolvedAt?: string; account?: string } = {}): TrackedRecord =>
  collectedRecord({ id, title: id, collected: { [rule]: { since } }, ...extra });

/** A store that counts how often the records are read. */
function countingReads(store: StateStore): { store: StateStore; reads: () => number } {
  let reads = 0;
  const counted = Object.create(store) as StateStore;
  counted.listAll = () => {
    reads++;
    return store.listAll();
  };
  counted.listOpen = () => {
    reads++;
    return store.listOpen();
  };
  return { store: counted, reads: () => reads };
}

describe('sending the digests that are due', () => {
  it('sends each recipient one digest with what is new, fixed and still open', async () => {
    // prepare
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD), held('old', BEFORE), held('fixed', BEFORE, 'daily', { resolvedAt: IN_PERIOD })]);
    // act
    const counts = await harness.run('2026-01-12T08:30:00Z');
    // assess
    expect(counts).toEqual({ sent: 1, failed: 0, skippedEmpty: 0, inFlight: 0, alreadySent: 0 });
    const [email] = harness.mailer.sent;
    expect(email?.to).toEqual(['team@example.com']);
    expect(email?.subject).toBe('Security Hub digest: 1 new, 1 fixed, 2 open (Mon 12 Jan)');
    expect(email?.headers).toMatchObject({
      'X-Sechub-Notification': 'digest',
      'X-Sechub-Digest-Period': '2026-01-11T08:00:00.000Z',
      'X-Sechub-Digest-New': '1',
      'X-Sechub-Digest-Fixed': '1',
      'X-Sechub-Digest-Open': '2',
    });
    const state = pairStateOf(await harness.store.getDocument(DIGEST_KIND, '1d@08:00@UTC|team@example.com'));
    expect(state).toEqual({ sent: MOMENT, rules: ['daily'] });
  });

  it('sends nothing more in the same period, and reads no record once the period is settled', async () => {
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD)]);
    await harness.run('2026-01-12T08:30:00Z');
    const { store, reads } = countingReads(harness.store);
    // act: the hourly job runs again until the next moment
    for (let hour = 9; hour < 32; hour++) await harness.run(new Date(Date.parse(MOMENT) + (hour - 8) * 3_600_000).toISOString(), { store });
    // assess
    expect(harness.mailer.sent).toHaveLength(1);
    expect(reads()).toBe(0);
    await harness.run('2026-01-13T08:00:00Z', { store });
    expect(harness.mailer.sent).toHaveLength(2);
    expect(reads()).toBe(1);
  });

  it('reads no record and sends nothing when there are no digest rules', async () => {
    harness = digestHarness([]);
    await harness.seed([held('new', IN_PERIOD)]);
    const { store, reads } = countingReads(harness.store);
    expect(await harness.run('2026-01-12T08:30:00Z', { store })).toMatchObject({ sent: 0 });
    expect(reads()).toBe(0);
  });

  it('sends no empty digest, but sends one when the rule asks for it', async () => {
    // prepare: nothing collected at all
    harness = digestHarness([
      digestRule('quiet', { to: ['quiet@example.com'] }),
      digestRule('say-so', { sendEmpty: true, to: ['calm@example.com'] }),
    ]);
    // act
    const counts = await harness.run('2026-01-12T08:30:00Z');
    // assess
    expect(counts).toMatchObject({ sent: 1, skippedEmpty: 0 });
    expect(harness.mailer.sent.map((email) => [email.to[0], email.subject])).toEqual([
      ['calm@example.com', 'Security Hub digest: 0 new, 0 fixed, 0 open (Mon 12 Jan)'],
    ]);
  });

  it('skips a recipient whose digest would be empty, and counts it', async () => {
    harness = digestHarness([digestRule('daily', { to: ['team@example.com'] })]);
    // A tombstone resolved before the period: its rule names the recipient, but the digest has nothing to say.
    await harness.seed([held('long-fixed', BEFORE, 'daily', { resolvedAt: '2026-01-06T00:00:00.000Z' })]);
    expect(await harness.run('2026-01-12T08:30:00Z')).toMatchObject({ sent: 0, skippedEmpty: 1 });
    expect(harness.mailer.sent).toHaveLength(0);
  });

  it('merges several rules of one schedule into one email per recipient, each finding once', async () => {
    harness = digestHarness([digestRule('high'), digestRule('guardduty')]);
    await harness.seed([
      collectedRecord({ id: 'both', collected: { high: { since: IN_PERIOD }, guardduty: { since: IN_PERIOD } } }),
      held('one', IN_PERIOD, 'guardduty'),
    ]);
    await harness.run('2026-01-12T08:30:00Z');
    expect(harness.mailer.sent).toHaveLength(1);
    expect(harness.mailer.sent[0]?.headers).toMatchObject({ 'X-Sechub-Digest-New': '2', 'X-Sechub-Digest-Open': '2' });
    expect(harness.mailer.sent[0]?.text.match(/^- \[/gm)).toHaveLength(4);
  });

  it('covers a missed period with one digest spanning the gap', async () => {
    // prepare: a digest went out on the 9th; the job did not run on the 10th and 11th
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('tenth', '2026-01-10T12:00:00.000Z'), held('eleventh', '2026-01-11T12:00:00.000Z')]);
    await harness.run('2026-01-09T08:00:00Z');
    harness.mailer.sent.length = 0;
    // act
    await harness.run('2026-01-12T09:00:00Z');
    // assess
    expect(harness.mailer.sent).toHaveLength(1);
    expect(harness.mailer.sent[0]?.headers).toMatchObject({
      'X-Sechub-Digest-Period': '2026-01-09T08:00:00.000Z',
      'X-Sechub-Digest-New': '2',
    });
  });

  it('sends a weekly digest on its weekday only', async () => {
    // prepare: weekly on Wednesdays at 08:00 UTC, the job every day at 09:00 for two weeks from Monday 12 January
    harness = digestHarness([digestRule('weekly', { schedule: { every: '1w', at: '08:00', timeZone: 'UTC', weekday: 'wednesday' } })]);
    await harness.seed([held('open', BEFORE, 'weekly')]);
    await harness.run('2026-01-12T09:00:00Z');
    const sentOn: string[] = [];
    // act
    for (let day = 1; day < 15; day++) {
      const now = new Date(Date.parse('2026-01-12T09:00:00Z') + day * DAY);
      const before = harness.mailer.sent.length;
      await harness.run(now.toISOString());
      if (harness.mailer.sent.length > before) sentOn.push(now.toUTCString().slice(0, 3));
    }
    // assess: the first run caught up with Wednesday the 7th; then Wednesdays only, each a week long
    expect(sentOn).toEqual(['Wed', 'Wed']);
    expect(harness.mailer.sent.map((email) => email.headers['X-Sechub-Digest-Period'])).toEqual([
      '2025-12-31T08:00:00.000Z',
      '2026-01-07T08:00:00.000Z',
      '2026-01-14T08:00:00.000Z',
    ]);
    expect(harness.mailer.sent.map((email) => / \((.*)\)$/.exec(email.subject)?.[1])).toEqual(['Wed 7 Jan', 'Wed 14 Jan', 'Wed 21 Jan']);
  });

  it.each([
    [
      'spring forward',
      '2026-03-27T00:00:00Z',
      ['2026-03-27T07:00:00.000Z', '2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z'],
    ],
    [
      'fall back',
      '2026-10-23T00:00:00Z',
      ['2026-10-23T06:00:00.000Z', '2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z'],
    ],
  ])('sends one digest a day at 08:00 Madrid across the %s, run hourly', async (_change, from, sentAt) => {
    // prepare
    harness = digestHarness([digestRule('madrid', { schedule: { every: '1d', at: '08:00', timeZone: 'Europe/Madrid' } })]);
    await harness.seed([held('open', '2026-01-01T00:00:00.000Z', 'madrid')]);
    await harness.run(from);
    harness.mailer.sent.length = 0;
    const moments: string[] = [];
    // act: every hour for four days
    for (let hour = 1; hour <= 4 * 24; hour++) {
      const now = new Date(Date.parse(from) + hour * 3_600_000);
      const before = harness.mailer.sent.length;
      await harness.run(now.toISOString());
      if (harness.mailer.sent.length > before) moments.push(now.toISOString());
    }
    // assess: each sent in the hour of its moment, which the email's id names
    expect(moments).toEqual(sentAt);
    expect(harness.mailer.sent.map((email) => email.id.split('|').at(-1))).toEqual(sentAt);
  });

  it('releases a digest whose send failed, so the next run sends it', async () => {
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD)]);
    harness.mailer.failNext(1);
    const problems: string[] = [];
    // act
    const first = await harness.run('2026-01-12T08:30:00Z', { onProblem: (message) => problems.push(message) });
    const state = pairStateOf(await harness.store.getDocument(DIGEST_KIND, '1d@08:00@UTC|team@example.com'));
    const second = await harness.run('2026-01-12T09:30:00Z');
    // assess
    expect(first).toMatchObject({ sent: 0, failed: 1 });
    expect(problems).toEqual([expect.stringContaining('sending failed: connection refused')]);
    expect(state).toEqual({});
    expect(await harness.store.getDocument(DIGEST_RUN_KIND, '1d@08:00@UTC')).toBeDefined();
    expect(second).toMatchObject({ sent: 1, failed: 0 });
    expect(harness.mailer.sent.map((email) => email.headers['X-Sechub-Digest-Period'])).toEqual(['2026-01-11T08:00:00.000Z']);
  });

  it('builds and counts but neither sends nor writes in a dry run', async () => {
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD)]);
    expect(await harness.run('2026-01-12T08:30:00Z', { dryRun: true })).toMatchObject({ sent: 1 });
    expect(harness.mailer.sent).toHaveLength(0);
    expect(await harness.store.getDocument(DIGEST_KIND, '1d@08:00@UTC|team@example.com')).toBeUndefined();
    expect(await harness.store.getDocument(DIGEST_RUN_KIND, '1d@08:00@UTC')).toBeUndefined();
  });
});

describe('exactly once per period', () => {
  /** A mailer whose sends never return, like a process killed while sending. */
  class StuckMailer implements Mailer {
    readonly started: Email[] = [];
    send(email: Email): Promise<{ messageId: string }> {
      this.started.push(email);
      return new Promise(() => {});
    }
    async close(): Promise<void> {}
  }

  it('holds off other workers while a sender is stuck, and after its claim’s lease one of them sends, once', async () => {
    // prepare
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD)]);
    const stuck = new StuckMailer();
    void harness.run('2026-01-12T08:30:00Z', { mailer: stuck, store: harness.connection(), claimMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stuck.started).toHaveLength(1);
    // act: a run within the lease, then one after it
    const within = await harness.run('2026-01-12T08:31:00Z', { store: harness.connection(), claimMs: 120_000 });
    harness.clock.advance(121_000);
    const after = await harness.run('2026-01-12T08:33:00Z', { store: harness.connection(), claimMs: 120_000 });
    const again = await harness.run('2026-01-12T08:34:00Z', { store: harness.connection(), claimMs: 120_000 });
    // assess
    expect(within).toMatchObject({ sent: 0, inFlight: 1 });
    expect(after).toMatchObject({ sent: 1, inFlight: 0 });
    expect(again).toMatchObject({ sent: 0 });
    expect(harness.mailer.sent).toHaveLength(1);
    expect(harness.mailer.sent[0]?.id).toBe(stuck.started[0]?.id);
  });

  it('settles the schedule once the workers it waited for have sent', async () => {
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD)]);
    const stuck = new StuckMailer();
    void harness.run('2026-01-12T08:30:00Z', { mailer: stuck, store: harness.connection() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await harness.run('2026-01-12T08:31:00Z');
    expect(await harness.store.getDocument(DIGEST_RUN_KIND, '1d@08:00@UTC')).toBeUndefined();
  });

  it('keeps digest documents through purgeExpired for 400 days after the moment they record', async () => {
    // prepare
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD)]);
    await harness.run('2026-01-12T08:30:00Z');
    const ids = async () => {
      const pairs = [];
      for await (const document of harness!.store.listDocuments(DIGEST_KIND)) pairs.push(document.id);
      for await (const document of harness!.store.listDocuments(DIGEST_RUN_KIND)) pairs.push(document.id);
      return pairs;
    };
    // act / assess: a purge a day later, 399 days later, then 401 days later
    await harness.store.purgeExpired(new Date(Date.parse(MOMENT) + DAY));
    await harness.store.purgeExpired(new Date(Date.parse(MOMENT) + 399 * DAY));
    expect(await ids()).toEqual(['1d@08:00@UTC|team@example.com', '1d@08:00@UTC']);
    await harness.store.purgeExpired(new Date(Date.parse(MOMENT) + 401 * DAY));
    expect(await ids()).toEqual([]);
  });
});

describe('previewing digests', () => {
  it('builds the latest moment’s digests whether or not they were sent, over the period since the last one', async () => {
    harness = digestHarness([digestRule('daily')]);
    await harness.seed([held('new', IN_PERIOD)]);
    await harness.run('2026-01-12T08:30:00Z');
    const deps = harness.deps();
    const [digest] = await previewDigests(deps, new Date('2026-01-12T09:00:00Z'));
    expect(digest?.recipient).toBe('team@example.com');
    expect(digest?.new.total).toBe(1);
    expect(harness.mailer.sent).toHaveLength(1);
  });
});
