import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { eventPatternFor } from '../../src/core/event-pattern.js';
import type { Finding } from '../../src/core/finding.js';
import { extractFindings } from '../../src/core/normalize/extract.js';
import { DEFAULT_POLICY, type Policy, validatePolicy } from '../../src/core/policy.js';
import { FINDINGS_DETAIL_TYPES } from '../../src/core/security-hub/vocabulary.js';
import { asff, asffEvent } from '../builders/asff.js';
import { matchesEventPattern } from '../support/event-pattern-matcher.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = resolve(repoRoot, '../shared/fixtures');
/** EventBridge's default limit on the length of an event pattern. */
const PATTERN_LIMIT = 2048;

interface NamedEvent {
  name: string;
  event: Record<string, unknown>;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => join(dir, file));
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** Every real EventBridge event among the fixtures, including the two of other detail-types. */
const realEvents: NamedEvent[] = [
  ...jsonFiles(join(fixtures, 'asff/events')),
  ...jsonFiles(join(fixtures, 'asff/events/other-detail-types')),
  ...jsonFiles(join(fixtures, 'ocsf/events')),
].map((file) => ({ name: basename(file, '.json'), event: readJson(file) }));

/** Real GetFindingsV2 findings in the envelope AWS documents for "Findings Imported V2" (one finding per event). */
const wrappedOcsfEvents: NamedEvent[] = [
  ...jsonFiles(join(fixtures, 'ocsf/findings/elastic-aws_securityhub')),
  join(fixtures, 'ocsf/findings/aws-docs-sample-exposure-finding.json'),
  join(fixtures, 'ocsf/findings/converted/asr-securityhub-coverage-guardduty-compliance.json'),
].map((file) => ({
  name: `wrapped ${basename(file, '.json')}`,
  event: {
    version: '0',
    id: 'CWE-event-id',
    'detail-type': 'Findings Imported V2',
    source: 'aws.securityhub',
    account: '111122223333',
    time: '2025-07-22T03:03:15Z',
    region: 'us-east-2',
    resources: ['e51603d1054aad9d9f498d82d6e81acf4cf6bc88140e8ad2273123c73b81084'],
    detail: { findings: [readJson(file)] },
  },
}));

const allEvents = [...realEvents, ...wrappedOcsfEvents];

const policyOf = (rules: { name: string; match?: Record<string, unknown> }[]): Policy =>
  validatePolicy({ sender: 'alerts@example.com', rules: rules.map((rule) => ({ ...rule, notify: { to: ['team@example.com'] } })) });

const examplePolicy = validatePolicy(parseYaml(readFileSync(join(repoRoot, 'infra/examples/basic/policy.yaml'), 'utf8')));

const policies: Record<string, Policy> = {
  'the default policy': DEFAULT_POLICY,
  'the example deployment policy': examplePolicy,
  'an Inspector-only policy from MEDIUM up': policyOf([
    { name: 'vulns', match: { severities: ['medium', 'high', 'critical'], products: ['inspector'] } },
  ]),
  'a policy with a rule of any severity': policyOf([
    { name: 'controls', match: { products: ['securityhub'] } },
    { name: 'threats', match: { severities: ['CRITICAL'], products: ['guardduty'] } },
  ]),
  'a policy with a rule of any product': policyOf([{ name: 'low-and-up', match: { severities: ['LOW', 'MEDIUM'] } }]),
  'a policy naming non-AWS products': policyOf([{ name: 'partners', match: { severities: ['HIGH'], products: ['other'] } }]),
};

const findingsOf = (event: Record<string, unknown>): Finding[] =>
  [...extractFindings(event, 'event')].flatMap((item) => (item.kind === 'finding' ? [item.finding] : []));

/**
 * What the pattern is meant to pass, computed from the normalised findings:
 * an imported-findings event with a finding of a product the policy names
 * whose severity the policy names or that is being closed.
 */
function shouldPass(policy: Policy, event: Record<string, unknown>): boolean {
  if (event.source !== 'aws.securityhub' || !FINDINGS_DETAIL_TYPES.includes(String(event['detail-type']))) return false;
  const products = policy.rules.every((r) => r.match.products && !r.match.products.includes('other'))
    ? policy.rules.flatMap((r) => r.match.products ?? [])
    : undefined;
  const severities = policy.rules.every((r) => r.match.severities) ? policy.rules.flatMap((r) => r.match.severities ?? []) : undefined;
  return findingsOf(event).some(
    (f) => (!products || products.includes(f.product)) && (!severities || severities.includes(f.severity) || !f.open),
  );
}

const passing = (policy: Policy, events: NamedEvent[]) =>
  events.filter(({ event }) => matchesEventPattern(eventPatternFor(policy), event)).map(({ name }) => name);

describe('event pattern of the findings rule', () => {
  it('passes exactly the real events the default policy cares about, closing events of any severity included', () => {
    // prepare
    const pattern = eventPatternFor(DEFAULT_POLICY);
    // act
    const passed = realEvents.filter(({ event }) => matchesEventPattern(pattern, event)).map(({ name }) => name);
    // assess
    expect(passed.sort()).toEqual([
      'awsdocs-auditmanager-cis-1.2.0-1.12-passed-resolved',
      'awsdocs-auditmanager-fsbp-iam.4-passed-resolved',
      'awsdocs-auditmanager-pci-iam.1-passed-resolved',
      'jira-cis-1.2.0-rule-1.22-failed',
      'jira-fsbp-ec2.8-active-new',
      'jira-fsbp-ec2.8-archived-new',
      'jira-fsbp-ec2.8-archived-notified',
      'sumologic-guardduty-detection-suppressed',
    ]);
  });

  it('drops open findings below the policy severities and events that are not imported findings', () => {
    const dropped = realEvents.map(({ name }) => name).filter((name) => !passing(DEFAULT_POLICY, realEvents).includes(name));
    expect(dropped.sort()).toEqual([
      'jira-custom-action-fsbp-ec2.8-notified',
      'sharr-cis-1.2.0-rule-1.3-warning',
      'sharr-fsbp-ec2.7-failed',
      'sumologic-thirdparty-legacy-detail-type',
    ]);
  });

  it('filters OCSF findings by product and severity too', () => {
    const policy = policies['an Inspector-only policy from MEDIUM up'] as Policy;
    expect(passing(policy, wrappedOcsfEvents).sort()).toEqual([
      'wrapped 05-vulnerability-inspector-CVE-2023-44487-new',
      'wrapped 06-vulnerability-inspector-CVE-2025-8194-new',
      'wrapped 07-vulnerability-inspector-CVE-2021-47412-new',
      'wrapped 10-vulnerability-inspector-CVE-2025-47906-new',
    ]);
  });

  for (const [label, policy] of Object.entries(policies)) {
    it(`agrees with the normalised findings on every event for ${label}`, () => {
      const pattern = eventPatternFor(policy);
      for (const { name, event } of allEvents) {
        expect({ name, passes: matchesEventPattern(pattern, event) }).toEqual({ name, passes: shouldPass(policy, event) });
      }
    });
  }

  it('drops the severity filter when a rule matches any severity', () => {
    const policy = policies['a policy with a rule of any severity'] as Policy;
    const medium = asffEvent([asff({ product: 'securityhub', severity: 'MEDIUM' })]);
    const lowGuardDuty = asffEvent([asff({ product: 'guardduty', severity: 'LOW' })]);
    expect(matchesEventPattern(eventPatternFor(policy), medium)).toBe(true);
    // Narrowing stays per field: a LOW GuardDuty finding passes too, and the engine's rules skip it.
    expect(matchesEventPattern(eventPatternFor(policy), lowGuardDuty)).toBe(true);
    expect(matchesEventPattern(eventPatternFor(policy), asffEvent([asff({ product: 'macie', severity: 'LOW' })]))).toBe(false);
  });

  it('drops the product filter when a rule matches any product or names non-AWS products', () => {
    const partner = asffEvent([asff({ productArn: 'arn:aws:securityhub:us-east-1::product/prowler/prowler', severity: 'HIGH' })]);
    expect(matchesEventPattern(eventPatternFor(policies['a policy naming non-AWS products'] as Policy), partner)).toBe(true);
    expect(matchesEventPattern(eventPatternFor(policies['a policy with a rule of any product'] as Policy), partner)).toBe(false);
    expect(matchesEventPattern(eventPatternFor(DEFAULT_POLICY), partner)).toBe(false);
  });

  it('does not take a product whose name only starts like a policy product', () => {
    const risk = wrappedOcsfEvents.find(({ name }) => name.includes('exposure'))?.event;
    expect(matchesEventPattern(eventPatternFor(policyOf([{ name: 'hub', match: { products: ['securityhub'] } }])), risk)).toBe(false);
    expect(matchesEventPattern(eventPatternFor(policyOf([{ name: 'risk', match: { products: ['securityhub-risk'] } }])), risk)).toBe(true);
  });

  it('passes an event when any one of its findings qualifies', () => {
    const event = asffEvent([asff({ severity: 'LOW', id: 'low' }), asff({ severity: 'CRITICAL', id: 'critical' })]);
    expect(matchesEventPattern(eventPatternFor(DEFAULT_POLICY), event)).toBe(true);
  });

  it('stays under EventBridge’s pattern length limit for realistic policies', () => {
    const broad = policyOf([
      {
        name: 'everything-aws',
        match: {
          severities: ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'],
          products: [
            'guardduty',
            'inspector',
            'securityhub',
            'macie',
            'access-analyzer',
            'config',
            'health',
            'firewall-manager',
            'ssm-patch-manager',
            'systems-manager-explorer',
            'securityhub-risk',
            'detective',
          ],
        },
      },
    ]);
    for (const policy of [...Object.values(policies), broad]) {
      expect(JSON.stringify(eventPatternFor(policy)).length).toBeLessThan(PATTERN_LIMIT);
    }
  });
});
