import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import { InvalidPolicyError } from '../../src/core/errors.js';
import type { Finding } from '../../src/core/finding.js';
import { matchingRules, ruleMatches, validatePolicy } from '../../src/core/policy.js';
import { REGIONS, SEVERITY_LABELS } from '../builders/arbitraries.js';
import { propertyRuns } from './support/property-runs.js';

/**
 * Policies: validation throws nothing but InvalidPolicyError, whatever the
 * document; matching is consistent (order, case, narrowing).
 */

const PRODUCT_NAMES = ['guardduty', 'inspector', 'securityhub', 'macie', 'other'] as const;
const STANDARD_NAMES = ['cis', 'fsbp', 'pci', 'nist'] as const;
const ACCOUNTS = ['111122223333', '444455556666'] as const;

const matchBlock = fc.record(
  {
    severities: fc.subarray([...SEVERITY_LABELS], { minLength: 1 }),
    products: fc.subarray([...PRODUCT_NAMES], { minLength: 1 }),
    standards: fc.subarray([...STANDARD_NAMES], { minLength: 1 }),
    accounts: fc.subarray([...ACCOUNTS], { minLength: 1 }),
    regions: fc.subarray([...REGIONS], { minLength: 1 }),
  },
  { requiredKeys: [] },
);

const ruleDocument = fc.record({
  match: matchBlock,
  notify: fc.record(
    {
      to: fc.constant(['team@example.com']),
      after: fc.constantFrom('0d', '30m', '12h', '2w'),
      every: fc.constantFrom('15d', '1d', 'never'),
      resolved: fc.boolean(),
    },
    { requiredKeys: ['to'] },
  ),
});

const policyDocument = fc
  .array(ruleDocument, { minLength: 1, maxLength: 5 })
  .map((rules) => ({ sender: 'alerts@example.com', rules: rules.map((rule, i) => ({ name: `rule-${i}`, ...rule })) }));

const snapshot = fc.record({
  severity: fc.constantFrom(...SEVERITY_LABELS),
  product: fc.constantFrom(...PRODUCT_NAMES),
  account: fc.constantFrom(...ACCOUNTS),
  region: fc.constantFrom(...REGIONS),
  standards: fc.subarray([...STANDARD_NAMES]),
});

function findingOf(s: { severity: Finding['severity']; product: string; account: string; region: string; standards: string[] }): Finding {
  return {
    key: `${s.account}|aws/${s.product}|id`,
    id: 'id',
    format: 'asff',
    account: s.account,
    region: s.region,
    partition: 'aws',
    productKey: `aws/${s.product}`,
    product: s.product,
    productName: s.product,
    severity: s.severity,
    open: true,
    title: 't',
    description: '',
    types: [],
    firstObservedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    control: s.product === 'securityhub' ? { id: 'EC2.8', standards: s.standards, standardIds: [] } : undefined,
    resources: [],
    resourceCount: 0,
    vulnerabilities: [],
    raw: {},
  };
}

/** Sets `value` at a random place in a copy of `document`. */
function mutate(document: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || document === null || typeof document !== 'object') return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(document) ? [...document] : { ...(document as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return value;
  const key = keys[path[0]! % keys.length]!;
  (copy as Record<string, unknown>)[key] = mutate((copy as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

function validationOutcome(document: unknown): 'valid' | 'invalid' {
  try {
    validatePolicy(document);
    return 'valid';
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPolicyError);
    const issues = (error as InvalidPolicyError).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue).toMatch(/^\S.*: \S/);
    return 'invalid';
  }
}

describe('validating any policy document', () => {
  it('returns a frozen policy or throws InvalidPolicyError naming path and expectation, for any JSON or YAML value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (document) => {
        validationOutcome(document);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('does the same for a valid policy with one value anywhere replaced by anything', () => {
    fc.assert(
      fc.property(policyDocument, fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (document, path, value) => {
        validationOutcome(mutate(document, path, value));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('accepts every well-formed policy and freezes it', () => {
    fc.assert(
      fc.property(policyDocument, (document) => {
        const policy = validatePolicy(document);
        expect(Object.isFrozen(policy)).toBe(true);
        expect(Object.isFrozen(policy.rules[0]!.match)).toBe(true);
        expect(validatePolicy(document)).toEqual(policy);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('matching', () => {
  it('does not depend on the order of the rules nor on the case of the names in the policy', () => {
    fc.assert(
      fc.property(policyDocument, snapshot, (document, s) => {
        const finding = findingOf(s);
        const names = (doc: unknown) =>
          matchingRules(validatePolicy(doc), finding)
            .map((rule) => rule.name)
            .sort();
        const reversed = { ...document, rules: [...document.rules].reverse() };
        const shouting = JSON.parse(JSON.stringify(document), (key, value) =>
          ['severities', 'products', 'standards', 'regions'].includes(key) ? (value as string[]).map((v) => v.toUpperCase()) : value,
        );
        expect(names(reversed)).toEqual(names(document));
        expect(names(shouting)).toEqual(names(document));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('never matches more when a rule names more conditions, and an empty match selects every finding', () => {
    fc.assert(
      fc.property(
        ruleDocument,
        snapshot,
        fc.constantFrom('severities', 'products', 'standards', 'accounts', 'regions'),
        (rule, s, field) => {
          const finding = findingOf(s);
          const narrow = validatePolicy({ sender: 'a@example.com', rules: [{ name: 'r', ...rule }] }).rules[0]!;
          const { [field]: _dropped, ...fewer } = rule.match;
          const wide = validatePolicy({ sender: 'a@example.com', rules: [{ name: 'r', ...rule, match: fewer }] }).rules[0]!;
          const all = validatePolicy({ sender: 'a@example.com', rules: [{ name: 'r', notify: rule.notify }] }).rules[0]!;
          if (ruleMatches(narrow, finding)) expect(ruleMatches(wide, finding)).toBe(true);
          expect(ruleMatches(all, finding)).toBe(true);
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('makes the same decision, with the same notification id, every time it is asked', () => {
    fc.assert(
      fc.property(policyDocument, snapshot, fc.integer({ min: 0, max: 60 }), (document, s, days) => {
        const policy = validatePolicy(document);
        const now = new Date(Date.parse('2026-01-02T00:00:00Z') + days * 86_400_000);
        const input = { finding: findingOf(s), record: undefined, policy, now, wallNow: now };
        expect(decide(input)).toEqual(decide(input));
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
