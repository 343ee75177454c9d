import { describe, expect, it } from 'vitest';
import { type Decision, type DecisionInput, decide } from '../../src/core/decide.js';
import type { Policy, Rule, RuleMatch } from '../../src/core/policy.js';
import { type FindingSnapshot, type RuleState, snapshotOf, type TrackedRecord } from '../../src/core/record.js';
import { asff, type FindingSpec, normalized } from '../builders/asff.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OPEN_RECORD_TTL = 120 * DAY;
const TOMBSTONE_TTL = 30 * DAY;

const FIRST_OBSERVED = '2026-01-10T09:00:00.000Z';
const UPDATED = '2026-01-10T10:00:00.000Z';
const LATER = '2026-01-11T08:00:00.000Z';
const NOW = new Date('2026-01-12T12:00:00.000Z');
/** The real time differs from the decision time on purpose: claims follow the one, everything else the other. */
const WALL_NOW = new Date('2026-01-12T12:05:00.000Z');
const STORED_EXPIRY = '2026-05-01T00:00:00.000Z';

const iso = (ms: number) => new Date(ms).toISOString();
const plus = (instant: string | Date, ms: number) => iso(new Date(instant).getTime() + ms);

/** An open HIGH GuardDuty finding unless told otherwise, trimmed as the engine hands it to `decide`. */
function snapshot(spec: FindingSpec = {}): FindingSnapshot {
  return snapshotOf(normalized(asff({ firstObservedAt: FIRST_OBSERVED, updatedAt: UPDATED, ...spec })));
}

function closed(spec: FindingSpec = {}): FindingSnapshot {
  return snapshot({ workflow: 'RESOLVED', ...spec });
}

/** The stored record of the finding `spec` describes: open, not yet notified, unless `fields` say otherwise. */
function stored(spec: FindingSpec = {}, fields: Partial<TrackedRecord> = {}): TrackedRecord {
  const seen = snapshot(spec);
  return {
    key: seen.key,
    open: true,
    updatedAt: seen.updatedAt,
    snapshot: seen,
    rules: {},
    version: 4,
    expiresAt: STORED_EXPIRY,
    ...fields,
  };
}

/** A tombstone: what `decide` leaves behind when a tracked finding is resolved. */
function tombstone(spec: FindingSpec = {}, version = 7): TrackedRecord {
  return stored({ workflow: 'RESOLVED', ...spec }, { open: false, version });
}

function notified(...entries: [rule: string, at: string][]): Record<string, RuleState> {
  return Object.fromEntries(entries.map(([rule, at]) => [rule, { lastNotifiedAt: at }]));
}

function withoutClaim(record: TrackedRecord): TrackedRecord {
  const { claim: _claim, ...rest } = record;
  return rest;
}

/** A rule that matches HIGH and CRITICAL findings, emails its own address at once, reminds every 15 days. */
function rule(name: string, notify: Partial<Rule['notify']> = {}, match: RuleMatch = { severities: ['HIGH', 'CRITICAL'] }): Rule {
  return {
    name,
    match,
    notify: { to: [`${name}@example.com`], fallback: [], afterMs: 0, everyMs: 15 * DAY, resolved: false, escalate: [], ...notify },
  };
}

function policyOf(...rules: Rule[]): Policy {
  return { sender: 'alerts@example.com', rules, accounts: {}, destinations: {}, snoozes: [] };
}

function run(input: Pick<DecisionInput, 'finding'> & Partial<DecisionInput>): Decision {
  return decide({ record: undefined, policy: policyOf(rule('team')), now: NOW, wallNow: WALL_NOW, ...input });
}

describe('deciding about a finding', () => {
  describe('stale events', () => {
    const cases = [
      {
        state: 'an open finding with a reminder due',
        finding: snapshot(),
        record: (updatedAt: string) => stored({ updatedAt }, { rules: notified(['team', '2025-06-01T00:00:00.000Z']) }),
        policy: policyOf(rule('team')),
      },
      {
        state: 'a closed finding with a resolved email asked for',
        finding: closed(),
        record: (updatedAt: string) => stored({ updatedAt }, { rules: notified(['team', '2026-01-10T09:30:00.000Z']) }),
        policy: policyOf(rule('team', { resolved: true })),
      },
      {
        state: 'an open finding after its tombstone',
        finding: snapshot(),
        record: (updatedAt: string) => tombstone({ updatedAt }),
        policy: policyOf(rule('team')),
      },
    ];

    it.each(cases)('sends nothing for an event older than the stored record ($state)', ({ finding, record, policy }) => {
      expect(run({ finding, record: record(LATER), policy })).toEqual({
        action: 'skip',
        outcome: 'suppressed',
        reason: expect.stringContaining('stale'),
      });
    });

    it.each(cases)('acts on an event exactly as new as the stored record ($state)', ({ finding, record, policy }) => {
      expect(run({ finding, record: record(UPDATED), policy }).action).toBe('send');
    });
  });

  describe('claims of other workers', () => {
    const due = stored({}, { rules: notified(['team', '2025-06-01T00:00:00.000Z']) });
    const claimUntil = (until: string): TrackedRecord => ({ ...due, claim: { id: 'other-worker', until } });

    it.each([
      { title: 'while the claim has a millisecond left', until: plus(WALL_NOW, 1), now: NOW },
      {
        title: 'judged by the wall clock even when the decision time is past the claim',
        until: plus(WALL_NOW, 1),
        now: new Date('2026-03-01T00:00:00.000Z'),
      },
    ])('sends nothing while another worker holds an unexpired claim, $title', ({ until, now }) => {
      expect(run({ finding: snapshot(), record: claimUntil(until), now })).toEqual({
        action: 'skip',
        outcome: 'suppressed',
        reason: expect.stringContaining('in flight'),
      });
    });

    it('sends nothing about a closed finding while another worker holds a claim on it', () => {
      const record = claimUntil(plus(WALL_NOW, HOUR));
      const decision = run({ finding: closed({ updatedAt: LATER }), record, policy: policyOf(rule('team', { resolved: true })) });
      expect(decision).toMatchObject({ action: 'skip', reason: expect.stringContaining('in flight') });
    });

    it.each([
      { title: 'the instant it expires', until: WALL_NOW.toISOString(), now: NOW },
      { title: 'a millisecond after it expired', until: plus(WALL_NOW, -1), now: NOW },
      {
        title: 'judged by the wall clock even when the decision time is before the claim ends',
        until: plus(WALL_NOW, -1),
        now: new Date('2026-01-01T00:00:00.000Z'),
      },
    ])('takes over a claim $title, and neither base nor next carries it', ({ until, now }) => {
      const record = claimUntil(until);
      const decision = run({ finding: snapshot(), record, now, policy: policyOf(rule('team', { everyMs: 7 * DAY })) });
      expect(decision.action).toBe('send');
      if (decision.action !== 'send') return;
      expect(decision.base).toEqual(withoutClaim(record));
      expect(decision.base).not.toHaveProperty('claim');
      expect(decision.next).not.toHaveProperty('claim');
      expect(decision.next.rules).toEqual(notified(['team', now.toISOString()]));
    });
  });

  describe('closed findings', () => {
    const finding = closed({ updatedAt: LATER, title: 'Resolved now' });
    const tombstoneOf = (record: TrackedRecord): TrackedRecord => ({
      key: finding.key,
      open: false,
      updatedAt: LATER,
      snapshot: finding,
      rules: {},
      version: record.version,
      expiresAt: plus(NOW, TOMBSTONE_TTL),
    });

    it('writes a 30-day tombstone and sends a resolved email only to rules that notified the finding and asked for one', () => {
      const policy = policyOf(
        rule('told', { resolved: true, to: ['ops@example.com', 'told@example.com'] }),
        rule('quiet', { resolved: false }),
        rule('never-notified', { resolved: true }),
        rule('also-told', { resolved: true, to: ['ops@example.com'] }),
      );
      const record: TrackedRecord = {
        ...stored(
          {},
          {
            rules: notified(
              ['told', '2026-01-10T10:00:00.000Z'],
              ['quiet', '2026-01-10T10:00:00.000Z'],
              ['also-told', '2026-01-11T00:00:00.000Z'],
            ),
          },
        ),
        claim: { id: 'crashed-worker', until: plus(WALL_NOW, -HOUR) },
      };

      expect(run({ finding, record, policy })).toEqual({
        action: 'send',
        outcome: 'resolved',
        reason: expect.any(String),
        notification: {
          kind: 'resolved',
          id: `${finding.key}|resolved|${NOW.toISOString()}`,
          rules: ['told', 'also-told'],
          to: ['ops@example.com', 'told@example.com'],
          at: NOW.toISOString(),
        },
        base: withoutClaim(record),
        next: tombstoneOf(record),
      });
    });

    it('writes a tombstone and sends nothing when no rule that notified the finding asks for a resolved email', () => {
      const record = stored({}, { rules: notified(['quiet', '2026-01-10T10:00:00.000Z']) });
      const policy = policyOf(rule('quiet'), rule('eager', { resolved: true }));
      expect(run({ finding, record, policy })).toEqual({
        action: 'write',
        outcome: 'resolved',
        reason: expect.any(String),
        next: tombstoneOf(record),
      });
    });

    it.each([
      { title: 'never tracked', record: undefined },
      { title: 'already a tombstone', record: tombstone() },
    ])('ignores a closed finding that is $title', ({ record }) => {
      expect(run({ finding, record, policy: policyOf(rule('team', { resolved: true })) })).toEqual({
        action: 'skip',
        outcome: 'ignored',
        reason: 'closed and not tracked',
      });
    });
  });

  describe('new findings', () => {
    it('emails a finding never seen at once and starts its record at version 0, kept 120 days', () => {
      const finding = snapshot();
      const base: TrackedRecord = {
        key: finding.key,
        open: true,
        updatedAt: UPDATED,
        snapshot: finding,
        rules: {},
        version: 0,
        expiresAt: plus(NOW, OPEN_RECORD_TTL),
      };
      expect(run({ finding })).toEqual({
        action: 'send',
        outcome: 'notified',
        reason: 'new finding',
        notification: {
          kind: 'new',
          id: `${finding.key}|new|${NOW.toISOString()}`,
          rules: ['team'],
          to: ['team@example.com'],
          at: NOW.toISOString(),
        },
        base,
        next: { ...base, rules: notified(['team', NOW.toISOString()]) },
      });
    });

    it('emails at once with `after: 0` even when the decision time is before the finding was first observed, keeping it 120 days from its update', () => {
      const now = new Date(plus(FIRST_OBSERVED, -HOUR));
      const decision = run({ finding: snapshot(), now, wallNow: now });
      expect(decision).toMatchObject({ action: 'send', notification: { kind: 'new' } });
      if (decision.action !== 'send') return;
      expect(decision.next.expiresAt).toBe(plus(UPDATED, OPEN_RECORD_TTL));
    });

    it('treats a finding that opens again after its tombstone as new, keeping the tombstone version for the conditional write', () => {
      const finding = snapshot({ updatedAt: LATER });
      const decision = run({ finding, record: tombstone({}, 7) });
      expect(decision).toMatchObject({ action: 'send', outcome: 'notified', notification: { kind: 'new', rules: ['team'] } });
      if (decision.action !== 'send') return;
      expect(decision.base).toEqual({
        key: finding.key,
        open: true,
        updatedAt: LATER,
        snapshot: finding,
        rules: {},
        version: 7,
        expiresAt: plus(NOW, OPEN_RECORD_TTL),
      });
      expect(decision.next).toEqual({ ...decision.base, rules: notified(['team', NOW.toISOString()]) });
    });

    it('tracks a reopened finding that is not due yet under the tombstone version', () => {
      const decision = run({
        finding: snapshot({ updatedAt: LATER }),
        record: tombstone({}, 7),
        policy: policyOf(rule('team', { afterMs: 30 * DAY })),
      });
      expect(decision).toMatchObject({ action: 'write', outcome: 'suppressed', next: { open: true, version: 7, rules: {} } });
    });
  });

  describe('`after`: how long a finding must be open before its first email', () => {
    const after = 6 * HOUR;
    const policy = policyOf(rule('team', { afterMs: after }));
    const nowAt = (delta: number) => new Date(Date.parse(FIRST_OBSERVED) + after + delta);

    it('tracks a finding not yet open long enough, with no email', () => {
      const finding = snapshot();
      const now = nowAt(-1);
      expect(run({ finding, policy, now })).toEqual({
        action: 'write',
        outcome: 'suppressed',
        reason: expect.any(String),
        next: {
          key: finding.key,
          open: true,
          updatedAt: UPDATED,
          snapshot: finding,
          rules: {},
          version: 0,
          expiresAt: plus(now, OPEN_RECORD_TTL),
        },
      });
    });

    it('changes nothing for a tracked finding still short of its `after`', () => {
      expect(run({ finding: snapshot(), record: stored(), policy, now: nowAt(-1) })).toEqual({
        action: 'skip',
        outcome: 'suppressed',
        reason: expect.any(String),
      });
    });

    it.each([
      { title: 'exactly at `after`', delta: 0, record: undefined },
      { title: 'past `after`', delta: HOUR, record: undefined },
      { title: 'exactly at `after`, once tracked', delta: 0, record: stored() },
    ])('emails a new finding $title', ({ delta, record }) => {
      const now = nowAt(delta);
      expect(run({ finding: snapshot(), record, policy, now })).toMatchObject({
        action: 'send',
        outcome: 'notified',
        notification: { kind: 'new', rules: ['team'] },
        next: { rules: notified(['team', now.toISOString()]) },
      });
    });
  });

  describe('`every`: reminders while a finding stays open', () => {
    const every = 7 * DAY;
    const lastNotified = '2026-01-10T10:30:00.000Z';
    const record = stored({}, { rules: notified(['team', lastNotified]) });
    const nowAt = (delta: number) => new Date(Date.parse(lastNotified) + every + delta);

    it('sends no reminder a millisecond before the interval', () => {
      expect(run({ finding: snapshot(), record, policy: policyOf(rule('team', { everyMs: every })), now: nowAt(-1) })).toEqual({
        action: 'skip',
        outcome: 'suppressed',
        reason: expect.any(String),
      });
    });

    it('sends a reminder exactly at the interval', () => {
      const now = nowAt(0);
      expect(run({ finding: snapshot(), record, policy: policyOf(rule('team', { everyMs: every })), now })).toEqual({
        action: 'send',
        outcome: 'reminded',
        reason: 'reminder due',
        notification: {
          kind: 'reminder',
          id: `${record.key}|reminder|${now.toISOString()}`,
          rules: ['team'],
          to: ['team@example.com'],
          at: now.toISOString(),
        },
        base: record,
        next: { ...record, rules: notified(['team', now.toISOString()]) },
      });
    });

    it('never sends a reminder with `every: never`', () => {
      const decision = run({
        finding: snapshot(),
        record,
        policy: policyOf(rule('team', { everyMs: null })),
        now: new Date('2036-01-01T00:00:00.000Z'),
      });
      expect(decision).toEqual({ action: 'skip', outcome: 'suppressed', reason: expect.any(String) });
    });

    it('still sends the first email with `every: never`', () => {
      expect(run({ finding: snapshot(), policy: policyOf(rule('team', { everyMs: null })) })).toMatchObject({
        action: 'send',
        notification: { kind: 'new' },
      });
    });
  });

  describe('several rules', () => {
    const longAgo = '2025-12-01T00:00:00.000Z';
    const recently = '2026-01-12T00:00:00.000Z';
    const policy = policyOf(
      rule('first', { to: ['shared@example.com', 'first@example.com'], everyMs: 7 * DAY }),
      rule('second', { to: ['second@example.com', 'shared@example.com'], everyMs: 7 * DAY }),
      rule('not-due', { to: ['not-due@example.com'], everyMs: 7 * DAY }),
      rule('critical-only', { to: ['critical@example.com'] }, { severities: ['CRITICAL'] }),
    );

    it.each([
      { title: '`new` when one due rule never notified it', second: undefined, kind: 'new', outcome: 'notified' },
      { title: '`reminder` when every due rule notified it before', second: longAgo, kind: 'reminder', outcome: 'reminded' },
    ])('sends one notification to the de-duplicated union of due rules, $title', ({ second, kind, outcome }) => {
      const rules = notified(['first', longAgo], ['not-due', recently], ...(second ? [['second', second] as [string, string]] : []));
      const record = stored({}, { rules });
      const decision = run({ finding: snapshot(), record, policy });
      expect(decision).toMatchObject({
        action: 'send',
        outcome,
        notification: {
          kind,
          id: `${record.key}|${kind}|${NOW.toISOString()}`,
          rules: ['first', 'second'],
          to: ['shared@example.com', 'first@example.com', 'second@example.com'],
        },
      });
      if (decision.action !== 'send') return;
      expect(decision.base.rules).toEqual(rules);
      expect(decision.next.rules).toEqual(notified(['first', NOW.toISOString()], ['not-due', recently], ['second', NOW.toISOString()]));
    });

    it('skips a finding that matches no rule', () => {
      expect(run({ finding: snapshot({ severity: 'MEDIUM' }), policy })).toEqual({
        action: 'skip',
        outcome: 'ignored',
        reason: 'matches no rule',
      });
    });
  });

  describe('snapshot refresh', () => {
    const notifiedAt = '2026-01-10T10:00:00.000Z';
    const record = stored({}, { rules: notified(['team', notifiedAt]) });
    const refreshedBy = (finding: FindingSnapshot): TrackedRecord => ({
      ...record,
      updatedAt: finding.updatedAt,
      snapshot: finding,
      expiresAt: plus(NOW, OPEN_RECORD_TTL),
    });

    it.each([
      { title: 'its severity changed', spec: { severity: 'CRITICAL', updatedAt: plus(UPDATED, 60_000) } },
      { title: 'its title changed', spec: { title: 'Still brute-forcing', updatedAt: plus(UPDATED, 60_000) } },
      { title: 'a day passed since the stored update', spec: { updatedAt: plus(UPDATED, DAY) } },
    ] satisfies { title: string; spec: FindingSpec }[])('writes a refreshed snapshot and TTL, sending nothing, when $title', ({ spec }) => {
      const finding = snapshot(spec);
      expect(run({ finding, record })).toEqual({
        action: 'write',
        outcome: 'suppressed',
        reason: expect.any(String),
        next: refreshedBy(finding),
      });
    });

    it.each([
      { title: 'less than a day passed and nothing shown changed', spec: { updatedAt: plus(UPDATED, DAY - 1) } },
      { title: 'the title changed but the update time did not move', spec: { title: 'Still brute-forcing' } },
    ] satisfies { title: string; spec: FindingSpec }[])('changes nothing when $title', ({ spec }) => {
      expect(run({ finding: snapshot(spec), record })).toEqual({ action: 'skip', outcome: 'suppressed', reason: expect.any(String) });
    });

    it('sends a reminder from the refreshed snapshot, taking over an expired claim', () => {
      const finding = snapshot({ severity: 'CRITICAL', updatedAt: LATER });
      const claimed: TrackedRecord = { ...record, claim: { id: 'crashed-worker', until: plus(WALL_NOW, -HOUR) } };
      const decision = run({ finding, record: claimed, now: new Date(plus(notifiedAt, 15 * DAY)) });
      expect(decision).toMatchObject({ action: 'send', notification: { kind: 'reminder' } });
      if (decision.action !== 'send') return;
      expect(decision.base).toMatchObject({ updatedAt: LATER, snapshot: finding, version: record.version });
      expect(decision.next).toMatchObject({ updatedAt: LATER, snapshot: finding, version: record.version });
      expect(decision.base).not.toHaveProperty('claim');
      expect(decision.next).not.toHaveProperty('claim');
    });

    it('refreshes the snapshot of a tracked finding that matches no rule any more', () => {
      const finding = snapshot({ severity: 'MEDIUM', updatedAt: LATER });
      expect(run({ finding, record })).toEqual({
        action: 'write',
        outcome: 'ignored',
        reason: expect.any(String),
        next: refreshedBy(finding),
      });
    });

    it.each([
      { title: 'a tracked finding that did not move', finding: snapshot(), record },
      { title: 'an untracked finding', finding: snapshot({ updatedAt: LATER }), record: undefined },
      { title: 'a finding open again after its tombstone', finding: snapshot({ updatedAt: LATER }), record: tombstone() },
    ])('skips $title when no rule matches', ({ finding, record: before }) => {
      const policy = policyOf(rule('team', {}, { severities: ['CRITICAL'] }));
      expect(run({ finding, record: before, policy })).toEqual({ action: 'skip', outcome: 'ignored', reason: 'matches no rule' });
    });
  });

  describe('notification ids', () => {
    it('gives the same decision and id to the same inputs made twice', () => {
      const input = { finding: snapshot(), record: stored({}, { rules: notified(['team', '2025-06-01T00:00:00.000Z']) }) };
      const first = run(input);
      const second = run(structuredClone(input));
      expect(second).toEqual(first);
      if (first.action !== 'send' || second.action !== 'send') throw new Error('expected a reminder');
      expect(second.notification.id).toBe(first.notification.id);
    });

    it('builds the id from the key, the kind and the decision time', () => {
      const finding = snapshot();
      const ids = [NOW, new Date(plus(NOW, 1))].map((now) => {
        const decision = run({ finding, now });
        return decision.action === 'send' ? decision.notification.id : decision.action;
      });
      expect(ids[0]).toBe(`${finding.key}|new|${NOW.toISOString()}`);
      expect(ids[0]).toContain(finding.key);
      expect(ids[1]).not.toBe(ids[0]);
    });
  });
});
