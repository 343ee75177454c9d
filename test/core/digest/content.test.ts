import { describe, expect, it } from 'vitest';
import { type Digest, DigestCollector, type DueSchedule, isEmptyDigest } from '../../../src/core/digest/content.js';
import type { AccountNameOf, DigestRule, RecipientsOf } from '../../../src/core/digest/rules.js';
import type { DigestSchedule } from '../../../src/core/digest/schedule.js';
import type { TrackedRecord } from '../../../src/core/record.js';
import { collectedRecord } from '../../builders/records.js';

const DAILY: DigestSchedule = { every: '1d', at: '08:00', timeZone: 'UTC' };
const WEEKLY: DigestSchedule = { every: '1w', at: '08:00', timeZone: 'UTC', weekday: 'monday' };
/** Monday 12 January 2026, 08:00 UTC; the first daily digest's period starts a day earlier. */
const MOMENT = new Date('2026-01-12T08:00:00.000Z');
const IN_PERIOD = '2026-01-11T20:00:00.000Z';
const BEFORE = '2026-01-05T00:00:00.000Z';

const rule = (name: string, overrides: Partial<DigestRule> = {}): DigestRule => ({
  name,
  schedule: DAILY,
  maxItems: 50,
  sendEmpty: false,
  to: ['team@example.com'],
  ...overrides,
});

interface Run {
  rules: DigestRule[];
  due?: Partial<DueSchedule>[];
  recipientsOf?: RecipientsOf;
  accountNameOf?: AccountNameOf;
}

/** The digests the collector builds from `records`, one pass. */
function digestsOf(records: TrackedRecord[], run: Run): Digest[] {
  const due = (run.due ?? [{}]).map((d) => ({ schedule: DAILY, moment: MOMENT, known: new Map(), ...d }));
  const collector = new DigestCollector(run.rules, due, run.recipientsOf ?? ((r) => r.to), run.accountNameOf ?? (() => undefined));
  for (const record of records) collector.add(record);
  return collector.finish();
}

function only(digests: Digest[]): Digest {
  expect(digests).toHaveLength(1);
  return digests[0]!;
}

const titles = (section: Digest['new']) => section.items.map((item) => item.title);

describe('a digest lists what is new', () => {
  it('lists a finding a due rule started collecting during the period, and counts it open too', () => {
    // prepare
    const records = [collectedRecord({ id: 'n', title: 'New one', collected: { daily: { since: IN_PERIOD } } })];
    // act
    const digest = only(digestsOf(records, { rules: [rule('daily')] }));
    // assess
    expect(digest.periodStart.toISOString()).toBe('2026-01-11T08:00:00.000Z');
    expect(titles(digest.new)).toEqual(['New one']);
    expect(digest.new.total).toBe(1);
    expect(digest.open.total).toBe(1);
    expect(digest.fixed.total).toBe(0);
  });

  it('takes the period as [start, moment): collected at the start is new, at the moment is not yet listed at all', () => {
    const records = [
      collectedRecord({ id: 'a', title: 'At the start', collected: { daily: { since: '2026-01-11T08:00:00.000Z' } } }),
      collectedRecord({ id: 'b', title: 'At the moment', collected: { daily: { since: MOMENT.toISOString() } } }),
      collectedRecord({ id: 'c', title: 'A minute before the start', collected: { daily: { since: '2026-01-11T07:59:00.000Z' } } }),
    ];
    const digest = only(digestsOf(records, { rules: [rule('daily')] }));
    expect(titles(digest.new)).toEqual(['At the start']);
    expect(digest.open.total).toBe(2);
  });

  it('does not call a finding a baseline adopted new, though it is still open', () => {
    const records = [collectedRecord({ id: 'a', collected: { daily: { since: IN_PERIOD, adopted: true } } })];
    const digest = only(digestsOf(records, { rules: [rule('daily')] }));
    expect(digest.new.total).toBe(0);
    expect(digest.open.total).toBe(1);
  });

  it('starts the period at the last digest sent to the recipient, so a missed period is covered', () => {
    // prepare: the last digest went out three days before the moment
    const known = new Map([['team@example.com', { lastSent: new Date('2026-01-09T08:00:00.000Z'), rules: ['daily'] }]]);
    const records = [collectedRecord({ id: 'a', title: 'Two days ago', collected: { daily: { since: '2026-01-10T09:00:00.000Z' } } })];
    // act
    const digest = only(digestsOf(records, { rules: [rule('daily')], due: [{ known }] }));
    // assess
    expect(digest.periodStart.toISOString()).toBe('2026-01-09T08:00:00.000Z');
    expect(titles(digest.new)).toEqual(['Two days ago']);
  });

  it('builds nothing for a recipient who already had this moment’s digest', () => {
    const known = new Map([['team@example.com', { lastSent: MOMENT, rules: ['daily'] }]]);
    const records = [collectedRecord({ id: 'a', collected: { daily: { since: IN_PERIOD } } })];
    expect(digestsOf(records, { rules: [rule('daily')], due: [{ known }] })).toEqual([]);
  });
});

describe('a digest lists what was fixed', () => {
  it('lists the tombstone of a finding a due rule collected, resolved during the period', () => {
    const records = [
      collectedRecord({ id: 'f', title: 'Fixed today', collected: { daily: { since: BEFORE } }, resolvedAt: IN_PERIOD }),
      collectedRecord({
        id: 'o',
        title: 'Fixed last week',
        collected: { daily: { since: BEFORE } },
        resolvedAt: '2026-01-06T00:00:00.000Z',
      }),
      collectedRecord({ id: 'x', title: 'Another rule’s', collected: { weekly: { since: BEFORE } }, resolvedAt: IN_PERIOD }),
      collectedRecord({ id: 'm', title: 'At the moment', collected: { daily: { since: BEFORE } }, resolvedAt: MOMENT.toISOString() }),
    ];
    const digest = only(digestsOf(records, { rules: [rule('daily'), rule('weekly', { schedule: WEEKLY })] }));
    expect(titles(digest.fixed)).toEqual(['Fixed today']);
    expect(digest.fixed.items[0]?.resolvedAt).toBe(IN_PERIOD);
    expect(digest.open.total).toBe(0);
  });
});

describe('a digest lists what is still open', () => {
  it('lists every open finding a due rule collects, most severe first, then oldest first', () => {
    // prepare
    const records = [
      collectedRecord({
        id: 'm-old',
        title: 'medium, old',
        severity: 'MEDIUM',
        firstObservedAt: '2025-06-01T00:00:00.000Z',
        collected: { daily: { since: BEFORE } },
      }),
      collectedRecord({
        id: 'c-new',
        title: 'critical, recent',
        severity: 'CRITICAL',
        firstObservedAt: '2026-01-10T00:00:00.000Z',
        collected: { daily: { since: BEFORE } },
      }),
      collectedRecord({
        id: 'c-old',
        title: 'critical, old',
        severity: 'CRITICAL',
        firstObservedAt: '2025-12-01T00:00:00.000Z',
        collected: { daily: { since: BEFORE } },
      }),
      collectedRecord({ id: 'h', title: 'high', severity: 'HIGH', collected: { daily: { since: BEFORE } } }),
      collectedRecord({ id: 'u', title: 'not collected', severity: 'CRITICAL', collected: {} }),
    ];
    // act
    const digest = only(digestsOf(records, { rules: [rule('daily')] }));
    // assess
    expect(titles(digest.open)).toEqual(['critical, old', 'critical, recent', 'high', 'medium, old']);
    expect(digest.new.total).toBe(0);
  });

  it('leaves out a finding snoozed past the moment, and lists it again once the snooze has ended', () => {
    const records = [
      collectedRecord({ id: 's', title: 'snoozed', collected: { daily: { since: IN_PERIOD } }, snoozedUntil: '2026-02-01T00:00:00.000Z' }),
      collectedRecord({ id: 'e', title: 'snooze over', collected: { daily: { since: BEFORE } }, snoozedUntil: '2026-01-12T07:00:00.000Z' }),
    ];
    const digest = only(digestsOf(records, { rules: [rule('daily')] }));
    expect(titles(digest.open)).toEqual(['snooze over']);
    expect(digest.new.total).toBe(0);
  });
});

describe('several rules and recipients', () => {
  it('merges the rules of one schedule into one digest per recipient, each finding once', () => {
    // prepare: two rules cover the same findings for the same recipient
    const records = [
      collectedRecord({ id: 'a', title: 'both rules', collected: { high: { since: IN_PERIOD }, guardduty: { since: BEFORE } } }),
      collectedRecord({ id: 'b', title: 'one rule', collected: { guardduty: { since: IN_PERIOD } } }),
    ];
    // act
    const digest = only(digestsOf(records, { rules: [rule('high'), rule('guardduty')] }));
    // assess: "both rules" was collected before the period by one rule, so it is not new
    expect(digest.rules).toEqual(['guardduty', 'high']);
    expect(titles(digest.open)).toEqual(['both rules', 'one rule']);
    expect(titles(digest.new)).toEqual(['one rule']);
    expect(digest.bySeverity.HIGH).toEqual({ new: 1, fixed: 0, open: 2 });
  });

  it('sends each recipient the findings the policy gives them, keyed by address whatever its case', () => {
    const owners: Record<string, string> = { '111111111111': 'Alice@Example.com', '222222222222': 'bob@example.com' };
    const records = [
      collectedRecord({ id: 'a', account: '111111111111', collected: { owners: { since: IN_PERIOD } } }),
      collectedRecord({ id: 'b', account: '222222222222', collected: { owners: { since: IN_PERIOD } } }),
      collectedRecord({ id: 'c', account: '222222222222', collected: { owners: { since: IN_PERIOD } } }),
    ];
    const digests = digestsOf(records, {
      rules: [rule('owners')],
      recipientsOf: (_rule, record) => [owners[record.snapshot.account]!, 'SecOps@example.com'],
    });
    const totals = Object.fromEntries(digests.map((d) => [d.recipient, d.open.total]));
    expect(totals).toEqual({ 'alice@example.com': 1, 'bob@example.com': 2, 'secops@example.com': 3 });
  });

  it('ignores what the policy gives that is not one address: line breaks, control characters, lists', () => {
    const records = [collectedRecord({ id: 'a', collected: { daily: { since: IN_PERIOD } } })];
    const digests = digestsOf(records, {
      rules: [rule('daily')],
      recipientsOf: () => [
        'ok@example.com',
        'a@example.com\r\nBcc: victim@evil.example',
        'b@example.com\u0000',
        'c@example.com, d@example.com',
        'e|f@example.com',
      ],
    });
    expect(digests.map((d) => d.recipient)).toEqual(['ok@example.com']);
  });

  it('makes one digest per schedule for a recipient of rules on two schedules', () => {
    const records = [collectedRecord({ id: 'a', collected: { daily: { since: IN_PERIOD }, weekly: { since: IN_PERIOD } } })];
    const digests = digestsOf(records, {
      rules: [rule('daily'), rule('weekly', { schedule: WEEKLY })],
      due: [{}, { schedule: WEEKLY, moment: MOMENT }],
    });
    expect(digests.map((d) => d.scheduleId).sort()).toEqual(['1d@08:00@UTC', '1w@monday@08:00@UTC']);
    expect(digests.find((d) => d.scheduleId.startsWith('1w'))?.periodStart.toISOString()).toBe('2026-01-05T08:00:00.000Z');
  });
});

describe('caps and counts', () => {
  it('lists at most max_items per section, the smallest of the recipient’s rules, and counts the rest', () => {
    // prepare: 7 open findings, 4 of them new; rules allow 5 and 3
    const records = Array.from({ length: 7 }, (_, i) =>
      collectedRecord({
        id: `f${i}`,
        title: `finding ${i}`,
        firstObservedAt: `2025-12-0${i + 1}T00:00:00.000Z`,
        collected: { wide: { since: i < 4 ? IN_PERIOD : BEFORE }, narrow: { since: i < 4 ? IN_PERIOD : BEFORE } },
      }),
    );
    // act
    const digest = only(digestsOf(records, { rules: [rule('wide', { maxItems: 5 }), rule('narrow', { maxItems: 3 })] }));
    // assess
    expect(digest.maxItems).toBe(3);
    expect(titles(digest.open)).toEqual(['finding 0', 'finding 1', 'finding 2']);
    expect(digest.open.total).toBe(7);
    expect(titles(digest.new)).toEqual(['finding 0', 'finding 1', 'finding 2']);
    expect(digest.new.total).toBe(4);
  });

  it('counts by severity and by account, with the names the directory knows', () => {
    const records = [
      collectedRecord({ id: 'a', account: '111111111111', severity: 'CRITICAL', collected: { daily: { since: IN_PERIOD } } }),
      collectedRecord({ id: 'b', account: '111111111111', severity: 'LOW', collected: { daily: { since: BEFORE } } }),
      collectedRecord({
        id: 'c',
        account: '222222222222',
        severity: 'LOW',
        collected: { daily: { since: BEFORE } },
        resolvedAt: IN_PERIOD,
      }),
    ];
    const digest = only(
      digestsOf(records, { rules: [rule('daily')], accountNameOf: (id) => (id === '111111111111' ? 'payments' : undefined) }),
    );
    expect(digest.bySeverity).toEqual({
      CRITICAL: { new: 1, fixed: 0, open: 1 },
      HIGH: { new: 0, fixed: 0, open: 0 },
      MEDIUM: { new: 0, fixed: 0, open: 0 },
      LOW: { new: 0, fixed: 1, open: 1 },
      INFORMATIONAL: { new: 0, fixed: 0, open: 0 },
    });
    expect(digest.byAccount).toEqual([
      { account: '111111111111', name: 'payments', new: 1, fixed: 0, open: 2 },
      { account: '222222222222', new: 0, fixed: 1, open: 0 },
    ]);
  });
});

describe('empty digests', () => {
  it('builds none for a recipient with nothing collected, unless a rule asks for empty digests', () => {
    expect(digestsOf([], { rules: [rule('daily')] })).toEqual([]);
    const [empty] = digestsOf([], { rules: [rule('daily', { sendEmpty: true, to: ['quiet@example.com'] })] });
    expect(empty?.recipient).toBe('quiet@example.com');
    expect(empty && isEmptyDigest(empty)).toBe(true);
    expect(empty?.sendEmpty).toBe(true);
  });

  it('owes an empty digest to a past recipient of a send_empty rule who has nothing now', () => {
    const known = new Map([['owner@example.com', { lastSent: new Date('2026-01-11T08:00:00.000Z'), rules: ['daily'] }]]);
    const digests = digestsOf([], { rules: [rule('daily', { sendEmpty: true, to: [] })], due: [{ known }] });
    expect(digests.map((d) => [d.recipient, d.periodStart.toISOString(), d.sendEmpty])).toEqual([
      ['owner@example.com', '2026-01-11T08:00:00.000Z', true],
    ]);
  });

  it('builds no digest for a recipient whose only finding is snoozed', () => {
    const records = [collectedRecord({ id: 's', collected: { daily: { since: IN_PERIOD } }, snoozedUntil: '2026-03-01T00:00:00.000Z' })];
    expect(digestsOf(records, { rules: [rule('daily')] })).toEqual([]);
  });
});
