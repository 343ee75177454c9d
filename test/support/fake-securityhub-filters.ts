/**
 * Filter evaluation for the fake Security Hub: GetFindings (ASFF attribute
 * filters) and GetFindingsV2 (OCSF composite filters), with the documented
 * limits and combination rules. Each check throws ApiError shaped like the
 * error AWS returns for it.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
type StringFilter = { Value?: unknown; Comparison?: unknown };
type DateFilter = { Start?: unknown; End?: unknown; DateRange?: { Value?: unknown; Unit?: unknown; Comparison?: unknown } };

const get = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((at, part) => (Array.isArray(at) ? at.flatMap((x) => (x as Json)?.[part] ?? []) : (at as Json)?.[part]), value);

/** The ASFF attributes the fake implements, and where each lives in a finding. */
export const ASFF_STRING_FIELDS: Record<string, string> = {
  Id: 'Id',
  ProductArn: 'ProductArn',
  ProductName: 'ProductName',
  AwsAccountId: 'AwsAccountId',
  Region: 'Region',
  GeneratorId: 'GeneratorId',
  Title: 'Title',
  SeverityLabel: 'Severity.Label',
  RecordState: 'RecordState',
  WorkflowStatus: 'Workflow.Status',
  ComplianceStatus: 'Compliance.Status',
};
export const ASFF_DATE_FIELDS: Record<string, string> = {
  UpdatedAt: 'UpdatedAt',
  CreatedAt: 'CreatedAt',
  FirstObservedAt: 'FirstObservedAt',
  LastObservedAt: 'LastObservedAt',
};
const OCSF_STRING_FIELDS = new Set([
  'finding_info.uid',
  'metadata.uid',
  'metadata.product.uid',
  'metadata.product.name',
  'cloud.account.uid',
  'cloud.region',
  'severity',
  'status',
  'compliance.status',
]);
const OCSF_DATE_FIELDS = new Set(['finding_info.modified_time_dt', 'finding_info.created_time_dt', 'finding_info.first_seen_time_dt']);

const POSITIVE = new Set(['EQUALS', 'PREFIX', 'CONTAINS']);
const NEGATIVE = new Set(['NOT_EQUALS', 'PREFIX_NOT_EQUALS', 'NOT_CONTAINS']);

function test(actual: string, filter: StringFilter): boolean {
  const value = String(filter.Value);
  switch (filter.Comparison) {
    case 'EQUALS':
      return actual === value;
    case 'PREFIX':
      return actual.startsWith(value);
    case 'CONTAINS':
      return actual.includes(value);
    case 'NOT_EQUALS':
      return actual !== value;
    case 'PREFIX_NOT_EQUALS':
      return !actual.startsWith(value);
    default:
      return !actual.includes(value);
  }
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null).map(String);
}

function checkString(filter: StringFilter, where: string, invalid: (message: string) => ApiError): void {
  if (typeof filter?.Value !== 'string' || filter.Value.length === 0) throw invalid(`${where}.Value must be a non-empty string`);
  if (!POSITIVE.has(String(filter.Comparison)) && !NEGATIVE.has(String(filter.Comparison)))
    throw invalid(`${where}.Comparison "${String(filter.Comparison)}" is not supported`);
}

function dateMatcher(filter: DateFilter, where: string, now: number, invalid: (message: string) => ApiError): (value: unknown) => boolean {
  const parse = (text: unknown, name: string) => {
    const ms = typeof text === 'string' ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(ms)) throw invalid(`${where}.${name} is not a valid timestamp`);
    return ms;
  };
  let start = Number.NEGATIVE_INFINITY;
  let end = Number.POSITIVE_INFINITY;
  if (filter.DateRange) {
    const days = Number(filter.DateRange.Value) * 86_400_000;
    if (filter.DateRange.Unit !== 'DAYS' || !Number.isFinite(days)) throw invalid(`${where}.DateRange needs a Value and Unit DAYS`);
    if (filter.DateRange.Comparison === 'OLDER_THAN') end = now - days;
    else start = now - days;
  } else {
    if (filter.Start === undefined && filter.End === undefined) throw invalid(`${where} needs Start, End or DateRange`);
    if (filter.Start !== undefined) start = parse(filter.Start, 'Start');
    if (filter.End !== undefined) end = parse(filter.End, 'End');
  }
  return (value) => strings(value).some((text) => Date.parse(text) >= start && Date.parse(text) <= end);
}

/** Compiles GetFindings `Filters`: at most 10 attributes of at most 20 values each. */
export function compileAsffFilters(filters: unknown, now: number): (finding: Json) => boolean {
  const invalid = (message: string) => new ApiError(400, 'InvalidInputException', message);
  if (filters === undefined) return () => true;
  if (typeof filters !== 'object' || filters === null) throw invalid('Filters must be an object');
  const attributes = Object.entries(filters as Json).filter(([, list]) => Array.isArray(list) && list.length > 0);
  if (attributes.length > 10)
    throw invalid(`Filters: ${attributes.length} attributes given; you can filter by up to 10 finding attributes`);
  const tests = attributes.map(([name, list]) => {
    const values = list as unknown[];
    if (values.length > 20) throw invalid(`Filters.${name}: ${values.length} values given; each attribute takes up to 20 filter values`);
    const datePath = ASFF_DATE_FIELDS[name];
    if (datePath) {
      const matchers = values.map((f, i) => dateMatcher(f as DateFilter, `Filters.${name}[${i}]`, now, invalid));
      return (finding: Json) => matchers.some((match) => match(get(finding, datePath)));
    }
    const path = ASFF_STRING_FIELDS[name];
    if (!path) throw new ApiError(400, 'UnsupportedByFake', `the fake Security Hub does not implement the filter ${name}`);
    const conditions = values as StringFilter[];
    for (const [i, c] of conditions.entries()) checkString(c, `Filters.${name}[${i}]`, invalid);
    const kinds = new Set(conditions.map((c) => String(c.Comparison)));
    if (kinds.has('EQUALS') && (kinds.has('NOT_EQUALS') || kinds.has('PREFIX_NOT_EQUALS')))
      throw invalid(`Filters.${name}: an EQUALS filter cannot be combined with NOT_EQUALS or PREFIX_NOT_EQUALS on the same field`);
    if (kinds.has('CONTAINS') && kinds.has('NOT_CONTAINS')) throw invalid(`Filters.${name}: CONTAINS and NOT_CONTAINS cannot be combined`);
    // Positive filters on one field are joined by OR, negative ones by AND; a positive set is applied first.
    const positive = conditions.filter((c) => POSITIVE.has(String(c.Comparison)));
    const negative = conditions.filter((c) => NEGATIVE.has(String(c.Comparison)));
    return (finding: Json) => {
      const actual = strings(get(finding, path));
      if (positive.length > 0 && !actual.some((a) => positive.some((c) => test(a, c)))) return false;
      return negative.every((c) => actual.every((a) => test(a, c)));
    };
  });
  return (finding) => tests.every((t) => t(finding));
}

/** Compiles GetFindingsV2 `Filters`: at most 10 composite filters, at most 20 filters of each type in each. */
export function compileOcsfFilters(filters: unknown, now: number): (finding: Json) => boolean {
  const invalid = (message: string) => new ApiError(400, 'ValidationException', message);
  if (filters === undefined) return () => true;
  const { CompositeFilters = [], CompositeOperator = 'AND' } = filters as { CompositeFilters?: Json[]; CompositeOperator?: string };
  if (!Array.isArray(CompositeFilters)) throw invalid('Filters.CompositeFilters must be a list');
  if (CompositeFilters.length > 10)
    throw invalid(`Filters.CompositeFilters: ${CompositeFilters.length} given; you can filter up to 10 composite filters`);
  const composites = CompositeFilters.map((composite, c) => {
    const where = `Filters.CompositeFilters[${c}]`;
    for (const type of ['StringFilters', 'DateFilters', 'BooleanFilters', 'NumberFilters', 'MapFilters', 'IpFilters']) {
      const list = composite[type];
      if (Array.isArray(list) && list.length > 20)
        throw invalid(`${where}.${type}: ${list.length} given; each filter type takes up to 20 filters`);
    }
    for (const type of ['BooleanFilters', 'NumberFilters', 'MapFilters', 'IpFilters', 'NestedCompositeFilters'])
      if (Array.isArray(composite[type]) && (composite[type] as unknown[]).length > 0)
        throw new ApiError(400, 'UnsupportedByFake', `the fake Security Hub does not implement ${type}`);
    const tests: ((finding: Json) => boolean)[] = [];
    for (const [i, f] of ((composite.StringFilters as { FieldName?: string; Filter?: StringFilter }[]) ?? []).entries()) {
      if (!OCSF_STRING_FIELDS.has(String(f.FieldName)))
        throw new ApiError(400, 'UnsupportedByFake', `the fake does not implement ${f.FieldName}`);
      checkString(f.Filter as StringFilter, `${where}.StringFilters[${i}].Filter`, invalid);
      const negative = NEGATIVE.has(String(f.Filter?.Comparison));
      tests.push((finding) => {
        const actual = strings(get(finding, String(f.FieldName)));
        return negative ? actual.every((a) => test(a, f.Filter!)) : actual.some((a) => test(a, f.Filter!));
      });
    }
    for (const [i, f] of ((composite.DateFilters as { FieldName?: string; Filter?: DateFilter }[]) ?? []).entries()) {
      if (!OCSF_DATE_FIELDS.has(String(f.FieldName)))
        throw new ApiError(400, 'UnsupportedByFake', `the fake does not implement ${f.FieldName}`);
      const match = dateMatcher(f.Filter ?? {}, `${where}.DateFilters[${i}].Filter`, now, invalid);
      tests.push((finding) => match(get(finding, String(f.FieldName))));
    }
    const or = (composite.Operator ?? 'AND') === 'OR';
    return (finding: Json) => (or ? tests.some((t) => t(finding)) : tests.every((t) => t(finding)));
  });
  return CompositeOperator === 'OR' ? (f) => composites.some((t) => t(f)) : (f) => composites.every((t) => t(f));
}

/** The ids a query names with EQUALS and nothing else, so the fake can use its index instead of a full pass. */
export function idsNamed(api: 'asff' | 'ocsf', filters: unknown): string[] | undefined {
  if (api === 'asff') {
    const id = (filters as Json | undefined)?.Id as StringFilter[] | undefined;
    return Array.isArray(id) && id.length > 0 && id.every((f) => f.Comparison === 'EQUALS') ? id.map((f) => String(f.Value)) : undefined;
  }
  const { CompositeFilters, CompositeOperator } = (filters ?? {}) as { CompositeFilters?: Json[]; CompositeOperator?: string };
  if (!Array.isArray(CompositeFilters) || CompositeFilters.length === 0) return undefined;
  const onlyUids = (c: Json) =>
    Object.keys(c).every((k) => k === 'StringFilters' || k === 'Operator') &&
    (c.Operator === 'OR' || ((c.StringFilters as unknown[]) ?? []).length === 1) &&
    ((c.StringFilters as { FieldName?: string; Filter?: StringFilter }[]) ?? []).every(
      (f) => f.FieldName === 'finding_info.uid' && f.Filter?.Comparison === 'EQUALS',
    );
  if (!(CompositeOperator === 'OR' || CompositeFilters.length === 1) || !CompositeFilters.every(onlyUids)) return undefined;
  return CompositeFilters.flatMap((c) => (c.StringFilters as { Filter: StringFilter }[]).map((f) => String(f.Filter.Value)));
}

/** A finding's value for sorting. */
export function sortValue(finding: Json, field: string): string {
  return strings(get(finding, ASFF_STRING_FIELDS[field] ?? ASFF_DATE_FIELDS[field] ?? field))[0] ?? '';
}
