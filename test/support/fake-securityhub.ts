import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Rate, RateBucket } from './fake-rate.js';
import { ApiError, compileAsffFilters, compileOcsfFilters, idsNamed, sortValue } from './fake-securityhub-filters.js';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/**
 * A small, faithful fake of Security Hub for tests: an HTTP server on
 * 127.0.0.1 speaking the real REST-JSON protocol of GetFindings (POST
 * /findings), GetFindingsV2 (POST /findingsv2), BatchUpdateFindings (PATCH
 * /findings/batchupdate) and BatchUpdateFindingsV2 (PATCH
 * /findingsv2/batchupdatev2), for the real AWS SDK pointed at it. It rejects
 * what AWS rejects (filter limits, MaxResults, rates), paginates with
 * NextToken, injects faults on demand and counts calls.
 */

type Json = Record<string, unknown>;
type Entry = { key: string; value: string };
export type Operation = 'GetFindings' | 'GetFindingsV2' | 'BatchUpdateFindings' | 'BatchUpdateFindingsV2';
export type Fault = 'throttle' | 'internal' | 'reset';

export interface FakeOptions {
  /** Rates per operation family; `false` turns pacing off. Defaults to the documented quotas. */
  rates?: { getFindings?: Rate | false; batchUpdateFindings?: Rate | false };
  /** Milliseconds, for the rate buckets and DateRange filters. */
  now?: () => number;
}

const ROUTES: Record<string, Operation> = {
  'POST /findings': 'GetFindings',
  'POST /findingsv2': 'GetFindingsV2',
  'PATCH /findings/batchupdate': 'BatchUpdateFindings',
  'PATCH /findingsv2/batchupdatev2': 'BatchUpdateFindingsV2',
};
const OCSF_STATUS: Record<number, string> = {
  0: 'Unknown',
  1: 'New',
  2: 'In Progress',
  3: 'Suppressed',
  4: 'Resolved',
  5: 'Archived',
  99: 'Other',
};
const asffKey = (f: Json) => `${f.ProductArn}|${f.Id}`;
const ocsfKey = (f: Json) => {
  const at = (path: string) => path.split('.').reduce<unknown>((v, p) => (v as Json)?.[p], f);
  return `${at('cloud.account.uid')}|${at('metadata.product.uid')}|${at('finding_info.uid')}`;
};

export class FakeSecurityHub {
  /** Requests received per operation, rejected ones included. */
  readonly calls: Record<Operation, number> = { GetFindings: 0, GetFindingsV2: 0, BatchUpdateFindings: 0, BatchUpdateFindingsV2: 0 };
  /** Requests refused for breaking a rule (not injected faults, not rate throttling). */
  readonly rejected: { operation: Operation; code: string; message: string }[] = [];
  /** Requests throttled for exceeding the rate. */
  throttledByRate = 0;
  /** Request bodies, in order. */
  readonly requests: { operation: Operation; body: Json }[] = [];
  readonly asff = new Map<string, Json>();
  readonly ocsf = new Map<string, Json>();
  url = '';
  private readonly server: Server;
  private readonly faults: { operation: Operation | '*'; fault: Fault; times: number }[] = [];
  private periodic?: { operation: Operation | '*'; fault: Fault; every: number; count: number };
  private readonly buckets: Partial<Record<'get' | 'update', RateBucket>> = {};
  private readonly byId = { asff: new Map<string, Set<string>>(), ocsf: new Map<string, Set<string>>() };
  private readonly now: () => number;
  private cache?: { signature: string; version: number; entries: Entry[] };
  private version = 0;

  private constructor(options: FakeOptions) {
    this.now = options.now ?? (() => Date.now());
    const get = options.rates?.getFindings ?? { perSecond: 3, burst: 6 };
    const update = options.rates?.batchUpdateFindings ?? { perSecond: 10, burst: 30 };
    if (get) this.buckets.get = new RateBucket(get, this.now);
    if (update) this.buckets.update = new RateBucket(update, this.now);
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  static async start(options: FakeOptions = {}): Promise<FakeSecurityHub> {
    const fake = new FakeSecurityHub(options);
    fake.url = await listenOnLoopback(fake.server);
    return fake;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  /** Adds or replaces ASFF findings (the same Id and ProductArn is the same finding). The fake keeps the objects given. */
  putAsff(findings: Json[]): void {
    for (const f of findings) this.put('asff', asffKey(f), String(f.Id), f);
  }

  /** Adds or replaces OCSF findings. */
  putOcsf(findings: Json[]): void {
    for (const f of findings) this.put('ocsf', ocsfKey(f), String((f.finding_info as Json).uid), f);
  }

  /** Deletes findings, as Security Hub does 90 days after their last update. */
  remove(api: 'asff' | 'ocsf', predicate: (finding: Json) => boolean): number {
    let removed = 0;
    for (const [key, f] of this[api]) {
      if (!predicate(f)) continue;
      this[api].delete(key);
      this.byId[api].get(api === 'asff' ? String(f.Id) : String((f.finding_info as Json).uid))?.delete(key);
      removed++;
    }
    this.version++;
    return removed;
  }

  /** Every `every`-th request (of `operation`, or any) from now on fails this way; 0 stops it. */
  injectEvery(fault: Fault, every: number, operation: Operation | '*' = '*'): void {
    this.periodic = every > 0 ? { fault, every, operation, count: 0 } : undefined;
  }

  /** The next `times` requests (of `operation`, or any) fail this way. */
  inject(fault: Fault, times = 1, operation: Operation | '*' = '*'): void {
    this.faults.push({ operation, fault, times });
  }

  totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  private nextFault(operation: Operation): Fault | undefined {
    const once = this.faults.find((f) => f.times > 0 && (f.operation === '*' || f.operation === operation));
    if (once) {
      once.times--;
      return once.fault;
    }
    const p = this.periodic;
    if (p && (p.operation === '*' || p.operation === operation) && ++p.count % p.every === 0) return p.fault;
    return undefined;
  }

  private put(api: 'asff' | 'ocsf', key: string, id: string, finding: Json): void {
    this[api].set(key, finding);
    const keys = this.byId[api].get(id) ?? new Set();
    keys.add(key);
    this.byId[api].set(id, keys);
    this.version++;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const operation = ROUTES[`${req.method} ${(req.url ?? '').split('?')[0]}`];
    if (!operation) return send(res, 404, { message: 'Not Found' }, 'UnknownOperationException');
    this.calls[operation]++;
    const v2 = operation.endsWith('V2');
    try {
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
        throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      const fault = this.nextFault(operation);
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'internal') throw new ApiError(500, v2 ? 'InternalServerException' : 'InternalException', 'Internal service failure');
      if (fault === 'throttle') throw throttled(v2);
      if (this.buckets[operation.startsWith('Get') ? 'get' : 'update']?.take() === false) {
        this.throttledByRate++;
        throw throttled(v2);
      }
      let body: Json;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        throw new ApiError(400, 'SerializationException', 'Request body is not valid JSON');
      }
      this.requests.push({ operation, body });
      send(res, 200, this.execute(operation, body));
    } catch (error) {
      if (!(error instanceof ApiError)) return send(res, 500, { Code: 'InternalException', Message: String(error) }, 'InternalException');
      if (error.status === 400) this.rejected.push({ operation, code: error.code, message: error.message });
      send(res, error.status, { Code: error.code, Message: error.message }, error.code);
    }
  }

  private execute(operation: Operation, body: Json): Json {
    if (operation === 'GetFindings') return this.getFindings('asff', body);
    if (operation === 'GetFindingsV2') return this.getFindings('ocsf', body);
    return operation === 'BatchUpdateFindings' ? this.batchUpdate(body) : this.batchUpdateV2(body);
  }

  private getFindings(api: 'asff' | 'ocsf', body: Json): Json {
    const code = api === 'asff' ? 'InvalidInputException' : 'ValidationException';
    const max = body.MaxResults ?? 100;
    if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 100)
      throw new ApiError(400, code, `MaxResults ${String(max)} is invalid: it must be between 1 and 100`);
    const matches = (api === 'asff' ? compileAsffFilters : compileOcsfFilters)(body.Filters, this.now());
    const sort = ((body.SortCriteria as { Field?: string; SortOrder?: string }[]) ?? [])[0];
    const field = sort?.Field ?? (api === 'asff' ? 'UpdatedAt' : 'finding_info.modified_time_dt');
    const descending = sort ? sort.SortOrder === 'desc' : true;
    const signature = JSON.stringify([api, body.Filters ?? null, field, descending]);
    const entries = this.matching(api, body.Filters, matches, field, descending, signature);
    let start = 0;
    if (body.NextToken !== undefined) {
      const token = decodeToken(body.NextToken);
      if (!token || token.signature !== signature) throw new ApiError(400, code, 'The NextToken provided is invalid');
      // Like a search-after cursor: the page starts after the last entry returned, whatever changed meanwhile.
      let low = 0;
      let high = entries.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (order(entries[mid]!, token, descending) <= 0) low = mid + 1;
        else high = mid;
      }
      start = low;
    }
    const slice = entries.slice(start, start + (max as number));
    const last = slice.at(-1);
    const more = start + slice.length < entries.length && last !== undefined;
    return {
      Findings: slice.map((entry) => this[api].get(entry.key)),
      ...(more ? { NextToken: encodeToken({ signature, value: last.value, key: last.key }) } : {}),
    };
  }

  /** Matching findings in sort order; a scan's list is kept while the data is unchanged, as pages of one query follow each other. */
  private matching(
    api: 'asff' | 'ocsf',
    filters: unknown,
    matches: (f: Json) => boolean,
    field: string,
    desc: boolean,
    signature: string,
  ): Entry[] {
    if (this.cache?.signature === signature && this.cache.version === this.version) return this.cache.entries;
    const ids = idsNamed(api, filters);
    const candidates = ids ? [...new Set(ids.flatMap((id) => [...(this.byId[api].get(id) ?? [])]))] : [...this[api].keys()];
    const entries = candidates
      .filter((key) => matches(this[api].get(key)!))
      .map((key) => ({ key, value: sortValue(this[api].get(key)!, field) }))
      .sort((a, b) => order(a, b, desc));
    if (!ids) this.cache = { signature, version: this.version, entries };
    return entries;
  }

  private batchUpdate(body: Json): Json {
    const ids = body.FindingIdentifiers as { Id?: string; ProductArn?: string }[] | undefined;
    if (!Array.isArray(ids) || ids.length === 0) throw new ApiError(400, 'InvalidInputException', 'FindingIdentifiers is required');
    if (ids.length > 100)
      throw new ApiError(400, 'InvalidInputException', `FindingIdentifiers: ${ids.length} given; up to 100 findings at a time`);
    const note = body.Note as { Text?: string; UpdatedBy?: string } | undefined;
    if (note && (!note.Text || !note.UpdatedBy || note.Text.length > 512))
      throw new ApiError(400, 'InvalidInputException', 'Note needs Text (up to 512 characters) and UpdatedBy');
    const status = (body.Workflow as { Status?: string } | undefined)?.Status;
    if (status !== undefined && !['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'].includes(status))
      throw new ApiError(400, 'InvalidInputException', `Workflow.Status ${status} is invalid`);
    const processed: Json[] = [];
    const unprocessed: Json[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      const key = `${id.ProductArn}|${id.Id}`;
      const finding = this.asff.get(key);
      if (seen.has(key))
        unprocessed.push({
          FindingIdentifier: id,
          ErrorCode: 'DuplicatedFindingIdentifier',
          ErrorMessage: 'Finding Identifier is duplicated',
        });
      else if (!finding) unprocessed.push({ FindingIdentifier: id, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' });
      else {
        if (status) finding.Workflow = { Status: status };
        if (note) finding.Note = { Text: note.Text, UpdatedBy: note.UpdatedBy, UpdatedAt: new Date(this.now()).toISOString() };
        processed.push(id);
      }
      seen.add(key);
    }
    this.version++;
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  }

  private batchUpdateV2(body: Json): Json {
    const ids = body.FindingIdentifiers as { CloudAccountUid?: string; FindingInfoUid?: string; MetadataProductUid?: string }[] | undefined;
    const invalid = (message: string) => new ApiError(400, 'ValidationException', message);
    if (ids && body.MetadataUids) throw invalid('MetadataUids cannot be used together with FindingIdentifiers');
    if (!Array.isArray(ids) || ids.length === 0)
      throw new ApiError(400, 'UnsupportedByFake', 'the fake updates by FindingIdentifiers only');
    if (ids.length > 100) throw invalid(`FindingIdentifiers: ${ids.length} given; the maximum is 100`);
    const comment = body.Comment as string | undefined;
    if (comment !== undefined && (comment.length < 1 || comment.length > 512)) throw invalid('Comment must be 1 to 512 characters');
    const statusId = body.StatusId as number | undefined;
    if (statusId !== undefined && OCSF_STATUS[statusId] === undefined) throw invalid(`StatusId ${statusId} is not allowed`);
    const processed: Json[] = [];
    const unprocessed: Json[] = [];
    for (const id of ids) {
      const finding = this.ocsf.get(`${id.CloudAccountUid}|${id.MetadataProductUid}|${id.FindingInfoUid}`);
      if (!finding) {
        unprocessed.push({ FindingIdentifier: id, ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Finding not found' });
        continue;
      }
      if (statusId !== undefined) Object.assign(finding, { status_id: statusId, status: OCSF_STATUS[statusId] });
      if (comment !== undefined) finding.comment = comment;
      processed.push({ FindingIdentifier: id, MetadataUid: (finding.metadata as Json | undefined)?.uid ?? randomUUID() });
    }
    this.version++;
    return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  }
}

function throttled(v2: boolean): ApiError {
  return v2
    ? new ApiError(429, 'ThrottlingException', 'Rate exceeded')
    : new ApiError(429, 'TooManyRequestsException', 'Too Many Requests');
}

function send(res: ServerResponse, status: number, body: Json, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

/** Sort order: by value (descending when asked), then by key, so that every finding has one place. */
function order(a: Entry, b: Entry, desc: boolean): number {
  if (a.value !== b.value) return (a.value < b.value ? -1 : 1) * (desc ? -1 : 1);
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function encodeToken(token: { signature: string; value: string; key: string }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: unknown): { signature: string; value: string; key: string } | undefined {
  try {
    const token = JSON.parse(Buffer.from(String(text), 'base64url').toString('utf8'));
    return typeof token?.signature === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}
