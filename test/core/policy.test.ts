import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/adapters/files/policy-file.js';
import { InvalidPolicyError } from '../../src/core/errors.js';
import { DEFAULT_POLICY, matchingRules, validatePolicy } from '../../src/core/policy.js';
import { asff, normalized } from '../builders/asff.js';

const rule = (overrides: Record<string, unknown> = {}) => ({ name: 'r', notify: { to: ['a@example.com'] }, ...overrides });

function issuesOf(document: unknown): string[] {
  try {
    validatePolicy(document);
  } catch (error) {
    if (error instanceof InvalidPolicyError) return error.issues;
    throw error;
  }
  return [];
}

describe('policy validation', () => {
  it('names the path and what was expected', () => {
    const issues = issuesOf({
      sender: 'x@example.com',
      rules: [rule(), rule({ name: 'b', notify: { to: ['a@example.com'], every: 'often' } })],
    });
    expect(issues).toEqual(['rules[1].notify.every: expected a duration like "15d" or "never"']);
  });

  it('rejects unknown fields, bad addresses and bad severities, all at once', () => {
    const issues = issuesOf({
      sender: 'not-an-address',
      rules: [rule({ match: { severities: ['URGENT'], colour: 'red' } }), rule({ notify: { to: ['nobody'] } })],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'sender: expected the sender email address',
        'rules[0].match.severities[0]: expected one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL',
        'rules[0].match: unknown field "colour"',
        'rules[1].notify.to[0]: "nobody" is neither an email address, "owners", nor a destination of this policy (destinations: none)',
      ]),
    );
  });

  it('rejects two rules with one name, since notification state is kept per rule name', () => {
    expect(issuesOf({ sender: 'x@example.com', rules: [rule(), rule()] })).toEqual(['rules[1].name: duplicate rule name "r"']);
  });

  it('applies the defaults: after 0d, every 15d, no resolved email', () => {
    const policy = validatePolicy({ sender: 'x@example.com', rules: [rule()] });
    expect(policy.rules[0]?.notify).toEqual({
      to: ['a@example.com'],
      fallback: [],
      afterMs: 0,
      everyMs: 15 * 86_400_000,
      resolved: false,
      escalate: [],
    });
  });

  it('turns reminders off with every: never', () => {
    expect(
      validatePolicy({ sender: 'x@example.com', rules: [rule({ notify: { to: ['a@example.com'], every: 'never' } })] }).rules[0]?.notify
        .everyMs,
    ).toBeNull();
  });

  it('reads YAML and names the file in errors', () => {
    expect(() => parsePolicyText('sender: x@example.com\nrules: []\n', 'team.yaml')).toThrow(
      /team\.yaml: invalid policy:\n {2}rules: expected at least one rule/,
    );
    expect(() => parsePolicyText('sender: [unclosed', 'bad.yaml')).toThrow(/bad\.yaml: not valid YAML or JSON/);
  });
});

describe('rule matching', () => {
  it('the built-in policy takes CRITICAL and HIGH from GuardDuty, Inspector and Security Hub CIS/FSBP checks', () => {
    const matches = (spec: Parameters<typeof asff>[0]) => matchingRules(DEFAULT_POLICY, normalized(asff(spec))).length > 0;
    expect(matches({ product: 'guardduty', severity: 'HIGH' })).toBe(true);
    expect(matches({ product: 'inspector', severity: 'CRITICAL' })).toBe(true);
    expect(matches({ product: 'guardduty', severity: 'MEDIUM' })).toBe(false);
    expect(matches({ product: 'macie', severity: 'HIGH' })).toBe(false);
    expect(
      matches({ product: 'securityhub', severity: 'HIGH', standards: ['standards/aws-foundational-security-best-practices/v/1.0.0'] }),
    ).toBe(true);
    expect(matches({ product: 'securityhub', severity: 'HIGH', standards: ['ruleset/cis-aws-foundations-benchmark/v/1.2.0'] })).toBe(true);
    expect(matches({ product: 'securityhub', severity: 'HIGH', standards: ['standards/pci-dss/v/3.2.1'] })).toBe(false);
  });

  it('narrows only Security Hub control findings by standard and leaves other products alone', () => {
    const policy = validatePolicy({ sender: 'x@example.com', rules: [rule({ match: { standards: ['pci'] } })] });
    expect(matchingRules(policy, normalized(asff({ product: 'guardduty' })))).toHaveLength(1);
    expect(matchingRules(policy, normalized(asff({ product: 'securityhub', standards: ['standards/pci-dss/v/3.2.1'] })))).toHaveLength(1);
    expect(matchingRules(policy, normalized(asff({ product: 'securityhub' })))).toHaveLength(0);
  });

  it('requires every given field to match: accounts and regions too', () => {
    const policy = validatePolicy({
      sender: 'x@example.com',
      rules: [rule({ match: { accounts: ['111122223333'], regions: ['eu-west-1'] } })],
    });
    expect(matchingRules(policy, normalized(asff({ account: '111122223333', region: 'eu-west-1' })))).toHaveLength(1);
    expect(matchingRules(policy, normalized(asff({ account: '111122223333', region: 'us-east-1' })))).toHaveLength(0);
    expect(matchingRules(policy, normalized(asff({ account: '999988887777', region: 'eu-west-1' })))).toHaveLength(0);
  });
});

describe('recipient limits', () => {
  it('rejects more than 50 recipients in one rule, the most SES sends one email to', () => {
    const to = Array.from({ length: 51 }, (_, i) => `person${i}@example.com`);
    expect(issuesOf({ sender: 'x@example.com', rules: [rule({ notify: { to } })] })).toEqual([
      'rules[0].notify.to: expected at most 50 recipients (use a distribution list for more)',
    ]);
  });
});
