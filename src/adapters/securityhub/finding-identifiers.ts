import type { AwsSecurityFindingIdentifier, OcsfFindingIdentifier } from '@aws-sdk/client-securityhub';
import type { Finding } from '../../core/finding.js';
import type { FindingSnapshot } from '../../core/record.js';

function rawOf(finding: Finding | FindingSnapshot): unknown {
  return (finding as Finding).raw;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The product ARN (or OCSF product uid) rebuilt from a snapshot, when the raw finding is not at hand. */
function productArn(finding: Finding | FindingSnapshot, kind: 'product' | 'productv2'): string {
  const [vendor] = finding.productKey.split('/');
  // Custom integrations name the account in both the ARN's account field and the product path.
  const account = vendor && /^\d{12}$/.test(vendor) ? vendor : '';
  return `arn:${finding.partition}:securityhub:${finding.region}:${account}:${kind}/${finding.productKey}`;
}

/** BatchUpdateFindings identifies an ASFF finding by Id and ProductArn. */
export function asffIdentifier(finding: Finding | FindingSnapshot): AwsSecurityFindingIdentifier {
  const raw = rawOf(finding) as { ProductArn?: unknown } | undefined;
  return { Id: finding.id, ProductArn: text(raw?.ProductArn) ?? productArn(finding, 'product') };
}

/** BatchUpdateFindingsV2 identifies an OCSF finding by account, finding uid and product uid. */
export function ocsfIdentifier(finding: Finding | FindingSnapshot): OcsfFindingIdentifier {
  const raw = rawOf(finding) as { metadata?: { product?: { uid?: unknown } } } | undefined;
  return {
    CloudAccountUid: finding.account,
    FindingInfoUid: finding.id,
    MetadataProductUid: text(raw?.metadata?.product?.uid) ?? productArn(finding, 'productv2'),
  };
}
