/**
 * OCSF findings shaped like the GetFindingsV2 samples in ../shared/fixtures.
 */

export interface OcsfSpec {
  uid?: string;
  account?: string;
  region?: string;
  product?: string;
  productName?: string;
  severity?: 'Informational' | 'Low' | 'Medium' | 'High' | 'Critical';
  status?: 'New' | 'In Progress' | 'Suppressed' | 'Resolved' | 'Archived';
  modified?: string;
  title?: string;
}

const STATUS_ID: Record<string, number> = { New: 1, 'In Progress': 2, Suppressed: 3, Resolved: 4, Archived: 5 };
const SEVERITY_ID: Record<string, number> = { Informational: 1, Low: 2, Medium: 3, High: 4, Critical: 5 };

/** An OCSF detection finding as GetFindingsV2 returns it. Defaults: an open High GuardDuty finding. */
export function ocsf(spec: OcsfSpec = {}): Record<string, unknown> {
  const account = spec.account ?? '111122223333';
  const region = spec.region ?? 'us-east-1';
  const product = spec.product ?? 'guardduty';
  const severity = spec.severity ?? 'High';
  const status = spec.status ?? 'New';
  const modified = spec.modified ?? '2026-01-10T10:00:00.000Z';
  return {
    class_name: 'Detection Finding',
    class_uid: 2004,
    activity_id: 1,
    category_uid: 2,
    severity,
    severity_id: SEVERITY_ID[severity],
    status,
    status_id: STATUS_ID[status],
    time_dt: modified,
    cloud: { account: { uid: account }, provider: 'AWS', region, cloud_partition: 'aws' },
    finding_info: {
      uid: spec.uid ?? `arn:aws:${product}:${region}:${account}:detector/12abc34d/finding/0001`,
      title: spec.title ?? 'Unusual API calls from a known malicious IP address',
      desc: 'A test finding.',
      types: ['TTPs/Initial Access'],
      created_time_dt: '2026-01-10T09:00:00.000Z',
      first_seen_time_dt: '2026-01-10T09:00:00.000Z',
      modified_time_dt: modified,
    },
    metadata: {
      product: {
        name: spec.productName ?? 'GuardDuty',
        uid: `arn:aws:securityhub:${region}::productv2/aws/${product}`,
        vendor_name: 'Amazon',
      },
      version: '1.6.0',
    },
    resources: [{ type: 'AwsEc2Instance', uid: `arn:aws:ec2:${region}:${account}:instance/i-0abc123def4567890`, region }],
  };
}
