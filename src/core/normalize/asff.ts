import { type Finding, type FindingResource, findingKey, type Vulnerability } from '../finding.js';
import { ASFF_ARCHIVED_RECORD_STATE, ASFF_CLOSED_COMPLIANCE_STATUSES, ASFF_CLOSED_WORKFLOW_STATUSES } from '../security-hub/vocabulary.js';
import { describeStandards, identifyProduct, standardId } from './product.js';
import { at, first, get, instant, list, num, str, strings } from './read.js';
import { severityFromLabel, severityFromNormalized } from './severity.js';

/** True when the value looks like an ASFF finding rather than OCSF. */
export function looksLikeAsff(value: unknown): boolean {
  return get(value, 'ProductArn') !== undefined || get(value, 'SchemaVersion') !== undefined;
}

const CLOSED_WORKFLOW: ReadonlySet<string> = new Set(ASFF_CLOSED_WORKFLOW_STATUSES);
const CLOSED_COMPLIANCE: ReadonlySet<string> = new Set(ASFF_CLOSED_COMPLIANCE_STATUSES);

/**
 * Normalises one ASFF finding. Returns a reason string when the finding
 * lacks what identity and decisions need.
 */
export function normalizeAsff(raw: unknown): Finding | string {
  const id = str(get(raw, 'Id'));
  if (!id) return 'Id is missing or not a string';
  const productArn = str(get(raw, 'ProductArn'));
  if (!productArn) return 'ProductArn is missing or not a string';
  const account = str(get(raw, 'AwsAccountId'));
  if (!account) return 'AwsAccountId is missing or not a string';
  const updatedAt = instant(get(raw, 'UpdatedAt'));
  if (!updatedAt) return 'UpdatedAt is missing or not a timestamp';

  const resources = list(get(raw, 'Resources'));
  const statedRegion = str(get(raw, 'Region'));
  const statedPartition = first(str, ...resources.map((r) => get(r, 'Partition')));
  const product = identifyProduct(productArn, { region: statedRegion, partition: statedPartition });
  if (!product) return `ProductArn "${productArn.slice(0, 200)}" names no product`;

  const severity =
    severityFromLabel(str(at(raw, 'Severity', 'Label'))) ??
    severityFromNormalized(num(at(raw, 'Severity', 'Normalized'))) ??
    severityFromLabel(str(at(raw, 'Severity', 'Original')));
  if (!severity) return 'Severity.Label is missing or not a known label';

  const workflow = str(at(raw, 'Workflow', 'Status')) ?? str(get(raw, 'WorkflowState'));
  const compliance = str(at(raw, 'Compliance', 'Status'));
  const recordState = str(get(raw, 'RecordState'));
  const closedBy =
    recordState === ASFF_ARCHIVED_RECORD_STATE
      ? `RecordState ${recordState}`
      : CLOSED_WORKFLOW.has(workflow ?? '')
        ? `Workflow.Status ${workflow}`
        : CLOSED_COMPLIANCE.has(compliance ?? '')
          ? `Compliance.Status ${compliance}`
          : undefined;
  const open = closedBy === undefined;

  const productFields = get(raw, 'ProductFields');
  const recommendation = at(raw, 'Remediation', 'Recommendation');
  const remediationText = str(get(recommendation, 'Text'));
  const remediationUrl = str(get(recommendation, 'Url')) ?? str(get(productFields, 'RecommendationUrl'));

  const finding: Finding = {
    key: findingKey(account, product.productKey, id),
    id,
    format: 'asff',
    account,
    accountName: str(get(raw, 'AwsAccountName')),
    region: statedRegion ?? product.region ?? first(str, ...resources.map((r) => get(r, 'Region'))) ?? 'unknown',
    partition: statedPartition ?? product.partition ?? 'aws',
    productKey: product.productKey,
    product: product.product,
    productName: str(get(raw, 'ProductName')) ?? str(get(productFields, 'aws/securityhub/ProductName')) ?? product.productKey,
    severity,
    open,
    ...(closedBy ? { closedBy } : {}),
    title: str(get(raw, 'Title')) ?? '(untitled finding)',
    description: str(get(raw, 'Description')) ?? '',
    types: strings(get(raw, 'Types')),
    firstObservedAt: instant(get(raw, 'FirstObservedAt')) ?? instant(get(raw, 'CreatedAt')) ?? updatedAt,
    updatedAt,
    control: readControl(raw, productFields, product.product),
    remediation: remediationText || remediationUrl ? { text: remediationText, url: remediationUrl } : undefined,
    resources: resources.map(readResource).filter((r): r is FindingResource => r !== undefined),
    resourceCount: 0,
    vulnerabilities: list(get(raw, 'Vulnerabilities'))
      .map(readVulnerability)
      .filter((v): v is Vulnerability => v !== undefined),
    count: num(get(productFields, 'aws/guardduty/service/count')),
    raw,
  };
  finding.resourceCount = finding.resources.length;
  return finding;
}

function readControl(raw: unknown, productFields: unknown, product: string): Finding['control'] {
  if (product !== 'securityhub') return undefined;
  const controlId =
    str(at(raw, 'Compliance', 'SecurityControlId')) ?? str(get(productFields, 'ControlId')) ?? str(get(productFields, 'RuleId'));
  const mentions = [
    ...list(at(raw, 'Compliance', 'AssociatedStandards')).map((s) => str(get(s, 'StandardsId'))),
    str(get(productFields, 'StandardsArn')),
    str(get(productFields, 'StandardsGuideArn')),
  ].filter((s): s is string => s !== undefined);
  if (mentions.length === 0) {
    const fromGenerator = standardId(str(get(raw, 'GeneratorId')) ?? '') ?? standardId(str(get(raw, 'Id')) ?? '');
    if (fromGenerator) mentions.push(fromGenerator);
  }
  if (!controlId && mentions.length === 0) return undefined;
  return { id: controlId ?? 'unknown', ...describeStandards(mentions) };
}

function readResource(value: unknown): FindingResource | undefined {
  const id = str(get(value, 'Id'));
  if (!id) return undefined;
  return { type: str(get(value, 'Type')) ?? 'Other', id, region: str(get(value, 'Region')) };
}

function readVulnerability(value: unknown): Vulnerability | undefined {
  const id = str(get(value, 'Id'));
  if (!id) return undefined;
  const packages = list(get(value, 'VulnerablePackages')).flatMap((p) => {
    const name = str(get(p, 'Name'));
    return name ? [{ name, version: str(get(p, 'Version')), fixedIn: str(get(p, 'FixedInVersion')) }] : [];
  });
  return { id, packages };
}
