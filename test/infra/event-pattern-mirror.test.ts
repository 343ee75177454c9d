// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { eventPatternFor } from '../../src/core/event-pattern.js';
import { DEFAULT_POLICY_DOCUMENT, validatePolicy } from '../../src/core/policy.js';
import {
  ASFF_CLOSED_PATTERNS,
  FINDINGS_DETAIL_TYPES,
  OCSF_CLOSED_PATTERNS,
  OCSF_SEVERITY_NAMES,
} from '../../src/core/security-hub/vocabulary.js';
import { policyLocals, terraformAvailable } from '../support/terraform-cli.js';
import { readTerraformModule, type TerraformModule } from '../support/terraform-config.js';

/**
 * infra/policy.tf mirrors eventPatternFor in HCL. These checks keep the two
 * from drifting: the Security Hub vocabulary must come from the generated
 * file (never an HCL copy), the HCL derivation must be the reviewed one, and
 * where a terraform binary exists the HCL is evaluated for several policies
 * and must give exactly the TypeScript pattern.
 */

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));
const notify = { to: ['team@example.com'] };

/** Policy documents as people write them (mixed case on purpose: both sides must normalise alike). */
const POLICY_DOCUMENTS: Record<string, unknown> = {
  default: DEFAULT_POLICY_DOCUMENT,
  example: parseYaml(readFileSync(join(infraDir, 'examples/basic/policy.yaml'), 'utf8')),
  'mixed case, two rules': {
    sender: 'alerts@example.com',
    rules: [
      { name: 'a', match: { severities: ['critical', 'High'], products: ['GuardDuty', 'inspector'] }, notify },
      { name: 'b', match: { severities: ['MEDIUM'], products: ['macie', 'guardduty'] }, notify },
    ],
  },
  'a rule of any severity': {
    sender: 'alerts@example.com',
    rules: [
      { name: 'a', match: { products: ['securityhub'] }, notify },
      { name: 'b', match: { severities: ['LOW'], products: ['guardduty'] }, notify },
    ],
  },
  'a rule of any product': { sender: 'alerts@example.com', rules: [{ name: 'a', match: { severities: ['HIGH'] }, notify }] },
  'non-AWS products': {
    sender: 'alerts@example.com',
    rules: [{ name: 'a', match: { severities: ['HIGH'], products: ['other', 'guardduty'] }, notify }],
  },
  'no match block at all': { sender: 'alerts@example.com', rules: [{ name: 'everything', notify }] },
  // The sections beyond rules, and rules that match on OUs and account tags, leave the pattern as it is.
  'destinations, organizations, a digest and snoozes': parseYaml(readFileSync(join(infraDir, 'tests/policies/destinations.yaml'), 'utf8')),
  'rules on OUs and account tags only': {
    sender: 'alerts@example.com',
    organizations: { enabled: true },
    rules: [
      { name: 'a', match: { ous: ['Root/Production'] }, notify },
      { name: 'b', match: { account_tags: { environment: ['production'] }, severities: ['HIGH'] }, notify },
    ],
  },
};

let infra: TerraformModule;
beforeAll(async () => {
  infra = await readTerraformModule(infraDir);
});

const squash = (text: unknown) => String(text).replace(/\s+/g, ' ');

describe('the HCL mirror of the event pattern (hcl2json)', () => {
  it('reads the Security Hub vocabulary from infra/generated/security-hub.json, not from an HCL copy', () => {
    // prepare
    const generated = JSON.parse(readFileSync(join(infraDir, 'generated/security-hub.json'), 'utf8'));
    const hcl = Object.entries(infra.sources)
      .map(([, text]) => text)
      .join('\n');
    // assess
    expect(infra.locals.security_hub).toBe('${jsondecode(file("${path.module}/generated/security-hub.json"))}');
    for (const name of ['findings_detail_types', 'asff_closed_patterns', 'ocsf_closed_patterns', 'ocsf_severity_names'])
      expect({ name, value: infra.locals[name] }).toEqual({ name, value: `\${local.security_hub.${name}}` });
    // The generated file holds what the TypeScript derivation uses (generated-vocabulary.test.ts checks it is fresh).
    expect(generated.findings_detail_types).toEqual(FINDINGS_DETAIL_TYPES);
    expect(generated.asff_closed_patterns).toEqual(ASFF_CLOSED_PATTERNS);
    expect(generated.ocsf_closed_patterns).toEqual(OCSF_CLOSED_PATTERNS);
    expect(generated.ocsf_severity_names).toEqual(OCSF_SEVERITY_NAMES);
    // No value of the vocabulary is spelled out in the module itself.
    for (const literal of [...FINDINGS_DETAIL_TYPES, 'ARCHIVED', 'SUPPRESSED', 'NOT_AVAILABLE', 'status_id', 'Fatal', 'Informational'])
      expect({ literal, inHcl: hcl.includes(literal) }).toEqual({ literal, inHcl: false });
    expect(infra.locals.any_value).toEqual([{ exists: true }]);
  });

  it('builds the pattern with the structure eventPatternFor returns', () => {
    expect(infra.locals.findings_event_pattern).toEqual({
      source: ['aws.securityhub'],
      'detail-type': '${local.findings_detail_types}',
      detail: {
        findings: {
          $or: [
            {
              ProductArn: '${local.product_values}',
              $or: '${concat([{ Severity = { Label = local.asff_severity_values } }], local.asff_closed_patterns)}',
            },
            {
              metadata: { product: { uid: '${local.product_values}' } },
              $or: '${concat([{ severity = local.ocsf_severity_values }], local.ocsf_closed_patterns)}',
            },
          ],
        },
      },
    });
    expect(infra.resources['aws_cloudwatch_event_rule.findings']?.event_pattern).toBe('${jsonencode(local.findings_event_pattern)}');
  });

  it('derives severities and products as the TypeScript does (reviewed expressions)', () => {
    // When one of these changes on purpose, change eventPatternFor with it and update this list.
    expect(squash(infra.locals.rule_severities)).toBe(
      '${[for rule in local.policy.rules : [for severity in try(rule.match.severities, []) : upper(severity)]]}',
    );
    expect(squash(infra.locals.rule_products)).toBe(
      '${[for rule in local.policy.rules : [for product in try(rule.match.products, []) : lower(product)]]}',
    );
    expect(squash(infra.locals.pattern_severities)).toBe(
      '${anytrue([for list in local.rule_severities : length(list) == 0]) ? [] : sort(distinct(flatten(local.rule_severities)))}',
    );
    expect(squash(infra.locals.pattern_products)).toBe(
      '${anytrue([for list in local.rule_products : length(list) == 0 || contains(list, "other")]) ? [] : sort(distinct(flatten(local.rule_products)))}',
    );
    expect(squash(infra.locals.product_values)).toBe(
      '${concat([for name in local.pattern_products : { suffix = "/aws/${name}" }], length(local.pattern_products) == 0 ? local.any_value : [])}',
    );
    expect(squash(infra.locals.asff_severity_values)).toBe(
      '${concat(local.pattern_severities, length(local.pattern_severities) == 0 ? local.any_value : [])}',
    );
    expect(squash(infra.locals.ocsf_severity_values)).toBe(
      '${concat(flatten([for severity in local.pattern_severities : local.ocsf_severity_names[severity]]), length(local.pattern_severities) == 0 ? local.any_value : [])}',
    );
  });
});

describe.skipIf(!terraformAvailable())('the HCL mirror of the event pattern (evaluated by terraform)', () => {
  let work: string;
  let evaluate: ReturnType<typeof policyLocals>;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sechub-pattern-'));
    evaluate = policyLocals(infraDir, work);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const [label, document] of Object.entries(POLICY_DOCUMENTS)) {
    it(`gives exactly the TypeScript pattern for the ${label} policy`, () => {
      const fromHcl = evaluate(toYaml(document), 'local.findings_event_pattern');
      expect(fromHcl).toEqual(eventPatternFor(validatePolicy(document)));
    });
  }
});
