import type { Severity } from './finding.js';
import type { Policy } from './policy.js';
import {
  ASFF_CLOSED_PATTERNS,
  AWS_VENDOR,
  FINDINGS_DETAIL_TYPES,
  OCSF_CLOSED_PATTERNS,
  OCSF_SEVERITY_NAMES,
} from './security-hub/vocabulary.js';

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
 * infra/policy.tf mirrors this derivation in HCL, with the constants of
 * security-hub/vocabulary.ts that the build writes to
 * infra/generated/security-hub.json; test/infra checks that the two agree.
 */

/** A JSON event pattern as EventBridge reads it. */
export type EventPattern = { [field: string]: EventPattern | EventPattern[] | PatternValue[] };
type PatternValue = string | number | boolean | null | { [operator: string]: unknown };

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
  const productValues: PatternValue[] = products ? products.map((name) => ({ suffix: `/${AWS_VENDOR}/${name}` })) : ANY_VALUE;
  const asffSeverities: PatternValue[] = severities ?? ANY_VALUE;
  const ocsfSeverities: PatternValue[] = severities ? severities.flatMap((s) => OCSF_SEVERITY_NAMES[s]) : ANY_VALUE;
  return {
    source: ['aws.securityhub'],
    'detail-type': [...FINDINGS_DETAIL_TYPES],
    detail: {
      findings: {
        $or: [
          { ProductArn: productValues, $or: [{ Severity: { Label: asffSeverities } }, ...(ASFF_CLOSED_PATTERNS as EventPattern[])] },
          {
            metadata: { product: { uid: productValues } },
            $or: [{ severity: ocsfSeverities }, ...(OCSF_CLOSED_PATTERNS as EventPattern[])],
          },
        ],
      },
    },
  };
}

function sorted<T extends string>(items: T[]): T[] {
  return [...new Set(items)].sort();
}
