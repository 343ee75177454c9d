import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { secretNamesOf, topicArnsOf } from '../../src/core/destinations.js';
import { DEFAULT_POLICY_DOCUMENT, isDigestRule, isEmailAddress, type Policy, validatePolicy } from '../../src/core/policy.js';
import { policyLocals, terraformAvailable } from '../support/terraform-cli.js';

/**
 * infra/policy.tf reads from the policy what the deployment must provide
 * beyond the event pattern: the secrets the destinations name (each must be
 * mapped in `secrets`), the SNS topics they publish to (IAM), the digest rules
 * (an hourly schedule), whether Organizations is the account directory (IAM)
 * and the addresses to verify in the SES sandbox. Evaluated by terraform for several policies, each must be what the
 * TypeScript the functions run says.
 */

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));
const notify = { to: ['team@example.com'] };
const topic = (name: string) => `arn:aws:sns:eu-west-1:111122223333:${name}`;

const POLICY_DOCUMENTS: Record<string, unknown> = {
  default: DEFAULT_POLICY_DOCUMENT,
  example: parseYaml(readFileSync(join(infraDir, 'examples/basic/policy.yaml'), 'utf8')),
  'destinations, organizations, a digest and snoozes': parseYaml(readFileSync(join(infraDir, 'tests/policies/destinations.yaml'), 'utf8')),
  'one secret named by two destinations, a plain webhook URL and one topic twice': {
    sender: 'alerts@example.com',
    destinations: {
      hook: { type: 'webhook', url: 'https://hooks.example.com/in', signing_secret: { secret: 'SHARED' } },
      other: { type: 'webhook', url: { secret: 'HOOK_URL' }, signing_secret: { secret: 'SHARED' } },
      'pager-a': { type: 'sns', topic_arn: topic('pager') },
      'pager-b': { type: 'sns', topic_arn: topic('pager') },
    },
    rules: [{ name: 'a', notify: { to: ['hook', 'other', 'pager-a', 'pager-b'] } }],
  },
  'Organizations turned off, a weekly digest': {
    sender: 'alerts@example.com',
    organizations: { enabled: false, owner_tag: 'owner' },
    rules: [
      { name: 'each', notify },
      { name: 'weekly', notify: { to: ['team@example.com'], digest: { every: '1w', weekday: 'monday', at: '09:00' } } },
    ],
  },
};

/** Every address the policy mails that Terraform can know: the rules' addresses (not "owners" or destinations) and the accounts' owners. */
function addressesOf(policy: Policy): string[] {
  const entries = policy.rules.flatMap((rule) => [
    ...rule.notify.to,
    ...rule.notify.fallback,
    ...rule.notify.escalate.flatMap((step) => step.to),
  ]);
  const owners = Object.values(policy.accounts).flatMap((account) => account.owners ?? []);
  return [...new Set([...entries.filter(isEmailAddress), ...owners])].sort();
}

describe.skipIf(!terraformAvailable())('the HCL reading of destinations, digests and Organizations (evaluated by terraform)', () => {
  let work: string;
  let evaluate: ReturnType<typeof policyLocals>;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sechub-policy-sections-'));
    evaluate = policyLocals(infraDir, work);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const [label, document] of Object.entries(POLICY_DOCUMENTS)) {
    it(`reads what the ${label} policy needs as the TypeScript does`, () => {
      // prepare
      const policy = validatePolicy(document);
      // act
      const fromHcl = evaluate(
        toYaml(document),
        '{ secret_names = local.secret_names, sns_topic_arns = local.sns_topic_arns, digest_rules = local.digest_rules, organizations_enabled = local.organizations_enabled, recipients = local.recipients }',
      );
      // assess
      expect(fromHcl).toEqual({
        secret_names: secretNamesOf(policy.destinations),
        sns_topic_arns: topicArnsOf(policy.destinations),
        digest_rules: policy.rules.filter(isDigestRule).map((rule) => rule.name),
        organizations_enabled: policy.organizations !== undefined,
        recipients: addressesOf(policy),
      });
    });
  }

  it('has a test policy that needs every kind of grant', () => {
    const policy = validatePolicy(POLICY_DOCUMENTS['destinations, organizations, a digest and snoozes']);
    expect(new Set(Object.values(policy.destinations).map((destination) => destination.type))).toEqual(
      new Set(['slack', 'teams', 'webhook', 'sns']),
    );
    expect(policy.organizations).toBeDefined();
    expect(policy.rules.some(isDigestRule)).toBe(true);
    expect(policy.snoozes.length).toBeGreaterThan(0);
  });
});
