import type { Severity } from './finding.js';
import type { Policy } from './policy.js';

/**
 * The EventBridge event pattern of the findings rule, derived from the
 * policy. It is a coarse, cheap pre-filter in front of the engine: it must
 * never drop an event the engine would act on, and it may let through some
 * the engine then skips. So it passes
 *   - imported findings (ASFF and OCSF) whose product is one the policy names
 *     and whose severity is one the policy names (the union over all rules), and
 *   - for any severity, findings of those products that are being closed,
 *     because a control that passes is re-labelled INFORMATIONAL and the
 *     engine must still see it to forget the finding.
 *
 * infra/policy.tf mirrors this derivation in HCL; test/infra checks that the
 * two agree, so keep both in step.
 */

/** A JSON event pattern as EventBridge reads it. */
export type EventPattern = { [field: string]: EventPattern | EventPattern[] | PatternValue[] };
type PatternValue = string | number | boolean | null | { [operator: string]: unknown };

/** Both detail-types Security Hub uses for imported findings: ASFF (CSPM) and OCSF (Security Hub V2). */
export const FINDINGS_DETAIL_TYPES = ['Security Hub Findings - Imported', 'Findings Imported V2'];

/** ASFF fields that mark a finding as closed (the ASFF normaliser reads the same). */
export const ASFF_CLOSED_PATTERNS: EventPattern[] = [
  { RecordState: ['ARCHIVED'] },
  { Workflow: { Status: ['RESOLVED', 'SUPPRESSED'] } },
  { Compliance: { Status: ['PASSED', 'NOT_AVAILABLE'] } },
];

/** OCSF fields that mark a finding as closed: status Suppressed, Resolved, Archived or Deleted, or a passed control. */
export const OCSF_CLOSED_PATTERNS: EventPattern[] = [{ status_id: [3, 4, 5, 6] }, { compliance: { status_id: [1] } }];

/** OCSF severity captions per policy severity ("Fatal" is read as CRITICAL). */
export const OCSF_SEVERITY_NAMES: Record<Severity, string[]> = {
  CRITICAL: ['Critical', 'Fatal'],
  HIGH: ['High'],
  MEDIUM: ['Medium'],
  LOW: ['Low'],
  INFORMATIONAL: ['Informational'],
};

/** Stands in for a filter the policy cannot narrow: the field only has to be there. */
const ANY_VALUE: PatternValue[] = [{ exists: true }];

/**
 * Severities every rule narrows to, or undefined when some rule matches any
 * severity (then the pattern cannot narrow by severity at all).
 */
function patternSeverities(policy: Pick<Policy, 'rules'>): Severity[] | undefined {
  if (policy.rules.some((rule) => !rule.match.severities?.length)) return undefined;
  return sorted(policy.rules.flatMap((rule) => rule.match.severities ?? []));
}

/**
 * AWS product names every rule narrows to, or undefined when some rule
 * matches any product or names "other" (a non-AWS product has no ARN form
 * to match on).
 */
function patternProducts(policy: Pick<Policy, 'rules'>): string[] | undefined {
  if (policy.rules.some((rule) => !rule.match.products?.length || rule.match.products.includes('other'))) return undefined;
  return sorted(policy.rules.flatMap((rule) => rule.match.products ?? []));
}

/** The pattern of the findings rule for a validated policy. */
export function eventPatternFor(policy: Pick<Policy, 'rules'>): EventPattern {
  const severities = patternSeverities(policy);
  const products = patternProducts(policy);
  // A product ARN ends in "product/<vendor>/<name>" (ASFF) or "productv2/<vendor>/<name>" (OCSF).
  const productValues: PatternValue[] = products ? products.map((name) => ({ suffix: `/aws/${name}` })) : ANY_VALUE;
  const asffSeverities: PatternValue[] = severities ?? ANY_VALUE;
  const ocsfSeverities: PatternValue[] = severities ? severities.flatMap((s) => OCSF_SEVERITY_NAMES[s]) : ANY_VALUE;
  return {
    source: ['aws.securityhub'],
    'detail-type': FINDINGS_DETAIL_TYPES,
    detail: {
      findings: {
        $or: [
          { ProductArn: productValues, $or: [{ Severity: { Label: asffSeverities } }, ...ASFF_CLOSED_PATTERNS] },
          { metadata: { product: { uid: productValues } }, $or: [{ severity: ocsfSeverities }, ...OCSF_CLOSED_PATTERNS] },
        ],
      },
    },
  };
}

function sorted<T extends string>(items: T[]): T[] {
  return [...new Set(items)].sort();
}
