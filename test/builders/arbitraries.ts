import fc from 'fast-check';
import { asff } from './asff.js';

/**
 * Generators of hostile and valid inputs shared by the property tests.
 */

/** Characters that break HTML, headers, terminals and parsers. */
const DANGEROUS = [
  '<',
  '>',
  '"',
  "'",
  '&',
  '`',
  '=',
  '/',
  '\\',
  ':',
  ';',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\0',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  'é',
  ' ',
  'a',
  '{',
  '}',
  '[',
  ']',
  '%',
  '#',
  '?',
  '@',
];

/** Any text: arbitrary code points (lone surrogates included), or a dense mix of dangerous characters. */
export function hostileText(maxLength = 60): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.constantFrom(...DANGEROUS), maxLength }),
    fc.constantFrom(
      '"><script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      'javascript:alert(1)',
      'a\r\nBcc: x@example.com',
      '$'.concat('{7*7}{{7*7}}'),
    ),
  );
}

export const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'] as const;
export const PRODUCTS = ['guardduty', 'inspector', 'securityhub', 'macie'] as const;
export const STANDARDS = [
  'standards/aws-foundational-security-best-practices/v/1.0.0',
  'standards/cis-aws-foundations-benchmark/v/1.4.0',
  'standards/pci-dss/v/3.2.1',
  'standards/nist-800-53/v/5.0.0',
] as const;

export interface FindingParts {
  id: string;
  account: string;
  region: (typeof REGIONS)[number];
  product: (typeof PRODUCTS)[number];
  severity: (typeof SEVERITY_LABELS)[number];
  recordState: 'ACTIVE' | 'ARCHIVED';
  workflow: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
  compliance: 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE' | undefined;
  standards: string[];
  updatedAt: string;
}

/** The parts of a valid finding; every combination Security Hub can produce. */
export const findingParts: fc.Arbitrary<FindingParts> = fc.record({
  id: fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
  account: fc.stringMatching(/^\d{12}$/),
  region: fc.constantFrom(...REGIONS),
  product: fc.constantFrom(...PRODUCTS),
  severity: fc.constantFrom(...SEVERITY_LABELS),
  recordState: fc.constantFrom('ACTIVE', 'ARCHIVED'),
  workflow: fc.constantFrom('NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'),
  compliance: fc.constantFrom('PASSED', 'FAILED', 'WARNING', 'NOT_AVAILABLE', undefined),
  standards: fc.subarray([...STANDARDS], { minLength: 1 }),
  updatedAt: fc
    .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
});

/** The ASFF document for the parts. */
export function asffOf(parts: FindingParts): Record<string, unknown> {
  return asff({
    id: parts.id,
    account: parts.account,
    region: parts.region,
    product: parts.product,
    severity: parts.severity,
    recordState: parts.recordState,
    workflow: parts.workflow,
    compliance: parts.compliance,
    standards: parts.standards,
    updatedAt: parts.updatedAt,
    firstObservedAt: '2019-12-31T00:00:00.000Z',
  });
}

const OCSF_SEVERITY_IDS = { INFORMATIONAL: 1, LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 } as const;

/** The same finding as the new Security Hub writes it in OCSF. */
export function ocsfOf(parts: FindingParts): Record<string, unknown> {
  const closedStatus = parts.recordState === 'ARCHIVED' ? 5 : parts.workflow === 'RESOLVED' ? 4 : parts.workflow === 'SUPPRESSED' ? 3 : 1;
  return {
    class_uid: 2003,
    finding_info: { uid: parts.id, title: 'A finding', modified_time_dt: parts.updatedAt, first_seen_time_dt: '2019-12-31T00:00:00.000Z' },
    metadata: {
      product: { uid: `arn:aws:securityhub:${parts.region}::productv2/aws/${parts.product}`, name: parts.product },
      version: '1.6.0',
    },
    cloud: { account: { uid: parts.account }, region: parts.region, cloud_partition: 'aws' },
    severity_id: OCSF_SEVERITY_IDS[parts.severity],
    status_id: closedStatus,
    ...(parts.product === 'securityhub'
      ? {
          compliance: {
            control: 'EC2.8',
            standards: parts.standards,
            status_id: parts.compliance === 'PASSED' ? 1 : parts.compliance === undefined ? undefined : 3,
            status: parts.compliance === 'NOT_AVAILABLE' ? 'NOT_AVAILABLE' : undefined,
          },
        }
      : parts.compliance === 'PASSED' || parts.compliance === 'NOT_AVAILABLE'
        ? { compliance: { status_id: parts.compliance === 'PASSED' ? 1 : undefined, status: parts.compliance } }
        : {}),
  };
}

/** Whether the rules of the model call the finding open. */
export function expectedOpen(parts: FindingParts): boolean {
  return (
    parts.recordState !== 'ARCHIVED' &&
    parts.workflow !== 'RESOLVED' &&
    parts.workflow !== 'SUPPRESSED' &&
    parts.compliance !== 'PASSED' &&
    parts.compliance !== 'NOT_AVAILABLE'
  );
}
