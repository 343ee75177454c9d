import type { Severity } from '../finding.js';
import {
  ASFF_ACTIVE_RECORD_STATE,
  ASFF_CLOSED_WORKFLOW_STATUSES,
  OCSF_CLOSED_STATUS_NAMES,
  OCSF_SEVERITY_NAMES,
  QUERY_FIELDS,
} from './vocabulary.js';

/**
 * Security Hub queries as plain data: the request bodies of GetFindings (ASFF)
 * and GetFindingsV2 (OCSF) that the sweep and the poll need, built within the
 * documented limits. The adapter sends them as they are; the core never
 * imports the SDK.
 */

/** The API a query goes to: GetFindings returns ASFF, GetFindingsV2 returns OCSF. */
export type FindingApi = 'asff' | 'ocsf';

/**
 * Documented limits (Security Hub API reference, GetFindings and
 * GetFindingsV2 request parameters; see docs/sweep.md).
 */
export const QUERY_LIMITS = {
  /** GetFindings: up to 10 finding attributes per call. */
  attributes: 10,
  /** GetFindings: up to 20 values per attribute. */
  valuesPerAttribute: 20,
  /** GetFindingsV2: up to 10 composite filters. */
  compositeFilters: 10,
  /** GetFindingsV2: up to 20 filters of each type inside one composite filter. */
  filtersPerType: 20,
  /** Both: MaxResults is 1..100. */
  maxResults: 100,
} as const;

type StringComparison = 'EQUALS' | 'PREFIX' | 'NOT_EQUALS' | 'PREFIX_NOT_EQUALS';
interface StringCondition {
  Value: string;
  Comparison: StringComparison;
}
interface DateCondition {
  Start?: string;
  End?: string;
}
interface SortCriterion {
  Field: string;
  SortOrder: 'asc' | 'desc';
}

/** GetFindings request body (the parts we use). */
interface AsffRequest {
  Filters: Record<string, StringCondition[] | DateCondition[]>;
  SortCriteria?: SortCriterion[];
  MaxResults: number;
}

interface OcsfComposite {
  StringFilters?: { FieldName: string; Filter: StringCondition }[];
  DateFilters?: { FieldName: string; Filter: DateCondition }[];
  Operator: 'AND' | 'OR';
}

/** GetFindingsV2 request body (the parts we use). */
interface OcsfRequest {
  Filters: { CompositeFilters: OcsfComposite[]; CompositeOperator: 'AND' | 'OR' };
  SortCriteria?: SortCriterion[];
  MaxResults: number;
}

export type FindingQuery = { api: 'asff'; request: AsffRequest } | { api: 'ocsf'; request: OcsfRequest };

/** One page of results: raw findings as Security Hub returned them. */
export interface FindingPage {
  findings: unknown[];
  nextToken?: string;
}

/** Ids one lookup call can name: one attribute of 20 values (ASFF), or 10 composites of 20 (OCSF). */
export function idsPerLookup(api: FindingApi): number {
  return api === 'asff' ? QUERY_LIMITS.valuesPerAttribute : QUERY_LIMITS.compositeFilters * QUERY_LIMITS.filtersPerType;
}

const equals = (Value: string): StringCondition => ({ Value, Comparison: 'EQUALS' });

/** A query returning the findings with these ids, whatever their state. At most `idsPerLookup(api)` ids. */
export function lookupQuery(api: FindingApi, ids: readonly string[]): FindingQuery {
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > idsPerLookup(api)) throw new RangeError(`a lookup names 1..${idsPerLookup(api)} ids`);
  if (api === 'asff') return { api, request: { Filters: { [ASFF.id]: unique.map(equals) }, MaxResults: QUERY_LIMITS.maxResults } };
  const composites: OcsfComposite[] = [];
  for (let i = 0; i < unique.length; i += QUERY_LIMITS.filtersPerType) {
    const chunk = unique.slice(i, i + QUERY_LIMITS.filtersPerType);
    composites.push({ Operator: 'OR', StringFilters: chunk.map((id) => ({ FieldName: OCSF.id, Filter: equals(id) })) });
  }
  return { api, request: { Filters: { CompositeFilters: composites, CompositeOperator: 'OR' }, MaxResults: QUERY_LIMITS.maxResults } };
}

/** Attribute values that narrow a scan; each list is used only when it fits in one filter. */
export interface ScanScope {
  severities?: string[];
  productNames?: string[];
  accounts?: string[];
  regions?: string[];
}

/** The caption Security Hub writes for a severity (GetFindingsV2 filters on it). */
function ocsfSeverity(severity: string): string {
  return OCSF_SEVERITY_NAMES[severity as Severity]?.[0] ?? severity;
}
const ASFF = QUERY_FIELDS.asff;
const OCSF = QUERY_FIELDS.ocsf;

/**
 * A query returning the active findings in scope, sorted by id ascending so
 * that a page tells which tracked ids it has passed. Scope lists longer than
 * one filter allows are left out: the scan is then wider, never wrong.
 */
export function scanQuery(api: FindingApi, scope: ScanScope): FindingQuery {
  const fits = (list: string[] | undefined): list is string[] =>
    list !== undefined && list.length > 0 && list.length <= QUERY_LIMITS.valuesPerAttribute;
  if (api === 'asff') {
    const Filters: AsffRequest['Filters'] = {
      [ASFF.recordState]: [equals(ASFF_ACTIVE_RECORD_STATE)],
      [ASFF.workflowStatus]: ASFF_CLOSED_WORKFLOW_STATUSES.map((Value) => ({ Value, Comparison: 'NOT_EQUALS' as const })),
    };
    if (fits(scope.severities)) Filters[ASFF.severityLabel] = scope.severities.map(equals);
    if (fits(scope.productNames)) Filters[ASFF.productName] = scope.productNames.map(equals);
    if (fits(scope.accounts)) Filters[ASFF.account] = scope.accounts.map(equals);
    if (fits(scope.regions)) Filters[ASFF.region] = scope.regions.map(equals);
    return { api, request: { Filters, SortCriteria: [{ Field: ASFF.id, SortOrder: 'asc' }], MaxResults: QUERY_LIMITS.maxResults } };
  }
  const anyOf = (field: string, values: string[]): OcsfComposite => ({
    Operator: 'OR',
    StringFilters: values.map((value) => ({ FieldName: field, Filter: equals(value) })),
  });
  const composites: OcsfComposite[] = [
    {
      Operator: 'AND',
      StringFilters: OCSF_CLOSED_STATUS_NAMES.map((Value) => ({
        FieldName: OCSF.status,
        Filter: { Value, Comparison: 'NOT_EQUALS' as const },
      })),
    },
  ];
  if (fits(scope.severities)) composites.push(anyOf(OCSF.severity, scope.severities.map(ocsfSeverity)));
  if (fits(scope.productNames)) composites.push(anyOf(OCSF.productName, scope.productNames));
  if (fits(scope.accounts)) composites.push(anyOf(OCSF.account, scope.accounts));
  if (fits(scope.regions)) composites.push(anyOf(OCSF.region, scope.regions));
  return {
    api,
    request: {
      Filters: { CompositeFilters: composites, CompositeOperator: 'AND' },
      SortCriteria: [{ Field: OCSF.id, SortOrder: 'asc' }],
      MaxResults: QUERY_LIMITS.maxResults,
    },
  };
}

/** A query returning every finding updated at or after `since`, oldest update first. */
export function updatedSinceQuery(api: FindingApi, since: Date): FindingQuery {
  const Start = since.toISOString();
  if (api === 'asff') {
    return {
      api,
      request: {
        Filters: { [ASFF.updatedAt]: [{ Start }] },
        SortCriteria: [{ Field: ASFF.updatedAt, SortOrder: 'asc' }],
        MaxResults: QUERY_LIMITS.maxResults,
      },
    };
  }
  return {
    api,
    request: {
      Filters: {
        CompositeFilters: [{ Operator: 'AND', DateFilters: [{ FieldName: OCSF.updatedAt, Filter: { Start } }] }],
        CompositeOperator: 'AND',
      },
      SortCriteria: [{ Field: OCSF.updatedAt, SortOrder: 'asc' }],
      MaxResults: QUERY_LIMITS.maxResults,
    },
  };
}

/** What in a query breaks a documented limit; empty when it is within them all. */
export function limitViolations(query: FindingQuery): string[] {
  const problems: string[] = [];
  const { request } = query;
  if (!Number.isInteger(request.MaxResults) || request.MaxResults < 1 || request.MaxResults > QUERY_LIMITS.maxResults)
    problems.push(`MaxResults ${request.MaxResults} is outside 1..${QUERY_LIMITS.maxResults}`);
  if (query.api === 'asff') {
    const attributes = Object.entries(query.request.Filters);
    if (attributes.length > QUERY_LIMITS.attributes)
      problems.push(`${attributes.length} filter attributes (at most ${QUERY_LIMITS.attributes})`);
    for (const [name, values] of attributes)
      if (values.length > QUERY_LIMITS.valuesPerAttribute)
        problems.push(`${values.length} values for ${name} (at most ${QUERY_LIMITS.valuesPerAttribute})`);
    return problems;
  }
  const composites = query.request.Filters.CompositeFilters;
  if (composites.length > QUERY_LIMITS.compositeFilters)
    problems.push(`${composites.length} composite filters (at most ${QUERY_LIMITS.compositeFilters})`);
  composites.forEach((composite, index) => {
    for (const [type, list] of [
      ['StringFilters', composite.StringFilters],
      ['DateFilters', composite.DateFilters],
    ] as const)
      if (list && list.length > QUERY_LIMITS.filtersPerType)
        problems.push(`${list.length} ${type} in composite filter ${index} (at most ${QUERY_LIMITS.filtersPerType})`);
  });
  return problems;
}
