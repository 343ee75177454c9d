import type { AccountEntry, AccountInfo } from './account.js';
import type { Destinations } from './destinations.js';
import type { DigestSettings } from './digest/schedule.js';
import { parseDuration } from './duration.js';
import { InvalidPolicyError } from './errors.js';
import type { Finding, Severity } from './finding.js';
import { type PolicyDocument, policySchema, type RuleDocument } from './policy/schema.js';
import * as z from './zod.js';

/**
 * The notification policy: who is told about which findings, how often, and
 * what stays quiet. `validatePolicy` is pure (it takes the parsed YAML/JSON
 * document); reading the file is the caller's business.
 */

export interface RuleMatch {
  severities?: Severity[];
  products?: string[];
  standards?: string[];
  accounts?: string[];
  regions?: string[];
  /** OU ids ("ou-…", "r-…") or name paths ("Root/Production"); an OU matches the accounts below it at any depth. */
  ous?: string[];
  /** Tag key → allowed values, from the account directory. */
  accountTags?: Record<string, string[]>;
}

/** One step of escalation: once a finding has been open `afterMs`, its reminders also go to `to`. */
export interface EscalationStep {
  after: string;
  afterMs: number;
  to: string[];
}

export interface Rule {
  name: string;
  match: RuleMatch;
  notify: {
    /** Email addresses, the word "owners" (the account's owners) and destination names. */
    to: string[];
    /** Used instead of "owners" when the finding's account has no owners. */
    fallback: string[];
    /** Milliseconds a finding must have been open before its first notification. */
    afterMs: number;
    /** Milliseconds between reminders, or null for no reminders. */
    everyMs: number | null;
    resolved: boolean;
    escalate: EscalationStep[];
    /** For a rule that collects findings into a digest instead of notifying each: its schedule and limits. */
    digest?: DigestSettings;
  };
}

/** A snooze: findings it matches get no new or reminder notification until `until`. */
export interface Snooze {
  match: RuleMatch & { findingIds?: string[]; controls?: string[]; resources?: string[] };
  /** ISO-8601 instant. */
  until: string;
  reason: string;
}

export interface Policy {
  sender: string;
  rules: Rule[];
  /** The policy's own account directory, by account id. */
  accounts: Readonly<Record<string, AccountEntry>>;
  /** AWS Organizations as the live directory, when enabled. */
  organizations?: { ownerTag: string; cacheMs: number };
  /** Destinations other than email, by name: their validated configuration. */
  destinations: Destinations;
  snoozes: Snooze[];
}

/** The word in `notify.to` that stands for the finding's account owners. */
export const OWNERS = 'owners';

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
  // The cross-field checks read the document as written, so every problem is reported at once, whatever the schema found.
  const schemaIssues = result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path, message: describeIssue(issue) }));
  const reported = new Set(schemaIssues.map((issue) => formatPath(issue.path)));
  const problems = [...schemaIssues, ...crossChecks(document).filter((issue) => !reported.has(formatPath(issue.path)))];
  if (!result.success || problems.length > 0) throw invalid(problems.map(({ path, message }) => `${formatPath(path)}: ${message}`));
  return deepFreeze(toPolicy(result.data));
}

// Marked pure so that a bundle that never uses it (the Lambda functions) leaves out validating it at every cold start.
export const DEFAULT_POLICY: Policy = /* @__PURE__ */ validatePolicy(DEFAULT_POLICY_DOCUMENT);

/** Whether an entry of `notify.to` is an email address (the rest are "owners" or destination names). */
export function isEmailAddress(entry: string): boolean {
  return entry.includes('@');
}

/** Whether a rule collects findings into a digest instead of notifying each one. */
export function isDigestRule(rule: Rule): boolean {
  return rule.notify.digest !== undefined;
}

/** Why a rule does or does not select a finding: the match fields that did not hold. */
export interface MatchResult {
  matches: boolean;
  /** The fields of the rule's match block that the finding failed, e.g. ["severities", "ous"]. */
  failed: string[];
}

/**
 * Whether a match block selects the finding; every given field must hold.
 * `ous` and `account_tags` need the account as the directory describes it:
 * a finding of an account no directory knows matches neither.
 */
export function explainMatch(match: RuleMatch, finding: Omit<Finding, 'raw'>, account?: AccountInfo): MatchResult {
  const failed: string[] = [];
  const { severities, products, standards, accounts, regions, ous, accountTags } = match;
  if (severities && !severities.includes(finding.severity)) failed.push('severities');
  if (products && !products.includes(finding.product)) failed.push('products');
  // `standards` narrows Security Hub control findings only; other products pass.
  if (standards && finding.product === 'securityhub' && finding.control && !finding.control.standards.some((s) => standards.includes(s)))
    failed.push('standards');
  if (accounts && !accounts.includes(finding.account)) failed.push('accounts');
  if (regions && !regions.includes(finding.region.toLowerCase())) failed.push('regions');
  if (ous && !(account && ous.some((ou) => inOu(account, ou)))) failed.push('ous');
  if (accountTags && !(account && Object.entries(accountTags).every(([key, values]) => values.includes(account.tags[key] ?? '\u0000'))))
    failed.push('account_tags');
  return { matches: failed.length === 0, failed };
}

/** Whether a rule's match block selects the finding. */
export function ruleMatches(rule: Rule, finding: Omit<Finding, 'raw'>, account?: AccountInfo): boolean {
  return explainMatch(rule.match, finding, account).matches;
}

/** The rules of the policy that select the finding. */
export function matchingRules(policy: Policy, finding: Omit<Finding, 'raw'>, account?: AccountInfo): Rule[] {
  return policy.rules.filter((rule) => ruleMatches(rule, finding, account));
}

/** Whether the account sits in (or below) the OU given by id or name path. */
function inOu(account: AccountInfo, ou: string): boolean {
  if (!ou.includes('/') && (ou.startsWith('ou-') || ou.startsWith('r-'))) return account.ouIds.includes(ou);
  const path = account.ouPath?.toLowerCase();
  const wanted = ou.toLowerCase();
  return path !== undefined && (path === wanted || path.startsWith(`${wanted}/`));
}

/**
 * Things worth saying about a valid policy at `now` that do not make it
 * invalid: snoozes that have lapsed, rules whose findings may reach nobody.
 */
export function policyWarnings(policy: Policy, now: Date): string[] {
  const warnings: string[] = [];
  policy.snoozes.forEach((snooze, index) => {
    if (Date.parse(snooze.until) <= now.getTime())
      warnings.push(`snoozes[${index}]: lapsed on ${snooze.until} ("${snooze.reason}"); remove it or set a later date`);
  });
  policy.rules.forEach((rule, index) => {
    if (rule.notify.to.every((entry) => entry === OWNERS) && rule.notify.fallback.length === 0)
      warnings.push(`rules[${index}].notify: sends to owners only and has no fallback: findings of accounts without owners reach nobody`);
  });
  return warnings;
}

/** Checks across fields, on the document as written (read defensively: the schema reports its shape). */
function crossChecks(document: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const destinations = new Set(Object.keys(objectAt(document, 'destinations')));
  const seen = new Set<string>();
  listAt(document, 'rules').forEach((rule, index) => {
    const at = (...path: (string | number)[]) => ['rules', index, ...path];
    const name = objectAt(rule).name;
    if (typeof name === 'string') {
      if (seen.has(name)) problems.push({ path: at('name'), message: `duplicate rule name "${name}"` });
      seen.add(name);
    }
    const notify = objectAt(rule, 'notify');
    const digest = notify.digest !== undefined;
    const checkEntries = (entries: unknown[], path: (string | number)[], allowOwners: boolean) =>
      entries.forEach((entry, i) => {
        const problem =
          typeof entry === 'string' ? recipientProblem(entry, destinations, { allowOwners, allowDestinations: !digest }) : undefined;
        if (problem) problems.push({ path: [...path, i], message: problem });
      });
    const to = listAt(notify, 'to');
    checkEntries(to, at('notify', 'to'), true);
    if (notify.fallback !== undefined) {
      if (!to.includes(OWNERS))
        problems.push({ path: at('notify', 'fallback'), message: 'a fallback only applies when "to" names owners' });
      checkEntries(listAt(notify, 'fallback'), at('notify', 'fallback'), false);
    }
    listAt(notify, 'escalate').forEach((step, i) => {
      checkEntries(listAt(step, 'to'), at('notify', 'escalate', i, 'to'), true);
    });
    if (digest) {
      for (const field of ['after', 'every', 'resolved', 'escalate'] as const)
        if (notify[field] !== undefined)
          problems.push({
            path: at('notify', field),
            message: `a digest rule collects findings into its digest; "${field}" belongs to rules that notify each finding (write a second rule)`,
          });
    }
  });
  return problems;
}

function objectAt(value: unknown, key?: string): Record<string, unknown> {
  const inner =
    key === undefined ? value : typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
}

function listAt(value: unknown, key: string): unknown[] {
  const inner = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(inner) ? inner : [];
}

/** What is wrong with one recipient entry, or undefined. */
function recipientProblem(
  entry: string,
  destinations: ReadonlySet<string>,
  options: { allowOwners: boolean; allowDestinations: boolean },
): string | undefined {
  if (isEmailAddress(entry)) return z.email().safeParse(entry).success ? undefined : `"${entry}" is not a valid email address`;
  if (entry === OWNERS) return options.allowOwners ? undefined : '"owners" cannot stand in for itself here; list addresses';
  if (!destinations.has(entry))
    return `"${entry}" is neither an email address, "owners", nor a destination of this policy (destinations: ${[...destinations].join(', ') || 'none'})`;
  if (!options.allowDestinations) return `"${entry}" is a destination; digests go to email addresses and owners`;
  return undefined;
}

function toPolicy(data: PolicyDocument): Policy {
  return {
    sender: data.sender,
    rules: data.rules.map(toRule),
    accounts: Object.fromEntries(
      Object.entries(data.accounts).map(([id, entry]) => [
        id,
        {
          ...(entry.name === undefined ? {} : { name: entry.name }),
          ...(entry.owners === undefined ? {} : { owners: entry.owners }),
          ...(entry.tags === undefined ? {} : { tags: entry.tags }),
          ...(entry.ou === undefined ? {} : { ou: entry.ou }),
        },
      ]),
    ),
    ...(data.organizations?.enabled
      ? { organizations: { ownerTag: data.organizations.owner_tag, cacheMs: parseDuration(data.organizations.cache) ?? 3_600_000 } }
      : {}),
    destinations: data.destinations,
    snoozes: data.snoozes.map((snooze) => ({
      match: {
        ...matchOf(snooze.match),
        ...(snooze.match.finding_ids ? { findingIds: snooze.match.finding_ids } : {}),
        ...(snooze.match.controls ? { controls: snooze.match.controls } : {}),
        ...(snooze.match.resources ? { resources: snooze.match.resources } : {}),
      },
      until: snooze.until,
      reason: snooze.reason,
    })),
  };
}

function toRule(rule: RuleDocument): Rule {
  const { notify } = rule;
  return {
    name: rule.name,
    match: matchOf(rule.match),
    notify: {
      to: notify.to,
      fallback: notify.fallback ?? [],
      afterMs: parseDuration(notify.after ?? '0d') ?? 0,
      everyMs: (notify.every ?? '15d') === 'never' ? null : (parseDuration(notify.every ?? '15d') ?? null),
      resolved: notify.resolved ?? false,
      escalate: (notify.escalate ?? [])
        .map((step) => ({ after: step.after, afterMs: parseDuration(step.after) ?? 0, to: step.to }))
        .sort((a, b) => a.afterMs - b.afterMs),
      ...(notify.digest ? { digest: notify.digest } : {}),
    },
  };
}

function matchOf(match: RuleDocument['match']): RuleMatch {
  const { account_tags: accountTags, ...rest } = match;
  const out: RuleMatch = {};
  for (const [field, value] of Object.entries(rest)) if (value !== undefined) Object.assign(out, { [field]: value });
  if (accountTags) out.accountTags = accountTags;
  return out;
}

function invalid(issues: string[]): InvalidPolicyError {
  return new InvalidPolicyError(`invalid policy:\n  ${issues.join('\n  ')}`, issues);
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
