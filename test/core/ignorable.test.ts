import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import { ignoredUnlessTracked } from '../../src/core/ignorable.js';
import { validatePolicy } from '../../src/core/policy.js';
import { snapshotOf } from '../../src/core/record.js';
import { asffOf, type FindingParts, findingParts, REGIONS, SEVERITY_LABELS } from '../builders/arbitraries.js';
import { normalized } from '../builders/asff.js';

/**
 * The command reads only the key of a finding that `ignoredUnlessTracked`
 * names, and counts it ignored when the store holds no record of it. That is
 * right only if `decide` says the same for every such finding and policy.
 */

const policies = fc
  .array(
    fc.record({
      match: fc.record(
        {
          severities: fc.subarray([...SEVERITY_LABELS], { minLength: 1 }),
          products: fc.subarray(['guardduty', 'inspector', 'securityhub', 'macie', 'other'], { minLength: 1 }),
          standards: fc.subarray(['cis', 'fsbp', 'pci', 'nist'], { minLength: 1 }),
          regions: fc.subarray([...REGIONS], { minLength: 1 }),
        },
        { requiredKeys: [] },
      ),
      after: fc.constantFrom('0d', '12h', '2w'),
      resolved: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((rules) =>
    validatePolicy({
      sender: 'alerts@example.com',
      rules: rules.map((rule, i) => ({
        name: `rule-${i}`,
        match: rule.match,
        notify: { to: ['team@example.com'], after: rule.after, resolved: rule.resolved },
      })),
    }),
  );

const times = fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2031-01-01T00:00:00Z'), noInvalidDate: true });

const sampleParts: FindingParts = {
  id: 'finding-1',
  account: '111122223333',
  region: 'us-east-1',
  product: 'guardduty',
  severity: 'HIGH',
  recordState: 'ACTIVE',
  workflow: 'NEW',
  compliance: undefined,
  standards: [],
  updatedAt: '2026-01-10T10:00:00.000Z',
};

describe('a finding ignored unless tracked', () => {
  it('is ignored by decide whenever the store holds no record of it, whatever the policy and the time', () => {
    let named = 0;
    fc.assert(
      fc.property(policies, findingParts, times, (policy, parts, now) => {
        const finding = snapshotOf(normalized(asffOf(parts)));
        if (!ignoredUnlessTracked(policy, finding)) return;
        named++;
        const decision = decide({ finding, record: undefined, policy, now, wallNow: now });
        expect(decision).toMatchObject({ action: 'skip', outcome: 'ignored' });
      }),
      { numRuns: 2000 },
    );
    expect(named).toBeGreaterThan(100);
  });

  it('is never a closed finding, which resolves a tracked one, nor one a rule matches', () => {
    const policy = validatePolicy({
      sender: 'alerts@example.com',
      rules: [{ name: 'high', match: { severities: ['HIGH'] }, notify: { to: ['team@example.com'] } }],
    });
    const high = snapshotOf(normalized(asffOf({ ...sampleParts, severity: 'HIGH' })));
    const low = snapshotOf(normalized(asffOf({ ...sampleParts, severity: 'LOW' })));
    const lowClosed = snapshotOf(normalized(asffOf({ ...sampleParts, severity: 'LOW', workflow: 'RESOLVED' })));
    expect(ignoredUnlessTracked(policy, high)).toBe(false);
    expect(ignoredUnlessTracked(policy, low)).toBe(true);
    expect(ignoredUnlessTracked(policy, lowClosed)).toBe(false);
  });
});
