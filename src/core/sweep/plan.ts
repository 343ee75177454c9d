import type { Policy } from '../policy.js';
import type { TrackedRecord } from '../record.js';
import { type FindingApi, idsPerLookup, QUERY_LIMITS, type ScanScope } from '../security-hub/queries.js';

/**
 * Pure planning for the sweep: what the store tracks (in a compact form),
 * how many calls each strategy would cost, and which one to take.
 */

/** What the sweep needs of a tracked record; a few hundred bytes, so 100,000 of them fit in memory. */
export interface TrackedEntry {
  key: string;
  /** The finding's id as Security Hub knows it (ASFF Id, OCSF finding_info.uid). */
  id: string;
  api: FindingApi;
  updatedAt: string;
  account: string;
  region: string;
  productName: string;
  productKey: string;
}

export type SweepStrategy = 'lookup' | 'scan';

/** What the last completed sweep measured for one API, to estimate the next. */
export interface SweepHistory {
  tracked: number;
  /** Active findings in scope that the last scan returned (only known after a scan). */
  scanned?: number;
  /** Tracked findings the last run did not find active (closed or gone). */
  inactive: number;
}

export interface StrategyChoice {
  strategy: SweepStrategy;
  /** Estimated calls of each strategy, for the report. */
  estimates: Record<SweepStrategy, number>;
}

/** The share of tracked findings assumed closed when nothing was measured yet. */
const DEFAULT_INACTIVE_SHARE = 0.1;

/** The compact entry of a record, for the API that confirms it. */
export function entryOf(record: TrackedRecord, api: FindingApi = record.snapshot.format): TrackedEntry {
  const { snapshot } = record;
  return {
    key: record.key,
    id: snapshot.id,
    api,
    updatedAt: record.updatedAt,
    account: snapshot.account,
    region: snapshot.region,
    productName: snapshot.productName,
    productKey: snapshot.productKey,
  };
}

/** Calls to look up `count` findings by id: one per batch, plus the pages a batch of more than 100 needs. */
function lookupCalls(api: FindingApi, count: number): number {
  const batches = Math.ceil(count / idsPerLookup(api));
  const pagesPerBatch = Math.ceil(Math.min(count, idsPerLookup(api)) / QUERY_LIMITS.maxResults) || 1;
  return count === 0 ? 0 : batches * pagesPerBatch;
}

/**
 * Picks the cheaper strategy for `tracked` findings of one API. Looking up by
 * id costs a call per batch of ids. Scanning costs a call per 100 active
 * findings in scope, plus a lookup of every tracked finding the scan did not
 * return (it may be closed, gone, or merely out of scope now). The number of
 * active findings is what the last scan saw, or the tracked count before any.
 */
export function chooseStrategy(api: FindingApi, tracked: number, history?: SweepHistory): StrategyChoice {
  const inactiveShare = history && history.tracked > 0 ? history.inactive / history.tracked : DEFAULT_INACTIVE_SHARE;
  const active = history?.scanned ?? Math.round(tracked * (1 - inactiveShare));
  const scan = Math.max(1, Math.ceil(active / QUERY_LIMITS.maxResults)) + lookupCalls(api, Math.ceil(tracked * inactiveShare));
  const lookup = lookupCalls(api, tracked);
  return { strategy: scan < lookup ? 'scan' : 'lookup', estimates: { lookup, scan } };
}

/**
 * The scope of a scan: severities only when every rule names them (a rule
 * without severities wants them all); product names, accounts and regions
 * from the tracked findings themselves, since only those need confirming.
 * Product names only when every finding stated one (the model falls back to
 * the product key, which no filter would match).
 */
export function scanScope(policy: Policy, entries: readonly TrackedEntry[]): ScanScope {
  const distinct = (pick: (entry: TrackedEntry) => string) => [...new Set(entries.map(pick))].sort();
  return {
    severities: namedByEveryRule(policy, (rule) => rule.match.severities),
    productNames: entries.every((entry) => entry.productName !== entry.productKey) ? distinct((entry) => entry.productName) : undefined,
    accounts: distinct((entry) => entry.account),
    regions: distinct((entry) => entry.region),
  };
}

/**
 * The scope of an adoption: the active findings the policy could notify
 * about. Severities, accounts and regions narrow it only when every rule
 * names them (a rule without them wants all).
 */
export function adoptionScope(policy: Policy): ScanScope {
  return {
    severities: namedByEveryRule(policy, (rule) => rule.match.severities),
    accounts: namedByEveryRule(policy, (rule) => rule.match.accounts),
    regions: namedByEveryRule(policy, (rule) => rule.match.regions),
  };
}

/** The values every rule names in one match field, distinct and sorted; none when a rule leaves the field out. */
function namedByEveryRule(policy: Policy, pick: (rule: Policy['rules'][number]) => readonly string[] | undefined): string[] | undefined {
  return policy.rules.every((rule) => pick(rule) !== undefined)
    ? [...new Set(policy.rules.flatMap((rule) => (pick(rule) ?? []).map(String)))].sort()
    : undefined;
}

/** Orders entries as the scan returns findings: by id, then key. */
export function byIdThenKey(a: TrackedEntry, b: TrackedEntry): number {
  return compare(a.id, b.id) || compare(a.key, b.key);
}

export function byKey(a: TrackedEntry, b: TrackedEntry): number {
  return compare(a.key, b.key);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
