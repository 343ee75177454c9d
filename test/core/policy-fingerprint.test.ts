import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, DEFAULT_POLICY_DOCUMENT, validatePolicy } from '../../src/core/policy.js';
import {
  canonicalJson,
  policyDocumentValue,
  policyFingerprint,
  policyMismatch,
  policyOfDocument,
} from '../../src/core/policy-fingerprint.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, leaves out undefined members and white space', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: undefined, m: 'x' }], a: null, c: true })).toBe('{"a":null,"b":[3,{"m":"x","z":1}],"c":true}');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"\n': 'é\u2028"' })).toBe(JSON.stringify({ 'k"\n': 'é\u2028"' }));
  });
});

describe("the policy's fingerprint", () => {
  it('is the same for the same rules written in another order and units', () => {
    const rewritten = validatePolicy({
      rules: [
        {
          notify: { resolved: false, every: '360h', after: '0m', to: ['security-team@example.com'] },
          match: { standards: ['CIS', 'fsbp'], products: ['GuardDuty', 'inspector', 'securityhub'], severities: ['critical', 'high'] },
          name: 'critical-and-high',
        },
      ],
      sender: 'sechub-alerts@example.com',
    });

    expect(policyFingerprint(rewritten, sha256)).toBe(policyFingerprint(DEFAULT_POLICY, sha256));
  });

  it('changes with any rule', () => {
    const changed = validatePolicy({ ...DEFAULT_POLICY_DOCUMENT, sender: 'other@example.com' });

    expect(policyFingerprint(changed, sha256)).not.toBe(policyFingerprint(DEFAULT_POLICY, sha256));
  });
});

describe('the mismatch warning', () => {
  const other = { ...DEFAULT_POLICY_DOCUMENT, sender: 'other@example.com' };
  const fingerprint = (document: unknown) => policyFingerprint(validatePolicy(document), sha256).slice(0, 12);

  it('names both fingerprints by 12 hex digits when the deployment runs another policy', () => {
    expect(policyMismatch(DEFAULT_POLICY, policyDocumentValue(other), sha256)).toBe(
      `warning: the policy given (${fingerprint(DEFAULT_POLICY_DOCUMENT)}) differs from the one the deployment runs (${fingerprint(other)}); this run follows the policy given`,
    );
  });

  it('is silent when the policies agree, however written, or the deployment keeps none', () => {
    const rewritten = {
      rules: DEFAULT_POLICY_DOCUMENT.rules.map((rule) => ({ ...rule, notify: { ...rule.notify, every: '360h' } })),
      sender: DEFAULT_POLICY_DOCUMENT.sender,
    };
    expect(policyMismatch(DEFAULT_POLICY, policyDocumentValue(rewritten), sha256)).toBeUndefined();
    expect(policyMismatch(DEFAULT_POLICY, undefined, sha256)).toBeUndefined();
  });

  it('says when the deployment keeps a policy it cannot read', () => {
    expect(() => policyOfDocument('not json')).toThrow(/not JSON/);
    expect(() => policyOfDocument('{"sha256": "x"}')).toThrow(/no "policy" field/);
    expect(policyMismatch(DEFAULT_POLICY, '{"policy": {"rules": []}}', sha256)).toContain("the deployment's policy cannot be read");
  });
});
