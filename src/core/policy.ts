import { parseDuration } from './duration.js';
import { InvalidPolicyError } from './errors.js';
import { type Finding, SEVERITIES, type Severity } from './finding.js';
import * as z from './zod.js';

/**
 * The notification policy: who is told about which findings, and how often.
 * `validatePolicy` is pure (it takes the parsed YAML/JSON document); reading
 * the file is the caller's business.
 */

const duration = (fallback: string) =>
  z
    ._default(z.string({ error: 'expected a duration like "15d"' }), fallback)
    .check(z.refine((text) => parseDuration(text) !== undefined, { error: 'expected a duration like "15d"' }));

const lowerList = (what: string) =>
  z.optional(
    z.pipe(
      z
        .array(z.string({ error: `expected ${what}` }).check(z.minLength(1)), { error: `expected a list of ${what}` })
        .check(z.minLength(1, { error: `expected at least one ${what} (leave the field out to match any)` })),
      z.transform((items: string[]) => items.map((item) => item.toLowerCase())),
    ),
  );

const severityList = z.optional(
  z
    .array(
      z.pipe(
        z.string(),
        z.transform((s: string, ctx) => {
          const upper = s.toUpperCase();
          if ((SEVERITIES as readonly string[]).includes(upper)) return upper as Severity;
          ctx.issues.push({ code: 'custom', message: `expected one of ${SEVERITIES.join(', ')}`, input: s });
          return z.NEVER;
        }),
      ),
      { error: 'expected a list of severity labels' },
    )
    .check(z.minLength(1, { error: 'expected at least one severity (leave the field out to match any)' })),
);

const ruleSchema = z.strictObject({
  name: z.string({ error: 'expected a rule name' }).check(z.minLength(1), z.maxLength(100)),
  match: z._default(
    z.strictObject({
      severities: severityList,
      products: lowerList('product name'),
      standards: lowerList('standard name'),
      accounts: z.optional(
        z.array(z.string().check(z.regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id' }))).check(z.minLength(1)),
      ),
      regions: lowerList('region'),
    }),
    {},
  ),
  notify: z.strictObject({
    to: z.array(z.email({ error: 'expected an email address' }), { error: 'expected a list of email addresses' }).check(
      z.minLength(1, { error: 'expected at least one email address' }),
      // SES sends one email to at most 50 recipients; a list beyond that belongs in a distribution group.
      z.maxLength(50, { error: 'expected at most 50 addresses (use a distribution list for more)' }),
    ),
    after: duration('0d'),
    every: z._default(z.string({ error: 'expected a duration like "15d" or "never"' }), '15d').check(
      z.refine((text) => text === 'never' || parseDuration(text) !== undefined, {
        error: 'expected a duration like "15d" or "never"',
      }),
    ),
    resolved: z._default(z.boolean({ error: 'expected true or false' }), false),
  }),
});

const policySchema = z
  .strictObject({
    sender: z.email({ error: 'expected the sender email address' }),
    rules: z.array(ruleSchema, { error: 'expected a list of rules' }).check(z.minLength(1, { error: 'expected at least one rule' })),
  })
  .check(
    z.superRefine((policy, ctx) => {
      const seen = new Set<string>();
      policy.rules.forEach((rule, index) => {
        if (seen.has(rule.name))
          ctx.addIssue({ code: 'custom', path: ['rules', index, 'name'], message: `duplicate rule name "${rule.name}"` });
        seen.add(rule.name);
      });
    }),
  );

export interface RuleMatch {
  severities?: Severity[];
  products?: string[];
  standards?: string[];
  accounts?: string[];
  regions?: string[];
}

export interface Rule {
  name: string;
  match: RuleMatch;
  notify: {
    to: string[];
    /** Milliseconds a finding must have been open before its first email. */
    afterMs: number;
    /** Milliseconds between reminders, or null for no reminders. */
    everyMs: number | null;
    resolved: boolean;
  };
}

export interface Policy {
  sender: string;
  rules: Rule[];
}

/** The policy the original users asked for: CRITICAL and HIGH from GuardDuty, Inspector and Security Hub's CIS and FSBP checks. */
export const DEFAULT_POLICY_DOCUMENT = {
  sender: 'sechub-alerts@example.com',
  rules: [
    {
      name: 'critical-and-high',
      match: {
        severities: ['CRITICAL', 'HIGH'],
        products: ['guardduty', 'inspector', 'securityhub'],
        standards: ['cis', 'fsbp'],
      },
      notify: { to: ['security-team@example.com'], after: '0d', every: '15d', resolved: false },
    },
  ],
} as const;

/** Validates a parsed policy document. Throws InvalidPolicyError whose issues name path and expectation. */
export function validatePolicy(document: unknown): Policy {
  const result = policySchema.safeParse(document);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`);
    throw new InvalidPolicyError(`invalid policy:\n  ${issues.join('\n  ')}`, issues);
  }
  return deepFreeze({
    sender: result.data.sender,
    rules: result.data.rules.map((rule) => ({
      name: rule.name,
      match: rule.match,
      notify: {
        to: rule.notify.to,
        afterMs: parseDuration(rule.notify.after) ?? 0,
        everyMs: rule.notify.every === 'never' ? null : (parseDuration(rule.notify.every) ?? null),
        resolved: rule.notify.resolved,
      },
    })),
  });
}

// Marked pure so that a bundle that never uses it (the Lambda functions) leaves out validating it at every cold start.
export const DEFAULT_POLICY: Policy = /* @__PURE__ */ validatePolicy(DEFAULT_POLICY_DOCUMENT);

/** Whether a rule's match block selects the finding. Every given field must match. */
export function ruleMatches(rule: Rule, finding: Omit<Finding, 'raw'>): boolean {
  const { severities, products, standards, accounts, regions } = rule.match;
  if (severities && !severities.includes(finding.severity)) return false;
  if (products && !products.includes(finding.product)) return false;
  if (accounts && !accounts.includes(finding.account)) return false;
  if (regions && !regions.includes(finding.region.toLowerCase())) return false;
  // `standards` narrows Security Hub control findings only; other products pass.
  if (standards && finding.product === 'securityhub' && finding.control) {
    if (!finding.control.standards.some((s) => standards.includes(s))) return false;
  }
  return true;
}

/** The rules of the policy that select the finding. */
export function matchingRules(policy: Policy, finding: Omit<Finding, 'raw'>): Rule[] {
  return policy.rules.filter((rule) => ruleMatches(rule, finding));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  return issue.message;
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(policy)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
