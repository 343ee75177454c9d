import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { TrackedEntry } from '../../src/core/sweep/plan.js';
import { normalizePage, type ScanPosition, scanStart, settleScanPage, verdictOf } from '../../src/core/sweep/settle.js';
import { asff, normalized } from '../builders/asff.js';

const T = '2026-01-10T10:00:00.000Z';
const LATER = '2026-01-11T10:00:00.000Z';

function entry(id: string, updatedAt = T): TrackedEntry {
  return {
    key: `111122223333|aws/guardduty|${id}`,
    id,
    api: 'asff',
    updatedAt,
    account: '111122223333',
    region: 'us-east-1',
    productName: 'GuardDuty',
    productKey: 'aws/guardduty',
  };
}

function found(id: string, spec: Parameters<typeof asff>[0] = {}): Finding {
  return normalized(asff({ id, ...spec }));
}

function page(...findings: Finding[]): Map<string, Finding> {
  return new Map(findings.map((finding) => [finding.key, finding]));
}

function position(ids: string[], next = 0, seen: string[] = []): ScanPosition {
  const sorted = ids.map((id) => entry(id));
  return { sorted, index: new Map(sorted.map((e) => [e.key, e])), next, seen: new Set(seen.map((id) => entry(id).key)) };
}

describe('the fate of a tracked finding (verdictOf)', () => {
  const notMissingAfter = Date.parse('2026-01-12T00:00:00Z');

  it.each([
    ['active when returned open and unchanged', found('a', { updatedAt: T }), false, 'active'],
    ['changed when returned open with a newer update', found('a', { updatedAt: LATER }), false, 'changed'],
    ['closed when returned archived', found('a', { recordState: 'ARCHIVED' }), false, 'closed'],
    ['closed when returned resolved', found('a', { workflow: 'RESOLVED' }), false, 'closed'],
    ['missing when not returned and its last update is old enough', undefined, false, 'missing'],
    ['deferred when not returned but its id came back under another identity', undefined, true, 'deferred'],
  ] as const)('is %s', (_what, finding, idSeen, verdict) => {
    expect(verdictOf(entry('a'), finding, idSeen, notMissingAfter)).toBe(verdict);
  });

  it('is deferred when not returned but updated too recently to conclude anything (eventual consistency)', () => {
    expect(verdictOf(entry('a', '2026-01-12T00:00:01.000Z'), undefined, false, notMissingAfter)).toBe('deferred');
  });
});

describe('which tracked findings a scan page settled (settleScanPage)', () => {
  it('returns the tracked findings the page holds, with what Security Hub said of each', () => {
    const outcome = settleScanPage(position(['a', 'b', 'c']), page(found('a'), found('c'), found('x')), true);

    expect(outcome.returned.map(({ entry, finding }) => [entry.id, finding.id])).toEqual([
      ['a', 'a'],
      ['c', 'c'],
    ]);
  });

  it('passes the tracked findings below the page highest id that the page did not return', () => {
    const outcome = settleScanPage(position(['a', 'b', 'c', 'd']), page(found('a'), found('c')), true);

    expect(outcome.passed.map(({ entry, index }) => [entry.id, index])).toEqual([['b', 1]]);
    expect(outcome.next).toBe(2);
  });

  it('keeps a tracked finding that ties with the page highest id for the next page', () => {
    const outcome = settleScanPage(position(['a', 'c']), page(found('c')), true);

    expect(outcome.passed.map(({ entry }) => entry.id)).toEqual(['a']);
    expect(outcome.next).toBe(1);
  });

  it('passes every remaining tracked finding on the last page', () => {
    const outcome = settleScanPage(position(['a', 'b', 'm', 'z'], 1), page(found('b')), false);

    expect(outcome.passed.map(({ entry }) => entry.id)).toEqual(['m', 'z']);
    expect(outcome.next).toBe(4);
  });

  it('does not pass a tracked finding an earlier page returned', () => {
    const outcome = settleScanPage(position(['a', 'b', 'c'], 0, ['b']), page(found('c')), true);

    expect(outcome.passed.map(({ entry }) => entry.id)).toEqual(['a']);
    expect(outcome.returned.map(({ entry }) => entry.id)).toEqual(['c']);
    expect(outcome.seen).toEqual([entry('c').key]);
  });

  it('leaves out findings a restarted run has settled already', () => {
    const settled = { id: 'b', key: entry('b').key };
    const outcome = settleScanPage({ ...position(['a', 'b', 'c']), settled }, page(found('a'), found('b'), found('c')), false);

    expect(outcome.returned.map(({ entry }) => entry.id)).toEqual(['c']);
  });

  it('passes nothing on an empty page that is not the last', () => {
    const outcome = settleScanPage(position(['a', 'b']), page(), true);

    expect(outcome).toEqual({ returned: [], passed: [], next: 0, seen: [] });
  });

  it('starts a restarted scan at the first finding after the saved position, in id order', () => {
    const { sorted, next } = scanStart([entry('c'), entry('a'), entry('b')], { id: 'a', key: entry('a').key });

    expect(sorted.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(next).toBe(1);
  });
});

describe('normalising a page from Security Hub', () => {
  it('keeps the newest version of a finding that repeats, and names what it could not read', () => {
    const { found: findings, problems } = normalizePage(
      [asff({ id: 'a', updatedAt: T }), asff({ id: 'a', updatedAt: LATER }), { hello: 'world' }],
      'asff',
    );

    expect([...findings.values()].map((f) => f.updatedAt)).toEqual([LATER]);
    expect(problems).toEqual([expect.stringMatching(/^unreadable finding from Security Hub: GetFindings\/2: /)]);
  });
});
