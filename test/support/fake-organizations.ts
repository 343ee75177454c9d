import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ORGANIZATIONS_RATE } from '../../src/adapters/organizations/organizations-client.js';
import { type Rate, RateBucket } from './fake-rate.js';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/**
 * A small, faithful fake of AWS Organizations for tests: an HTTP server on
 * 127.0.0.1 speaking the AWS JSON 1.1 protocol as the SDK does (POST /,
 * `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`, errors as JSON with
 * `__type`), for the real SDK pointed at it. It holds an organization that a
 * test seeds (one root, nested OUs, accounts, tags), answers the read
 * operations the account directory uses, pages with NextToken at the
 * documented page sizes, refuses what AWS refuses (MaxResults above 20,
 * malformed ids, unknown ids, a foreign token, a credential scoped to another
 * region), throttles above its rate with TooManyRequestsException (HTTP 400,
 * as Organizations answers), injects faults on demand and counts calls.
 */

type Json = Record<string, unknown>;
export type Operation =
  | 'ListRoots'
  | 'ListParents'
  | 'ListOrganizationalUnitsForParent'
  | 'ListAccountsForParent'
  | 'DescribeAccount'
  | 'DescribeOrganizationalUnit'
  | 'ListTagsForResource';
export type Fault = 'throttle' | 'internal' | 'reset';
/** How every request is refused while the caller is not allowed, or not in an organization. */
export type Refusal = 'AccessDeniedException' | 'AWSOrganizationsNotInUseException';

export interface FakeOrganizationsOptions {
  /** The rate of all operations together; `false` turns throttling off. Defaults to the client's pace. */
  rate?: Rate | false;
  /** Milliseconds, for the rate bucket. */
  now?: () => number;
  /** The region requests must be signed for (Organizations lives in us-east-1). */
  signingRegion?: string;
  /** Tags per ListTagsForResource page (the API takes no MaxResults). */
  tagsPerPage?: number;
  /** Every n-th page that has more after it comes back empty, with a NextToken, as the API reference warns. */
  emptyPageEvery?: number;
}

const OPERATIONS: Operation[] = [
  'ListRoots',
  'ListParents',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
  'DescribeAccount',
  'DescribeOrganizationalUnit',
  'ListTagsForResource',
];
const TARGET_PREFIX = 'AWSOrganizationsV20161128.';
const MANAGEMENT_ACCOUNT = '111111111111';
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const ROOT_ID = 'r-a1b2';
/** The API's MaxResults: "Valid Range: Minimum value of 1. Maximum value of 20." */
const MAX_RESULTS = 20;
const ID_PATTERNS = {
  account: /^\d{12}$/,
  root: /^r-[0-9a-z]{4,32}$/,
  ou: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
};
const MESSAGES: Record<Refusal | 'TooManyRequestsException' | 'ServiceException', string> = {
  AccessDeniedException: "You don't have permissions to access this resource.",
  AWSOrganizationsNotInUseException: 'Your account is not a member of an organization.',
  TooManyRequestsException:
    "AWS Organizations can't complete your request because another request is already in progress. Try again later.",
  ServiceException: "AWS Organizations can't complete your request because of an internal service error. Try again later.",
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Json = {},
  ) {
    super(message);
  }
}

const invalid = (reason: string, message: string) => new ApiError(400, 'InvalidInputException', message, { Reason: reason });
const notFound = (code: string, message: string) => new ApiError(400, code, message);

interface Container {
  id: string;
  name: string;
  parentId?: string;
  tags: Map<string, string>;
}
interface Member {
  id: string;
  name: string;
  email: string;
  parentId: string;
  tags: Map<string, string>;
  joined: number;
}

export class FakeOrganizations {
  /** Requests received per operation, refused ones included. */
  readonly calls: Record<Operation, number> = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<Operation, number>;
  /** Requests refused for breaking a rule of the API (not injected faults, not throttling). */
  readonly rejected: { operation: Operation; code: string; message: string }[] = [];
  /** Requests throttled for exceeding the rate. */
  throttledByRate = 0;
  /** The credential scope region of each request, in order. */
  readonly signedFor: string[] = [];
  readonly rootId = ROOT_ID;
  url = '';
  /** While set, every request is refused this way. */
  refusal: Refusal | undefined;
  private readonly server: Server;
  private readonly nodes = new Map<string, Container>([[ROOT_ID, { id: ROOT_ID, name: 'Root', tags: new Map() }]]);
  private readonly accounts = new Map<string, Member>();
  private readonly faults: { operation: Operation | '*'; fault: Fault; times: number }[] = [];
  private readonly bucket?: RateBucket;
  private readonly now: () => number;
  private readonly options: FakeOrganizationsOptions;
  private pagesServed = 0;
  private nextOu = 0;
  private nextAccount = 0;

  private constructor(options: FakeOrganizationsOptions) {
    this.options = options;
    this.now = options.now ?? (() => Date.now());
    const rate = options.rate ?? ORGANIZATIONS_RATE;
    if (rate) this.bucket = new RateBucket(rate, this.now);
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  static async start(options: FakeOrganizationsOptions = {}): Promise<FakeOrganizations> {
    const fake = new FakeOrganizations(options);
    fake.url = await listenOnLoopback(fake.server);
    return fake;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  /** Creates an OU under a root or OU; returns its id. */
  addOu(parentId: string, name: string, tags: Record<string, string> = {}): string {
    this.container(parentId);
    const id = `ou-${ROOT_ID.slice(2)}-${(++this.nextOu).toString(36).padStart(8, '0')}`;
    this.nodes.set(id, { id, name, parentId, tags: new Map(Object.entries(tags)) });
    return id;
  }

  /** Creates an account under a root or OU; returns its id (12 digits, made up unless given). */
  addAccount(parentId: string, name: string, tags: Record<string, string> = {}, id?: string): string {
    this.container(parentId);
    const accountId = id ?? String(200_000_000_000 + ++this.nextAccount);
    const email = `aws+${accountId}@example.com`;
    this.accounts.set(accountId, { id: accountId, name, email, parentId, tags: new Map(Object.entries(tags)), joined: this.now() });
    return accountId;
  }

  /** Replaces the tags of an account, OU or root. */
  setTags(resourceId: string, tags: Record<string, string>): void {
    const target = this.accounts.get(resourceId) ?? this.container(resourceId);
    target.tags = new Map(Object.entries(tags));
  }

  /** Moves an account to another root or OU, as MoveAccount does. */
  moveAccount(accountId: string, destinationParentId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`no account ${accountId}`);
    this.container(destinationParentId);
    account.parentId = destinationParentId;
  }

  /** Deletes an OU, which must be empty, as DeleteOrganizationalUnit does. */
  removeOu(ouId: string): void {
    const inside = [...this.nodes.values(), ...this.accounts.values()].some((child) => child.parentId === ouId);
    if (inside || !ID_PATTERNS.ou.test(ouId)) throw new Error(`${ouId} is not an empty OU`);
    this.nodes.delete(ouId);
  }

  /** Removes an account from the organization. */
  removeAccount(accountId: string): void {
    this.accounts.delete(accountId);
  }

  /** The next `times` requests (of `operation`, or any) fail this way. */
  inject(fault: Fault, times = 1, operation: Operation | '*' = '*'): void {
    this.faults.push({ operation, fault, times });
  }

  /** Forgets the faults not yet used. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  private container(id: string): Container {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no root or OU ${id}`);
    return node;
  }

  private nextFault(operation: Operation): Fault | undefined {
    const due = this.faults.find((f) => f.times > 0 && (f.operation === '*' || f.operation === operation));
    if (!due) return undefined;
    due.times--;
    return due.fault;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = OPERATIONS.find((op) => target === `${TARGET_PREFIX}${op}`);
    if (req.method !== 'POST' || (req.url ?? '/') !== '/' || !operation)
      return reply(res, 400, { __type: 'UnknownOperationException', message: `Unknown operation ${target || '(no X-Amz-Target)'}` });
    this.calls[operation]++;
    try {
      this.authenticate(req);
      if (req.headers['content-type'] !== 'application/x-amz-json-1.1')
        throw new ApiError(400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1');
      const fault = this.nextFault(operation);
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'internal') throw new ApiError(500, 'ServiceException', MESSAGES.ServiceException);
      if (fault === 'throttle') throw new ApiError(400, 'TooManyRequestsException', MESSAGES.TooManyRequestsException);
      if (this.bucket?.take() === false) {
        this.throttledByRate++;
        throw new ApiError(400, 'TooManyRequestsException', MESSAGES.TooManyRequestsException);
      }
      if (this.refusal) throw new ApiError(400, this.refusal, MESSAGES[this.refusal]);
      let body: Json;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        throw new ApiError(400, 'SerializationException', 'Request body is not valid JSON');
      }
      reply(res, 200, this.execute(operation, body));
    } catch (error) {
      if (!(error instanceof ApiError)) return reply(res, 500, { __type: 'ServiceException', Message: String(error) });
      const expected = ['TooManyRequestsException', 'ServiceException', 'AccessDeniedException', 'AWSOrganizationsNotInUseException'];
      if (!expected.includes(error.code)) this.rejected.push({ operation, code: error.code, message: error.message });
      reply(res, error.status, { __type: error.code, Message: error.message, ...error.fields });
    }
  }

  /** A SigV4 header whose credential is scoped to Organizations in its region. */
  private authenticate(req: IncomingMessage): void {
    const header = String(req.headers.authorization ?? '');
    const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header);
    if (!scope) throw new ApiError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const [, region, service] = scope;
    this.signedFor.push(region!);
    if (service !== 'organizations')
      throw new ApiError(400, 'InvalidSignatureException', "Credential should be scoped to correct service: 'organizations'.");
    const home = this.options.signingRegion ?? 'us-east-1';
    if (region !== home)
      throw new ApiError(400, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'.`);
  }

  private execute(operation: Operation, body: Json): Json {
    switch (operation) {
      case 'ListRoots':
        return this.page('Roots', body, 'roots', [this.container(ROOT_ID)], (node) => this.describeNode(node));
      case 'ListParents': {
        const child = this.childNamed(body.ChildId);
        const parent = this.container(child.parentId!);
        return this.page('Parents', body, `parents:${child.id}`, [parent], (node) => ({
          Id: node.id,
          Type: node.parentId === undefined ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
        }));
      }
      case 'ListOrganizationalUnitsForParent': {
        const parent = this.parentNamed(body.ParentId);
        const units = [...this.nodes.values()].filter((node) => node.parentId === parent.id);
        return this.page('OrganizationalUnits', body, `ous:${parent.id}`, units, (node) => this.describeNode(node));
      }
      case 'ListAccountsForParent': {
        const parent = this.parentNamed(body.ParentId);
        const members = [...this.accounts.values()].filter((account) => account.parentId === parent.id);
        return this.page('Accounts', body, `accounts:${parent.id}`, members, (account) => this.describeAccount(account));
      }
      case 'DescribeAccount': {
        const id = requireId(body.AccountId, 'AccountId', ID_PATTERNS.account);
        const account = this.accounts.get(id);
        if (!account) throw notFound('AccountNotFoundException', "You specified an account that doesn't exist.");
        return { Account: this.describeAccount(account) };
      }
      case 'DescribeOrganizationalUnit': {
        const id = requireId(body.OrganizationalUnitId, 'OrganizationalUnitId', ID_PATTERNS.ou);
        const node = this.nodes.get(id);
        if (!node)
          throw notFound('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified.");
        return { OrganizationalUnit: this.describeNode(node) };
      }
      case 'ListTagsForResource':
        return this.listTags(body);
    }
  }

  private listTags(body: Json): Json {
    const id = requireString(body.ResourceId, 'ResourceId');
    if (!Object.values(ID_PATTERNS).some((pattern) => pattern.test(id)))
      throw invalid('INVALID_PATTERN', `ResourceId ${id} is not an account, OU or root id`);
    const target = this.accounts.get(id) ?? this.nodes.get(id);
    if (!target)
      throw notFound('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.");
    const tags = [...target.tags].map(([Key, Value]) => ({ id: Key, Key, Value }));
    const per = this.options.tagsPerPage ?? 10;
    return this.page('Tags', { ...body, MaxResults: per }, `tags:${id}`, tags, ({ Key, Value }) => ({ Key, Value }));
  }

  /** One page of `items` (sorted by id) after the token's position, with a NextToken when more follow. */
  private page<T extends { id: string }>(field: string, body: Json, scope: string, items: T[], shape: (item: T) => Json): Json {
    const max = body.MaxResults ?? MAX_RESULTS;
    if (!Number.isInteger(max)) throw invalid('INVALID_INPUT', 'MaxResults must be an integer');
    if ((max as number) < 1) throw invalid('MIN_VALUE_EXCEEDED', `MaxResults ${max} is below the minimum of 1`);
    if ((max as number) > MAX_RESULTS) throw invalid('MAX_VALUE_EXCEEDED', `MaxResults ${max} is above the maximum of ${MAX_RESULTS}`);
    const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let start = 0;
    if (body.NextToken !== undefined) {
      const token = decodeToken(body.NextToken);
      if (!token || token.scope !== scope) throw invalid('INVALID_NEXT_TOKEN', 'The specified NextToken is not valid.');
      start = sorted.findIndex((item) => item.id > token.after);
      if (start === -1) start = sorted.length;
    }
    const every = this.options.emptyPageEvery ?? 0;
    if (every > 0 && start < sorted.length && ++this.pagesServed % every === 0) {
      const after = start === 0 ? '' : sorted[start - 1]!.id;
      return { [field]: [], NextToken: encodeToken({ scope, after }) };
    }
    const slice = sorted.slice(start, start + (max as number));
    const more = start + slice.length < sorted.length;
    return { [field]: slice.map(shape), ...(more ? { NextToken: encodeToken({ scope, after: slice.at(-1)!.id }) } : {}) };
  }

  private childNamed(value: unknown): Container | Member {
    const id = requireString(value, 'ChildId');
    if (!ID_PATTERNS.account.test(id) && !ID_PATTERNS.ou.test(id))
      throw invalid('INVALID_PATTERN', `ChildId ${id} is neither an account nor an OU id`);
    const child = this.accounts.get(id) ?? this.nodes.get(id);
    if (!child)
      throw notFound(
        'ChildNotFoundException',
        "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
      );
    return child;
  }

  private parentNamed(value: unknown): Container {
    const id = requireString(value, 'ParentId');
    if (!ID_PATTERNS.root.test(id) && !ID_PATTERNS.ou.test(id))
      throw invalid('INVALID_PATTERN', `ParentId ${id} is neither a root nor an OU id`);
    const parent = this.nodes.get(id);
    if (!parent) throw notFound('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
    return parent;
  }

  private describeNode(node: Container): Json {
    const kind = node.parentId === undefined ? 'root' : 'ou';
    return {
      Id: node.id,
      Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:${kind}/${ORGANIZATION_ID}/${node.id}`,
      Name: node.name,
      ...(kind === 'root' ? { PolicyTypes: [] } : {}),
    };
  }

  private describeAccount(account: Member): Json {
    return {
      Id: account.id,
      Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${ORGANIZATION_ID}/${account.id}`,
      Email: account.email,
      Name: account.name,
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: account.joined / 1000,
    };
  }
}

function requireString(value: unknown, member: string): string {
  if (typeof value !== 'string' || value === '') throw invalid('INPUT_REQUIRED', `${member} is required`);
  return value;
}

function requireId(value: unknown, member: string, pattern: RegExp): string {
  const id = requireString(value, member);
  if (!pattern.test(id)) throw invalid('INVALID_PATTERN', `${member} ${id} does not match ${pattern.source}`);
  return id;
}

function reply(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

function encodeToken(token: { scope: string; after: string }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: unknown): { scope: string; after: string } | undefined {
  try {
    const token = JSON.parse(Buffer.from(String(text), 'base64url').toString('utf8'));
    return typeof token?.scope === 'string' && typeof token?.after === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}
