import { type Finding, type FindingResource, findingKey, type Vulnerability } from '../finding.js';
import {
  OCSF_CLOSED_STATUS_IDS,
  OCSF_CLOSED_STATUS_NAMES,
  OCSF_PASSED_COMPLIANCE_NAMES,
  OCSF_PASSED_COMPLIANCE_STATUS_ID,
  OCSF_STATUSES,
} from '../security-hub/vocabulary.js';
import { describeStandards, identifyProduct } from './product.js';
import { at, first, get, instant, list, num, str, strings } from './read.js';
import { severityFromLabel, severityFromOcsfId } from './severity.js';

/** True when the value looks like an OCSF finding (Security Hub or Security Lake). */
export function looksLikeOcsf(value: unknown): boolean {
  return get(value, 'finding_info') !== undefined || (get(value, 'class_uid') !== undefined && get(value, 'metadata') !== undefined);
}

const CLOSED_STATUS_IDS: ReadonlySet<number> = new Set(OCSF_CLOSED_STATUS_IDS);
const CLOSED_STATUS_NAMES: ReadonlySet<string> = new Set(OCSF_CLOSED_STATUS_NAMES.map((name) => name.toUpperCase()));
const PASSED_COMPLIANCE_NAMES: ReadonlySet<string> = new Set(OCSF_PASSED_COMPLIANCE_NAMES);

/**
 * Normalises one OCSF finding as the new Security Hub (GetFindingsV2,
 * "Findings Imported V2") emits it; Security Lake's OCSF 1.1 mapping of ASFF
 * findings is read too. Returns a reason string when it cannot be used.
 */
export function normalizeOcsf(raw: unknown): Finding | string {
  const info = get(raw, 'finding_info');
  const id = str(get(info, 'uid'));
  if (!id) return 'finding_info.uid is missing or not a string';
  const productUid = str(at(raw, 'metadata', 'product', 'uid'));
  if (!productUid) return 'metadata.product.uid is missing or not a string';
  const account = str(at(raw, 'cloud', 'account', 'uid'));
  if (!account) return 'cloud.account.uid is missing or not a string';
  const updatedAt = first(instant, get(info, 'modified_time_dt'), get(info, 'modified_time'), get(raw, 'time_dt'), get(raw, 'time'));
  if (!updatedAt) return 'finding_info.modified_time (or time) is missing or not a timestamp';

  const statedRegion = str(at(raw, 'cloud', 'region'));
  const statedPartition = str(at(raw, 'cloud', 'cloud_partition'));
  const product = identifyProduct(productUid, { region: statedRegion, partition: statedPartition });
  if (!product) return `metadata.product.uid "${productUid.slice(0, 200)}" names no product`;

  const severity =
    severityFromOcsfId(num(get(raw, 'severity_id'))) ??
    severityFromLabel(str(get(raw, 'severity'))) ??
    severityFromLabel(str(at(raw, 'vendor_attributes', 'severity')));
  if (!severity) return 'severity_id is missing or not a known severity';

  const statusId = num(get(raw, 'status_id'));
  const statusName = (str(get(raw, 'status')) ?? '').toUpperCase();
  const compliance = get(raw, 'compliance');
  const complianceName = (str(get(compliance, 'status')) ?? '').toUpperCase();
  const passedId = num(get(compliance, 'status_id')) === OCSF_PASSED_COMPLIANCE_STATUS_ID;
  const closedBy =
    statusId !== undefined
      ? CLOSED_STATUS_IDS.has(statusId)
        ? `status_id ${statusId} (${OCSF_STATUSES[statusId as keyof typeof OCSF_STATUSES]})`
        : undefined
      : CLOSED_STATUS_NAMES.has(statusName)
        ? `status ${statusName}`
        : undefined;
  const complianceClosed = passedId
    ? 'compliance.status_id 1 (Pass)'
    : PASSED_COMPLIANCE_NAMES.has(complianceName)
      ? `compliance.status ${complianceName}`
      : undefined;
  const closed = closedBy ?? complianceClosed;

  const resources = [...list(get(raw, 'resources')), ...(get(raw, 'resource') ? [get(raw, 'resource')] : [])];
  const remediation = get(raw, 'remediation');
  const remediationText = str(get(remediation, 'desc'));
  const remediationUrl = first(str, ...list(get(remediation, 'references')));

  const finding: Finding = {
    key: findingKey(account, product.productKey, id),
    id,
    format: 'ocsf',
    account,
    accountName: str(at(raw, 'cloud', 'account', 'name')),
    region: statedRegion ?? product.region ?? 'unknown',
    partition: statedPartition ?? product.partition ?? 'aws',
    productKey: product.productKey,
    product: product.product,
    productName: str(at(raw, 'metadata', 'product', 'name')) ?? product.productKey,
    severity,
    open: closed === undefined,
    ...(closed ? { closedBy: closed } : {}),
    title: str(get(info, 'title')) ?? '(untitled finding)',
    description: str(get(info, 'desc')) ?? '',
    types: strings(get(info, 'types')),
    firstObservedAt:
      first(
        instant,
        get(info, 'first_seen_time_dt'),
        get(info, 'first_seen_time'),
        get(info, 'created_time_dt'),
        get(info, 'created_time'),
      ) ?? updatedAt,
    updatedAt,
    control: readControl(compliance, product.product),
    remediation: remediationText || remediationUrl ? { text: remediationText, url: remediationUrl } : undefined,
    resources: resources.map(readResource).filter((r): r is FindingResource => r !== undefined),
    resourceCount: 0,
    vulnerabilities: list(get(raw, 'vulnerabilities'))
      .map(readVulnerability)
      .filter((v): v is Vulnerability => v !== undefined),
    count: num(get(raw, 'count')),
    raw,
  };
  finding.resourceCount = finding.resources.length;
  return finding;
}

function readControl(compliance: unknown, product: string): Finding['control'] {
  if (product !== 'securityhub') return undefined;
  const controlId = str(get(compliance, 'control'));
  const mentions = strings(get(compliance, 'standards'));
  if (!controlId && mentions.length === 0) return undefined;
  return { id: controlId ?? 'unknown', ...describeStandards(mentions) };
}

function readResource(value: unknown): FindingResource | undefined {
  const id = str(get(value, 'uid')) ?? str(get(value, 'name'));
  if (!id) return undefined;
  return { type: str(get(value, 'type')) ?? 'Other', id, region: str(get(value, 'region')) };
}

function readVulnerability(value: unknown): Vulnerability | undefined {
  const id = str(at(value, 'cve', 'uid')) ?? str(get(value, 'uid')) ?? str(get(value, 'title'));
  if (!id) return undefined;
  const packages = list(get(value, 'affected_packages')).flatMap((p) => {
    const name = str(get(p, 'name'));
    return name ? [{ name, version: str(get(p, 'version')), fixedIn: str(get(p, 'fixed_in_version')) }] : [];
  });
  return { id, packages };
}
