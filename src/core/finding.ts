/**
 * The one finding model that both Security Hub formats (ASFF and OCSF) are
 * normalised into. Everything downstream — policy, decisions, email — reads
 * this type only, never the raw finding.
 */

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type FindingFormat = 'asff' | 'ocsf';

export interface FindingResource {
  type: string;
  id: string;
  region?: string;
}

export interface Vulnerability {
  /** CVE or other vulnerability id, e.g. "CVE-2021-44228". */
  id: string;
  packages: { name: string; version?: string; fixedIn?: string }[];
}

export interface Control {
  /** Control id, e.g. "EC2.8" (consolidated) or "1.3" (legacy CIS 1.2 rule). */
  id: string;
  /** Short standard names: cis, fsbp, pci, nist, control-tower, tagging, … */
  standards: string[];
  /** Full standard ids as Security Hub names them, e.g. "standards/pci-dss/v/3.2.1". */
  standardIds: string[];
}

export interface Finding {
  /** Identity: account + product key + finding id. The same finding in ASFF and OCSF has the same key. */
  key: string;
  /** ASFF `Id` or OCSF `finding_info.uid`. */
  id: string;
  format: FindingFormat;
  account: string;
  accountName?: string;
  region: string;
  partition: string;
  /** The part of the product ARN after `product/` or `productv2/`, e.g. "aws/guardduty". */
  productKey: string;
  /** An AWS product's short name ("guardduty", "inspector", "securityhub", …) or "other". */
  product: string;
  /** Display name of the product, e.g. "GuardDuty". */
  productName: string;
  severity: Severity;
  open: boolean;
  /** Why the finding counts as closed, as the field that says so ("Workflow.Status RESOLVED"); absent when open. */
  closedBy?: string;
  title: string;
  description: string;
  types: string[];
  /** ISO-8601 instants. */
  firstObservedAt: string;
  updatedAt: string;
  control?: Control;
  remediation?: { text?: string; url?: string };
  /** The resources named by the finding (a snapshot may keep only the first few). */
  resources: FindingResource[];
  /** How many resources the finding names in all. */
  resourceCount: number;
  vulnerabilities: Vulnerability[];
  /** How often the product has seen this finding (GuardDuty's count), when known. */
  count?: number;
  /** The finding exactly as it arrived (never logged, never stored whole). */
  raw: unknown;
}

/** Builds the identity key of a finding. */
export function findingKey(account: string, productKey: string, id: string): string {
  return `${account}|${productKey}|${id}`;
}
