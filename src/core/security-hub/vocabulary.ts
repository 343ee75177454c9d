/**
 * Security Hub's vocabulary, written once: the EventBridge detail-types of
 * imported findings, the field values that mark a finding closed in ASFF and
 * OCSF, OCSF's severity and status names, and the form of a product ARN.
 * The normalisers, the event pattern, the queries and the write-back read
 * these; `npm run build` writes what Terraform needs to
 * infra/generated/security-hub.json (see `infraVocabulary`).
 *
 * Sources: the ASFF syntax (RecordState, Workflow.Status, Compliance.Status),
 * the OCSF 1.x Detection Finding class as Security Hub emits it (status_id,
 * compliance.status_id, severity_id) and the EventBridge event formats of
 * Security Hub CSPM and Security Hub; see docs/decisions.md.
 */
import type { Severity } from '../finding.js';

/** detail-type of an ASFF findings event (Security Hub CSPM). */
export const ASFF_DETAIL_TYPE = 'Security Hub Findings - Imported';
/** detail-type of an OCSF findings event (Security Hub). */
export const OCSF_DETAIL_TYPE = 'Findings Imported V2';
/** The two detail-types the findings rule subscribes to. */
export const FINDINGS_DETAIL_TYPES: readonly string[] = [ASFF_DETAIL_TYPE, OCSF_DETAIL_TYPE];
/**
 * detail-types read as imported ASFF findings: the current one and its older
 * spelling. A custom action's event ("Security Hub Findings - Custom Action")
 * is a person's click, not an import, and is skipped.
 */
export const ASFF_EVENT_DETAIL_TYPES: readonly string[] = [ASFF_DETAIL_TYPE, 'Security Hub Findings'];

/** ASFF: RecordState of a finding its product archived. */
export const ASFF_ARCHIVED_RECORD_STATE = 'ARCHIVED';
/** ASFF: RecordState of a live finding (what a scan asks for). */
export const ASFF_ACTIVE_RECORD_STATE = 'ACTIVE';
/** ASFF: Workflow.Status values that close a finding. */
export const ASFF_CLOSED_WORKFLOW_STATUSES = ['RESOLVED', 'SUPPRESSED'] as const;
/** ASFF: Compliance.Status values of a control that no longer fails. */
export const ASFF_CLOSED_COMPLIANCE_STATUSES = ['PASSED', 'NOT_AVAILABLE'] as const;
/** ASFF: the workflow status write-back sets after an email. */
export const ASFF_NOTIFIED_WORKFLOW_STATUS = 'NOTIFIED';

/** OCSF status_id → caption, as Security Hub uses them. */
export const OCSF_STATUSES = { 1: 'New', 2: 'In Progress', 3: 'Suppressed', 4: 'Resolved', 5: 'Archived', 6: 'Deleted' } as const;
/** OCSF status_id values that close a finding: Suppressed, Resolved, Archived, Deleted. */
export const OCSF_CLOSED_STATUS_IDS = [3, 4, 5, 6] as const;
/** Their captions, for the string filters of GetFindingsV2 and for findings that carry only `status`. */
export const OCSF_CLOSED_STATUS_NAMES = OCSF_CLOSED_STATUS_IDS.map((id) => OCSF_STATUSES[id]);
/** OCSF: the status write-back sets after an email (OCSF has no NOTIFIED). */
export const OCSF_IN_PROGRESS_STATUS_ID = 2;
/** OCSF compliance.status_id of a passed control. */
export const OCSF_PASSED_COMPLIANCE_STATUS_ID = 1;
/** compliance.status captions that mean passed (Security Lake's older mapping writes "PASSED"). */
export const OCSF_PASSED_COMPLIANCE_NAMES = ['PASS', 'PASSED', 'NOT_AVAILABLE'] as const;

/** OCSF severity_id → our severity: 1 Informational … 5 Critical, 6 Fatal (read as CRITICAL). 0 Unknown and 99 Other have none. */
export const OCSF_SEVERITY_BY_ID: Readonly<Record<number, Severity>> = {
  1: 'INFORMATIONAL',
  2: 'LOW',
  3: 'MEDIUM',
  4: 'HIGH',
  5: 'CRITICAL',
  6: 'CRITICAL',
};
/** OCSF severity captions per severity; the first is the one Security Hub writes. */
export const OCSF_SEVERITY_NAMES: Readonly<Record<Severity, readonly string[]>> = {
  CRITICAL: ['Critical', 'Fatal'],
  HIGH: ['High'],
  MEDIUM: ['Medium'],
  LOW: ['Low'],
  INFORMATIONAL: ['Informational'],
};

/** ASFF Severity.Normalized (0–100): the lowest score of each label, as Security Hub documents them. */
export const ASFF_NORMALIZED_FLOORS: readonly (readonly [number, Severity])[] = [
  [90, 'CRITICAL'],
  [70, 'HIGH'],
  [40, 'MEDIUM'],
  [1, 'LOW'],
  [0, 'INFORMATIONAL'],
];

/** Partitions a product ARN may name. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-eusc'] as const;
/**
 * An AWS-form product ARN: `arn:<partition>:securityhub:<region>::product/<vendor>/<name>`
 * (ASFF) or `productv2/` (OCSF). Groups: partition, region, vendor, name.
 */
export const PRODUCT_ARN = new RegExp(
  `^arn:(${PARTITIONS.join('|')}):securityhub:([a-z0-9-]+)::product(?:v2)?\\/([A-Za-z0-9._-]+)\\/([A-Za-z0-9._-]+)$`,
);
/** The product part of anything that merely mentions `product/<vendor>/<name>`. */
export const LOOSE_PRODUCT = /(?:^|[:/])product(?:v2)?\/([^/\s]+\/[^/\s]+)/;
/** The vendor segment of AWS's own integrations. */
export const AWS_VENDOR = 'aws';

/** The operation that reads findings, per API: GetFindings returns ASFF, GetFindingsV2 returns OCSF. */
export const FINDINGS_OPERATIONS = { asff: 'GetFindings', ocsf: 'GetFindingsV2' } as const;

/** Field names of the finding APIs that queries filter and sort on. */
export const QUERY_FIELDS = {
  asff: {
    id: 'Id',
    recordState: 'RecordState',
    workflowStatus: 'WorkflowStatus',
    severityLabel: 'SeverityLabel',
    productName: 'ProductName',
    account: 'AwsAccountId',
    region: 'Region',
    updatedAt: 'UpdatedAt',
  },
  ocsf: {
    id: 'finding_info.uid',
    status: 'status',
    severity: 'severity',
    productName: 'metadata.product.name',
    account: 'cloud.account.uid',
    region: 'cloud.region',
    updatedAt: 'finding_info.modified_time_dt',
  },
} as const;

/** A JSON event pattern fragment as EventBridge reads it. */
export type PatternFragment = { [field: string]: PatternFragment | PatternFragment[] | (string | number)[] };

/** ASFF fields that mark a finding as closed, as event pattern alternatives (`$or`). */
export const ASFF_CLOSED_PATTERNS: PatternFragment[] = [
  { RecordState: [ASFF_ARCHIVED_RECORD_STATE] },
  { Workflow: { Status: [...ASFF_CLOSED_WORKFLOW_STATUSES] } },
  { Compliance: { Status: [...ASFF_CLOSED_COMPLIANCE_STATUSES] } },
];

/** OCSF fields that mark a finding as closed, as event pattern alternatives. */
export const OCSF_CLOSED_PATTERNS: PatternFragment[] = [
  { status_id: [...OCSF_CLOSED_STATUS_IDS] },
  { compliance: { status_id: [OCSF_PASSED_COMPLIANCE_STATUS_ID] } },
];

/** What infra/ reads from infra/generated/security-hub.json: the constants its HCL derivation of the event pattern needs. */
export function infraVocabulary() {
  return {
    comment: 'Generated by `npm run build` from src/core/security-hub/vocabulary.ts; do not edit.',
    findings_detail_types: [...FINDINGS_DETAIL_TYPES],
    asff_closed_patterns: ASFF_CLOSED_PATTERNS,
    ocsf_closed_patterns: OCSF_CLOSED_PATTERNS,
    ocsf_severity_names: OCSF_SEVERITY_NAMES,
  };
}
