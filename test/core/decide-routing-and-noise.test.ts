import { describe, expect, it } from 'vitest';
import type { AccountInfo } from '../../src/core/account.js';
import { type Decision, decide } from '../../src/core/decide.js';
import { validatePolicy } from '../../src/core/policy.js';
import { type FindingSnapshot, snapshotOf, type TrackedRecord } from '../../src/core/record.js';
import { asff, type FindingSpec, normalized } from '../builders/asff.js';

/**
 * The decisions the routing and noise-control features add: recipients from
 * the account directory (owners, fallback, destinations), matching by OU
 * and account tags, snoozes, escalation, baseline adoption, digest
 * collection, and delivering what a target did not accept before.
 */

const DAY = 86_400_000;
const T0 = '2026-01-10T09:00:00.000Z';
const at = (days: number) => new Date(Date.parse(T0) + days * DAY);
const WALL = new Date('2026-06-01T00:00:00.000Z');

const PAYMENTS: AccountInfo = {
  id: '111122223333',
  name: 'payments-prod',
  ouIds: ['r-ab12', 'ou-ab12-11111111', 'ou-ab12-22222222'],
  ouPath: 'Root/Production/Payments',
  tags: { env: 'prod', team: 'payments' },
  owners: ['payments-sec@example.com'],
};
const ORPHAN: AccountInfo = { id: '111122223333', ouIds: [], tags: {}, owners: [] };

function finding(spec: FindingSpec = {}): FindingSnapshot {
  return snapshotOf(normalized(asff({ firstObservedAt: T0, updatedAt: T0, ...spec })));
}

function policy(doc: Record<string, unknown>) {
  return validatePolicy({ sender: 'alerts@example.com', ...doc });
}

function record(snapshot: FindingSnapshot, fields: Partial<TrackedRecord> = {}): TrackedRecord {
  return {
    key: snapshot.key,
    open: true,
    updatedAt: snapshot.updatedAt,
    snapshot,
    rules: {},
    version: 3,
    expiresAt: '2099-01-01T00:00:00.000Z',
    ...fields,
  };
}

function sent(decision: Decision) {
  if (decision.action !== 'send') throw new Error(`expected a send, got ${decision.action}: ${decision.reason}`);
  return decision;
}

const owned = policy({
  destinations: { 'secops-slack': { type: 'slack', webhook: { secret: 'SLACK_SECOPS' } } },
  rules: [{ name: 'owners', match: { severities: ['HIGH'] }, notify: { to: ['owners', 'secops-slack'], fallback: ['cloud@example.com'] } }],
});

describe('recipients from the account directory', () => {
  it('sends to the account owners and the named destination, with the account name', () => {
    const decision = sent(decide({ finding: finding(), record: undefined, policy: owned, now: at(0), wallNow: WALL, account: PAYMENTS }));

    expect(decision.notification).toMatchObject({
      to: ['payments-sec@example.com'],
      destinations: ['secops-slack'],
      accountName: 'payments-prod',
    });
  });

  it.each([
    ['an account without owners', ORPHAN],
    ['an account no directory knows', undefined],
  ])('sends to the fallback for %s', (_what, account) => {
    const decision = sent(decide({ finding: finding(), record: undefined, policy: owned, now: at(0), wallNow: WALL, account }));

    expect(decision.notification.to).toEqual(['cloud@example.com']);
    expect(decision.notification.accountName).toBeUndefined();
  });

  it('sends one notification to the union of the due rules recipients, each once', () => {
    const both = policy({
      rules: [
        { name: 'a', notify: { to: ['owners', 'team@example.com'] } },
        { name: 'b', notify: { to: ['team@example.com', 'owners'] } },
      ],
    });

    const decision = sent(decide({ finding: finding(), record: undefined, policy: both, now: at(0), wallNow: WALL, account: PAYMENTS }));

    expect(decision.notification.rules).toEqual(['a', 'b']);
    expect(decision.notification.to).toEqual(['payments-sec@example.com', 'team@example.com']);
  });

  it('tracks a due finding with nobody to tell, and notifies it once owners appear', () => {
    const ownersOnly = policy({ rules: [{ name: 'o', notify: { to: ['owners'] } }] });
    const nobody = decide({ finding: finding(), record: undefined, policy: ownersOnly, now: at(0), wallNow: WALL, account: ORPHAN });
    expect(nobody).toMatchObject({ action: 'write', reason: expect.stringMatching(/nobody to tell/) });

    const tracked = nobody.action === 'write' ? nobody.next : undefined;
    const later = sent(decide({ finding: finding(), record: tracked, policy: ownersOnly, now: at(1), wallNow: WALL, account: PAYMENTS }));
    expect(later.notification).toMatchObject({ kind: 'new', to: ['payments-sec@example.com'] });
  });
});

describe('matching by ownership', () => {
  const byOu = (ous: string[]) => policy({ rules: [{ name: 'r', match: { ous }, notify: { to: ['t@example.com'] } }] });
  const byTags = (account_tags: Record<string, string[]>) =>
    policy({ rules: [{ name: 'r', match: { account_tags }, notify: { to: ['t@example.com'] } }] });
  const decision = (p: ReturnType<typeof policy>, account?: AccountInfo) =>
    decide({ finding: finding(), record: undefined, policy: p, now: at(0), wallNow: WALL, account }).action;

  it.each([
    ['an OU id the account sits directly in', ['ou-ab12-22222222'], 'send'],
    ['an ancestor OU id', ['ou-ab12-11111111'], 'send'],
    ['the root', ['r-ab12'], 'send'],
    ['an ancestor path', ['Root/Production'], 'send'],
    ['the exact path, in another case', ['root/production/payments'], 'send'],
    ['a sibling path that shares a prefix', ['Root/Prod'], 'skip'],
    ['another OU', ['ou-ab12-99999999'], 'skip'],
  ])('matches ous: %s', (_what, ous, action) => {
    expect(decision(byOu(ous), PAYMENTS)).toBe(action);
  });

  it('matches no OU for an account no directory knows', () => {
    expect(decision(byOu(['Root']), undefined)).toBe('skip');
  });

  it.each([
    [{ env: ['prod'] }, 'send'],
    [{ env: ['dev', 'prod'], team: ['payments'] }, 'send'],
    [{ env: ['dev'] }, 'skip'],
    [{ env: ['prod'], owner: ['x'] }, 'skip'],
  ])('matches account_tags %j only when every tag holds', (tags, action) => {
    expect(decision(byTags(tags), PAYMENTS)).toBe(action);
  });
});

describe('snoozes', () => {
  const snoozing = (until: string, extra: Record<string, unknown> = {}) =>
    policy({
      snoozes: [{ match: { controls: ['EC2.8'], accounts: ['111122223333'], ...extra }, until, reason: 'replaced in Q1' }],
      rules: [{ name: 'r', notify: { to: ['t@example.com'], every: '1d', resolved: true } }],
    });
  const control = finding({ product: 'securityhub', controlId: 'EC2.8', severity: 'HIGH' });

  it('tracks a snoozed finding without a notification until the snooze ends', () => {
    const decision = decide({ finding: control, record: undefined, policy: snoozing('2026-03-31'), now: at(0), wallNow: WALL });

    expect(decision).toMatchObject({
      action: 'write',
      outcome: 'snoozed',
      reason: 'snoozed until 2026-03-31T00:00:00.000Z: replaced in Q1',
    });
    expect(decision.action === 'write' && decision.next.snoozed).toEqual({ until: '2026-03-31T00:00:00.000Z', reason: 'replaced in Q1' });
  });

  it('holds back reminders while snoozed and sends one at once when the snooze lapses, saying so', () => {
    const p = snoozing('2026-02-01');
    const notified = record(control, { rules: { r: { lastNotifiedAt: T0 } } });
    const quiet = decide({ finding: control, record: notified, policy: p, now: at(5), wallNow: WALL });
    expect(quiet).toMatchObject({ action: 'write', outcome: 'snoozed' });
    const snoozed = quiet.action === 'write' ? quiet.next : notified;
    expect(decide({ finding: control, record: snoozed, policy: p, now: at(10), wallNow: WALL })).toMatchObject({
      action: 'skip',
      outcome: 'snoozed',
    });

    const lapse = sent(decide({ finding: control, record: snoozed, policy: p, now: at(22.5), wallNow: WALL }));

    expect(lapse.notification).toMatchObject({
      kind: 'reminder',
      snoozeEnded: { until: '2026-02-01T00:00:00.000Z', reason: 'replaced in Q1' },
    });
    expect(lapse.next.snoozed).toBeUndefined();
    expect(lapse.base.snoozed).toBeDefined();
  });

  it('matches resource-id patterns and finding ids', () => {
    const byResource = policy({
      snoozes: [{ match: { resources: ['arn:aws:ec2:*:111122223333:instance/i-0abc*'] }, until: '2027-01-01', reason: 'lab' }],
      rules: [{ name: 'r', notify: { to: ['t@example.com'] } }],
    });
    const byId = policy({
      snoozes: [{ match: { finding_ids: ['other-id'] }, until: '2027-01-01', reason: 'lab' }],
      rules: [{ name: 'r', notify: { to: ['t@example.com'] } }],
    });

    expect(decide({ finding: finding(), record: undefined, policy: byResource, now: at(0), wallNow: WALL }).reason).toMatch(/^snoozed/);
    expect(decide({ finding: finding(), record: undefined, policy: byId, now: at(0), wallNow: WALL }).action).toBe('send');
  });

  it('still sends the resolved notice of a snoozed finding', () => {
    const p = snoozing('2026-12-31');
    const snoozed = record(control, { rules: { r: { lastNotifiedAt: T0 } }, snoozed: { until: '2026-12-31T00:00:00.000Z', reason: 'x' } });
    const closing = finding({ product: 'securityhub', controlId: 'EC2.8', compliance: 'PASSED', updatedAt: at(3).toISOString() });

    expect(sent(decide({ finding: closing, record: snoozed, policy: p, now: at(3), wallNow: WALL })).notification.kind).toBe('resolved');
  });

  it('treats a snooze taken out of the policy as ended', () => {
    const unsnoozed = policy({ rules: [{ name: 'r', notify: { to: ['t@example.com'], every: '1d' } }] });
    const snoozed = record(control, { rules: { r: { lastNotifiedAt: T0 } }, snoozed: { until: '2026-12-31T00:00:00.000Z', reason: 'x' } });

    expect(
      sent(decide({ finding: control, record: snoozed, policy: unsnoozed, now: at(0.5), wallNow: WALL })).notification.snoozeEnded,
    ).toEqual({
      until: '2026-12-31T00:00:00.000Z',
      reason: 'x',
    });
  });
});

describe('escalation', () => {
  const escalating = policy({
    rules: [
      {
        name: 'r',
        notify: {
          to: ['team@example.com'],
          every: '1w',
          escalate: [
            { after: '30d', to: ['ciso@example.com'] },
            { after: '60d', to: ['cto@example.com', 'owners'] },
          ],
        },
      },
    ],
  });
  const reminderAt = (days: number, account?: AccountInfo) =>
    sent(
      decide({
        finding: finding(),
        record: record(finding(), { rules: { r: { lastNotifiedAt: at(days - 7).toISOString() } } }),
        policy: escalating,
        now: at(days),
        wallNow: WALL,
        account,
      }),
    ).notification;

  it('adds no one before the first step', () => {
    expect(reminderAt(29).to).toEqual(['team@example.com']);
    expect(reminderAt(29).escalations).toBeUndefined();
  });

  it('adds each step once the finding has been open that long, and says why', () => {
    expect(reminderAt(30)).toMatchObject({ to: ['team@example.com', 'ciso@example.com'], escalations: [{ rule: 'r', after: '30d' }] });
    expect(reminderAt(61, PAYMENTS).to).toEqual(['team@example.com', 'ciso@example.com', 'cto@example.com', 'payments-sec@example.com']);
  });

  it('does not escalate a first notification', () => {
    const first = sent(decide({ finding: finding(), record: undefined, policy: escalating, now: at(45), wallNow: WALL })).notification;
    expect(first).toMatchObject({ kind: 'new', to: ['team@example.com'] });
  });
});

describe('a baseline run', () => {
  const simple = policy({ rules: [{ name: 'r', notify: { to: ['t@example.com'], every: '1d', resolved: true } }] });

  it('records a due finding as notified at the baseline time and sends nothing', () => {
    const decision = decide({ finding: finding(), record: undefined, policy: simple, now: at(0), wallNow: WALL, baseline: true });

    expect(decision).toMatchObject({ action: 'write', outcome: 'adopted' });
    expect(decision.action === 'write' && decision.next.rules).toEqual({ r: { lastNotifiedAt: at(0).toISOString() } });
  });

  it('leaves the next reminder to the rule: one `every` after the baseline', () => {
    const adopted = decide({ finding: finding(), record: undefined, policy: simple, now: at(0), wallNow: WALL, baseline: true });
    const next = adopted.action === 'write' ? { ...adopted.next, version: 1 } : undefined;

    expect(decide({ finding: finding(), record: next, policy: simple, now: at(0.9), wallNow: WALL }).action).toBe('skip');
    expect(sent(decide({ finding: finding(), record: next, policy: simple, now: at(1), wallNow: WALL })).notification.kind).toBe(
      'reminder',
    );
  });

  it('sends no resolved notice either', () => {
    const notified = record(finding(), { rules: { r: { lastNotifiedAt: T0 } } });
    const closing = finding({ workflow: 'RESOLVED', updatedAt: at(1).toISOString() });

    expect(decide({ finding: closing, record: notified, policy: simple, now: at(1), wallNow: WALL, baseline: true })).toMatchObject({
      action: 'write',
      outcome: 'resolved',
    });
  });
});

describe('digest rules', () => {
  const digesting = policy({
    rules: [
      { name: 'now', match: { severities: ['CRITICAL'] }, notify: { to: ['oncall@example.com'] } },
      { name: 'daily', notify: { to: ['owners'], digest: { every: '1d' } } },
    ],
  });

  it('collect a finding instead of notifying it', () => {
    const decision = decide({ finding: finding(), record: undefined, policy: digesting, now: at(0), wallNow: WALL });

    expect(decision).toMatchObject({ action: 'write', reason: 'collected for a digest' });
    expect(decision.action === 'write' && decision.next.collected).toEqual({ daily: { since: at(0).toISOString() } });
  });

  it('keep collecting alongside a rule that notifies at once, without changing when collection started', () => {
    const collected = record(finding({ severity: 'CRITICAL' }), { collected: { daily: { since: T0 } } });
    const decision = sent(
      decide({ finding: finding({ severity: 'CRITICAL' }), record: collected, policy: digesting, now: at(1), wallNow: WALL }),
    );

    expect(decision.notification.rules).toEqual(['now']);
    expect(decision.next.collected).toEqual({ daily: { since: T0 } });
  });

  it('mark what a baseline adopts, so the digest does not list it as new', () => {
    const decision = decide({ finding: finding(), record: undefined, policy: digesting, now: at(0), wallNow: WALL, baseline: true });
    expect(decision.action === 'write' && decision.next.collected).toEqual({ daily: { since: at(0).toISOString(), adopted: true } });
  });

  it('remember on the tombstone which digests collected the finding and when it was resolved', () => {
    const collected = record(finding(), { collected: { daily: { since: T0 } } });
    const decision = decide({
      finding: finding({ recordState: 'ARCHIVED', updatedAt: at(2).toISOString() }),
      record: collected,
      policy: digesting,
      now: at(2),
      wallNow: WALL,
    });

    expect(decision.action === 'write' && decision.next).toMatchObject({
      open: false,
      collected: { daily: { since: T0 } },
      resolvedAt: at(2).toISOString(),
    });
  });

  it('stop collecting a finding the rule no longer matches', () => {
    const narrowed = policy({
      rules: [{ name: 'daily', match: { severities: ['CRITICAL'] }, notify: { to: ['t@example.com'], digest: {} } }],
    });
    const collected = record(finding(), { collected: { daily: { since: T0 } } });

    const decision = decide({ finding: finding(), record: collected, policy: narrowed, now: at(1), wallNow: WALL });

    expect(decision.action === 'write' && decision.next.collected).toBeUndefined();
  });
});

describe('a notification some targets did not accept', () => {
  const notification = { kind: 'new' as const, id: 'k|new|t', rules: ['r'], to: ['t@example.com'], destinations: ['slack'], at: T0 };
  const pending = record(finding(), { rules: { r: { lastNotifiedAt: T0 } }, pending: { notification, remaining: ['slack'] } });

  it('is delivered to those targets only, before anything else, and then no longer pending', () => {
    const decision = sent(decide({ finding: finding(), record: pending, policy: owned, now: at(20), wallNow: WALL }));

    expect(decision.notification).toBe(notification);
    expect(decision.retry).toEqual(['slack']);
    expect(decision.next.pending).toBeUndefined();
  });

  it('waits while another worker holds the claim', () => {
    const claimed = { ...pending, claim: { id: 'other', until: '2026-06-01T00:01:00.000Z' } };
    expect(decide({ finding: finding(), record: claimed, policy: owned, now: at(20), wallNow: WALL }).action).toBe('skip');
  });
});
