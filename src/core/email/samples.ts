import type { Notification, NotificationKind } from '../notification.js';
import type { FindingSnapshot } from '../record.js';

/**
 * Example findings of each kind the email treats specially, shaped like the
 * public AWS samples (documentation account ids, example resources). They
 * feed the screenshots in docs/, the benchmark and the browser tests; the
 * running product never imports them.
 */

const ACCOUNT = '111122223333';

/** A GuardDuty threat finding with a count and an account name. */
export const GUARDDUTY_SAMPLE: FindingSnapshot = {
  key: `${ACCOUNT}|aws/guardduty|arn:aws:guardduty:eu-west-1:${ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/7ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5`,
  id: `arn:aws:guardduty:eu-west-1:${ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/7ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5`,
  format: 'asff',
  account: ACCOUNT,
  accountName: 'payments-production',
  region: 'eu-west-1',
  partition: 'aws',
  productKey: 'aws/guardduty',
  product: 'guardduty',
  productName: 'GuardDuty',
  severity: 'HIGH',
  open: true,
  title: 'The EC2 instance i-0abc123def4567890 queried a DGA domain name.',
  description:
    'The EC2 instance i-0abc123def4567890 is querying algorithmically generated domains. Such domains are commonly used by malware and could be an indication of a compromised EC2 instance.',
  types: ['TTPs/Command and Control/Trojan:EC2-DGADomainRequest.B'],
  firstObservedAt: '2026-01-10T09:30:00.000Z',
  updatedAt: '2026-01-10T10:05:30.000Z',
  remediation: {
    text: 'Isolate the instance, review its processes and network connections, and rotate any credentials it held.',
    url: 'https://docs.aws.amazon.com/guardduty/latest/ug/compromised-ec2.html',
  },
  resources: [{ type: 'AwsEc2Instance', id: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0abc123def4567890`, region: 'eu-west-1' }],
  resourceCount: 1,
  vulnerabilities: [],
  count: 5,
};

/** An Inspector package vulnerability found in an OCSF finding, with fixed-in versions. */
export const INSPECTOR_SAMPLE: FindingSnapshot = {
  key: `${ACCOUNT}|aws/inspector|arn:aws:inspector2:us-east-2:${ACCOUNT}:finding/9abcdefabcdef0123456789abcdef121`,
  id: `arn:aws:inspector2:us-east-2:${ACCOUNT}:finding/9abcdefabcdef0123456789abcdef121`,
  format: 'ocsf',
  account: ACCOUNT,
  region: 'us-east-2',
  partition: 'aws',
  productKey: 'aws/inspector',
  product: 'inspector',
  productName: 'Inspector',
  severity: 'CRITICAL',
  open: true,
  title: 'CVE-2021-44228 - org.apache.logging.log4j:log4j-core',
  description:
    'Apache Log4j2 2.0-beta9 through 2.15.0 (excluding security releases 2.12.2, 2.12.3, and 2.3.1) JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints.\n\nAn attacker who can control log messages or log message parameters can execute arbitrary code loaded from LDAP servers when message lookup substitution is enabled.',
  types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
  firstObservedAt: '2026-01-02T16:03:05.186Z',
  updatedAt: '2026-01-02T16:20:00.000Z',
  remediation: { text: 'Upgrade the affected packages to the fixed versions and redeploy the image.' },
  resources: [
    {
      type: 'AwsEcrContainerImage',
      id: `arn:aws:ecr:us-east-2:${ACCOUNT}:repository/orders-api/sha256:1a65e73f85a7e2fc26ca1baa4cc9d4fbdbe9bbb46f7a2bf32db01de22759df94`,
      region: 'us-east-2',
    },
    { type: 'AwsEc2Instance', id: 'i-0abcd1235cdef1234', region: 'us-east-2' },
  ],
  resourceCount: 14,
  vulnerabilities: [
    {
      id: 'CVE-2021-44228',
      packages: [
        { name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', fixedIn: '2.15.0' },
        { name: 'org.apache.logging.log4j:log4j-api', version: '2.14.1', fixedIn: '2.15.0' },
      ],
    },
  ],
};

/** A Security Hub control finding that belongs to the CIS and FSBP standards. */
export const CONTROL_SAMPLE: FindingSnapshot = {
  key: `${ACCOUNT}|aws/securityhub|arn:aws:securityhub:us-east-1:${ACCOUNT}:security-control/CloudTrail.2/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`,
  id: `arn:aws:securityhub:us-east-1:${ACCOUNT}:security-control/CloudTrail.2/finding/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`,
  format: 'asff',
  account: ACCOUNT,
  accountName: 'audit',
  region: 'us-east-1',
  partition: 'aws',
  productKey: 'aws/securityhub',
  product: 'securityhub',
  productName: 'Security Hub',
  severity: 'MEDIUM',
  open: true,
  title: 'CloudTrail should have encryption at-rest enabled',
  description:
    'This control checks whether CloudTrail is configured to use server-side encryption with AWS KMS keys (SSE-KMS). The control fails if the KmsKeyId is not defined.',
  types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
  firstObservedAt: '2026-01-11T02:57:04.521Z',
  updatedAt: '2026-01-11T03:30:32.781Z',
  control: {
    id: 'CloudTrail.2',
    standards: ['cis', 'fsbp'],
    standardIds: [
      'standards/aws-foundational-security-best-practices/v/1.0.0',
      'standards/cis-aws-foundations-benchmark/v/1.4.0',
      'standards/cis-aws-foundations-benchmark/v/3.0.0',
    ],
  },
  remediation: {
    text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.',
    url: 'https://docs.aws.amazon.com/console/securityhub/CloudTrail.2/remediation',
  },
  resources: [{ type: 'AwsCloudTrailTrail', id: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management-events`, region: 'us-east-1' }],
  resourceCount: 1,
  vulnerabilities: [],
};

/** The three samples by name. */
export const SAMPLES = { guardduty: GUARDDUTY_SAMPLE, inspector: INSPECTOR_SAMPLE, control: CONTROL_SAMPLE } as const;

/** The finding as it looks when Security Hub reports it resolved `days` after its last update. */
export function resolvedSample(finding: FindingSnapshot, days = 3): FindingSnapshot {
  const updatedAt = new Date(Date.parse(finding.updatedAt) + days * 86_400_000).toISOString();
  return { ...finding, open: false, updatedAt };
}

/** A notification of `kind` about `finding`, decided `days` after it was first observed. */
export function sampleNotification(finding: FindingSnapshot, kind: NotificationKind, days = 1, rules = ['security-team']): Notification {
  const at = new Date(Date.parse(finding.firstObservedAt) + days * 86_400_000).toISOString();
  return { kind, id: `${finding.key}|${kind}|${at}`, rules, to: ['security-team@example.com'], at };
}
