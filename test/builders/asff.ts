/**
 * Builders for realistic ASFF and OCSF findings and EventBridge events,
 * shaped like the public samples in ../shared/fixtures.
 */

import type { Finding } from '../../src/core/finding.js';
import { extractFindings } from '../../src/core/normalize/extract.js';

export interface FindingSpec {
  id?: string;
  account?: string;
  region?: string;
  product?: 'guardduty' | 'inspector' | 'securityhub' | 'macie' | string;
  severity?: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  title?: string;
  description?: string;
  firstObservedAt?: string;
  updatedAt?: string;
  recordState?: 'ACTIVE' | 'ARCHIVED';
  workflow?: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
  compliance?: 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE';
  /** Standards ids for a Security Hub control finding, e.g. "standards/aws-foundational-security-best-practices/v/1.0.0". */
  standards?: string[];
  controlId?: string;
  productArn?: string;
}

const FSBP = 'standards/aws-foundational-security-best-practices/v/1.0.0';

/** A bare ASFF finding. Defaults: an open HIGH GuardDuty finding. */
export function asff(spec: FindingSpec = {}): Record<string, unknown> {
  const account = spec.account ?? '111122223333';
  const region = spec.region ?? 'us-east-1';
  const product = spec.product ?? 'guardduty';
  const updatedAt = spec.updatedAt ?? '2026-01-10T10:00:00.000Z';
  const isControl = product === 'securityhub';
  const controlId = spec.controlId ?? 'EC2.8';
  const id =
    spec.id ??
    (isControl
      ? `arn:aws:securityhub:${region}:${account}:security-control/${controlId}/finding/0c1d2e3f-4a5b-6c7d-8e9f-${account}`
      : `arn:aws:guardduty:${region}:${account}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/7ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5`);
  const finding: Record<string, unknown> = {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: spec.productArn ?? `arn:aws:securityhub:${region}::product/aws/${product}`,
    GeneratorId: isControl
      ? `security-control/${controlId}`
      : 'arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0',
    AwsAccountId: account,
    Region: region,
    Types: isControl
      ? ['Software and Configuration Checks/Industry and Regulatory Standards']
      : ['TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce'],
    FirstObservedAt: spec.firstObservedAt ?? '2026-01-10T09:00:00.000Z',
    LastObservedAt: updatedAt,
    CreatedAt: spec.firstObservedAt ?? '2026-01-10T09:00:00.000Z',
    UpdatedAt: updatedAt,
    Severity: { Label: spec.severity ?? 'HIGH', Original: spec.severity ?? 'HIGH' },
    Title:
      spec.title ??
      (isControl
        ? `${controlId} EC2 instances should use IMDSv2`
        : '203.0.113.7 is performing SSH brute force attacks against i-0abc123def4567890.'),
    Description: spec.description ?? 'A test finding.',
    Remediation: {
      Recommendation: {
        Text: 'See the documentation.',
        Url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8',
      },
    },
    Resources: [
      { Type: 'AwsEc2Instance', Id: `arn:aws:ec2:${region}:${account}:instance/i-0abc123def4567890`, Partition: 'aws', Region: region },
    ],
    RecordState: spec.recordState ?? 'ACTIVE',
    Workflow: { Status: spec.workflow ?? 'NEW' },
  };
  if (isControl) {
    finding.Compliance = {
      Status: spec.compliance ?? 'FAILED',
      SecurityControlId: controlId,
      AssociatedStandards: (spec.standards ?? [FSBP]).map((StandardsId) => ({ StandardsId })),
    };
  } else if (spec.compliance) {
    finding.Compliance = { Status: spec.compliance };
  }
  return finding;
}

/** A "Security Hub Findings - Imported" EventBridge event. */
export function asffEvent(findings: Record<string, unknown>[], time = '2026-01-10T10:00:05Z'): Record<string, unknown> {
  return {
    version: '0',
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    'detail-type': 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account: String(findings[0]?.AwsAccountId ?? '111122223333'),
    time,
    region: String(findings[0]?.Region ?? 'us-east-1'),
    resources: findings.map((f) => `${String(f.ProductArn)}/${String(f.Id)}`),
    detail: { findings },
  };
}

/** Normalises a raw finding or event into the model; throws when it is not valid. */
export function normalized(raw: unknown): Finding {
  const [item] = [...extractFindings(raw, 'test')];
  if (item?.kind !== 'finding') throw new Error(`not a finding: ${JSON.stringify(item)}`);
  return item.finding;
}
