import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventPatternFor } from '../../src/core/event-pattern.js';
import { validatePolicy } from '../../src/core/policy.js';
import type { TrackedRecord } from '../../src/core/record.js';
import { asff, asffEvent, normalized } from '../builders/asff.js';
import { createFindingTable, type DynamoDbLocal, deleteFindingTable, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { matchesEventPattern } from '../support/event-pattern-matcher.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { fixturesRoot } from '../support/fixtures.js';
import { deployPolicy, localLambdaEnv } from '../support/lambda-env.js';
import { localWorkflow, type TaskHandler, type TaskVariable } from '../support/local-workflow.js';
import { headerOf, type SesLocal, type StoredEmail, startSesLocal } from '../support/ses-local.js';

/**
 * The AWS deployment, end to end, with no AWS account: real Security Hub
 * events, the event pattern Terraform deploys, infra/state-machine.asl.json
 * executed by aws-local-stepfunctions with every Task bound to the real
 * handler module, DynamoDB Local and aws-ses-v2-local.
 */

const TABLE = 'sechub-alerts-e2e';
const POLICY_DOCUMENT = {
  sender: 'alerts@example.com',
  rules: [
    {
      name: 'critical-and-high',
      match: { severities: ['CRITICAL', 'HIGH'], products: ['guardduty', 'inspector', 'securityhub'], standards: ['cis', 'fsbp'] },
      notify: { to: ['security-team@example.com'], every: '15d' },
    },
    {
      name: 'inspector-medium',
      match: { severities: ['MEDIUM'], products: ['inspector'] },
      notify: { to: ['vuln-team@example.com'], every: 'never' },
    },
  ],
};
const PATTERN = eventPatternFor(validatePolicy(POLICY_DOCUMENT));
const SECURITY_TEAM = ['security-team@example.com'];
const VULN_TEAM = ['vuln-team@example.com'];
const DAY = 86_400_000;

/** Event times near the real clock: DynamoDB Local deletes items whose TTL has passed, as DynamoDB does. */
const START = Math.floor(Date.now() / 1000) * 1000;
const at = (offsetMs: number) => new Date(START + offsetMs).toISOString().replace('.000Z', 'Z');

type Event = Record<string, unknown> & { detail: { findings: Record<string, unknown>[] } };
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Event;
const jsonFiles = (dir: string) =>
  readdirSync(join(fixturesRoot, dir))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(fixturesRoot, dir, name));

/** An event as EventBridge would deliver it now: the real event with its delivery time moved. */
function replay(event: Event, time: string): Event {
  return { ...event, time };
}

/** A bare OCSF finding in the envelope Security Hub documents for "Findings Imported V2" (one finding per event). */
function envelope(finding: Record<string, unknown>, time: string): Event {
  const cloud = (finding.cloud ?? {}) as { account?: { uid?: string }; region?: string };
  const metadata = (finding.metadata ?? {}) as { uid?: string };
  return {
    version: '0',
    id: '6f8a2c1e-0000-4000-8000-000000000001',
    'detail-type': 'Findings Imported V2',
    source: 'aws.securityhub',
    account: cloud.account?.uid ?? '123456789012',
    time,
    region: cloud.region ?? 'us-east-1',
    resources: metadata.uid ? [metadata.uid] : [],
    detail: { findings: [finding] },
  };
}

let dynamo: DynamoDbLocal;
let ses: SesLocal;
let workflow: ReturnType<typeof localWorkflow>;
let handlers: Record<TaskVariable, TaskHandler>;
const invocations: Record<string, number> = {};
const requests: Record<string, number> = {};

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startDynamoDbLocal(), startSesLocal()]);
  await createFindingTable(dynamo.client, TABLE);
  await deployPolicy(dynamo.client, TABLE, POLICY_DOCUMENT);
  Object.assign(
    process.env,
    localLambdaEnv({ table: TABLE, policy: POLICY_DOCUMENT, dynamoEndpoint: dynamo.endpoint, sesEndpoint: ses.endpoint, logLevel: 'WARN' }),
  );
  // The handler modules read their configuration and build their clients at import, as at a Lambda cold start.
  const [checkRecord, checkAge, notify, clients] = await Promise.all([
    import('../../src/handlers/check-record.js'),
    import('../../src/handlers/check-age.js'),
    import('../../src/handlers/notify.js'),
    import('../../src/handlers/shared/dynamodb-client.js'),
  ]);
  clients.dynamoDbClient.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      requests[name] = (requests[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  handlers = {
    check_record_arn: counted('check-record', checkRecord.handler),
    check_age_arn: counted('check-age', checkAge.handler),
    notify_arn: counted('notify', notify.handler),
  };
  workflow = localWorkflow(handlers);
});

afterAll(async () => {
  await Promise.all([dynamo?.stop(), ses?.stop()]);
});

/** A task handler that counts its invocations, as Lambda would bill them. */
function counted(name: string, handler: (input: unknown) => Promise<unknown>): TaskHandler {
  return async (input) => {
    invocations[name] = (invocations[name] ?? 0) + 1;
    return (await handler(input)) as never;
  };
}

/** Runs one execution and reports what it cost and which emails arrived. */
async function deliver(event: Event) {
  for (const counter of [invocations, requests]) for (const key of Object.keys(counter)) delete counter[key];
  await ses.clear();
  const output = await workflow.execute(event);
  return { output, emails: await ses.emails(), invocations: { ...invocations }, requests: { ...requests } };
}

async function storedItem(key: string): Promise<(Record<string, unknown> & { record: TrackedRecord }) | undefined> {
  const { Item } = await dynamo.client.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `finding#${key}` } }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const item = unmarshall(Item);
  return { ...item, record: JSON.parse(item.record as string) as TrackedRecord };
}

async function resetTable(): Promise<void> {
  await deleteFindingTable(dynamo.client, TABLE);
  await createFindingTable(dynamo.client, TABLE);
  await deployPolicy(dynamo.client, TABLE, POLICY_DOCUMENT);
}

const summary = (emails: StoredEmail[]) =>
  emails.map((email) => ({
    to: email.destination.to,
    kind: headerOf(email, 'X-Sechub-Notification'),
    findingId: headerOf(email, 'X-Sechub-Finding-Id'),
  }));

describe('the lifecycle of one finding, from real Security Hub events', () => {
  const active = readJson(join(fixturesRoot, 'asff/events/jira-fsbp-ec2.8-active-new.json'));
  const archived = readJson(join(fixturesRoot, 'asff/events/jira-fsbp-ec2.8-archived-new.json'));
  const finding = normalized(active);
  const SUBJECT =
    'HIGH Security Hub: EC2.8 EC2 instances should use Instance Metadata Service Version 2 (IMDSv2) (123456789012, eu-west-1)';
  const reopenedAt = at(3 * 3_600_000);
  const reopened: Event = {
    ...active,
    time: reopenedAt,
    detail: { findings: [{ ...active.detail.findings[0], UpdatedAt: reopenedAt }] },
  };

  beforeAll(resetTable);

  it('emails the team once about a new finding: one email with both headers, and a record in the table', async () => {
    const event = replay(active, at(0));
    expect(matchesEventPattern(PATTERN, event)).toBe(true);

    const run = await deliver(event);

    expect(summary(run.emails)).toEqual([{ to: SECURITY_TEAM, kind: 'new', findingId: finding.id }]);
    expect(run.emails[0]?.from).toBe('alerts@example.com');
    expect(run.emails[0]?.subject).toBe(SUBJECT);
    const item = await storedItem(finding.key);
    expect(item).toMatchObject({ open: true, version: 2, ttl: Math.ceil(Date.parse(item!.record.expiresAt) / 1000) });
    expect(item?.record.rules).toEqual({ 'critical-and-high': { lastNotifiedAt: new Date(START).toISOString() } });
    expect(item?.record.claim).toBeUndefined();
    expect(run.invocations).toEqual({ 'check-record': 1, 'check-age': 1, notify: 1 });
    // One read of the record per task, and, as this is each function's first invocation, one read of the policy each.
    expect(run.requests).toEqual({ GetItem: 6, PutItem: 2 });
  });

  it('sends nothing when the same event arrives again, for one Lambda invocation and one DynamoDB read', async () => {
    const run = await deliver(replay(active, at(3_600_000)));

    expect(run.emails).toEqual([]);
    expect((await storedItem(finding.key))?.version).toBe(2);
    expect(run.invocations).toEqual({ 'check-record': 1 });
    expect(run.requests).toEqual({ GetItem: 1 });
  });

  it('forgets the finding when Security Hub archives it, keeping a tombstone against late events', async () => {
    const event = replay(archived, at(2 * 3_600_000));
    expect(matchesEventPattern(PATTERN, event)).toBe(true);

    const run = await deliver(event);

    expect(run.emails).toEqual([]);
    const item = await storedItem(finding.key);
    expect(item).toMatchObject({ open: false, version: 3 });
    expect(item?.record.rules).toEqual({});
    expect(run.invocations).toEqual({ 'check-record': 1, 'check-age': 1 });
    expect(run.requests).toEqual({ GetItem: 2, PutItem: 1 });
  });

  it('announces the finding again as new when it reopens', async () => {
    const run = await deliver(reopened);

    expect(summary(run.emails)).toEqual([{ to: SECURITY_TEAM, kind: 'new', findingId: finding.id }]);
    expect(await storedItem(finding.key)).toMatchObject({ open: true, version: 5 });
  });

  it('reminds the team when the finding is still open after `every` (15 days), and only once', async () => {
    const first = await deliver(replay(reopened, at(3 * 3_600_000 + 15 * DAY)));
    const again = await deliver(replay(reopened, at(3 * 3_600_000 + 15 * DAY + 60_000)));

    expect(summary(first.emails)).toEqual([{ to: SECURITY_TEAM, kind: 'reminder', findingId: finding.id }]);
    // One conversation with the new email: the same subject, and a reply to the finding's thread root.
    expect(first.emails[0]?.subject).toBe(SUBJECT);
    expect(headerOf(first.emails[0]!, 'In-Reply-To')).toMatch(/^<[0-9a-f]{24}@example\.com>$/);
    expect(first.invocations).toEqual({ 'check-record': 1, 'check-age': 1, notify: 1 });
    expect(first.requests).toEqual({ GetItem: 3, PutItem: 2 });
    expect(again.emails).toEqual([]);
  });
});

describe('every real event in the fixtures', () => {
  const asffEvents = [...jsonFiles('asff/events'), ...jsonFiles('asff/events/other-detail-types'), ...jsonFiles('ocsf/events')].map(
    (path) => ({ name: basename(path), event: replay(readJson(path), at(0)) }),
  );
  const wrapped = [
    ...jsonFiles('ocsf/findings/elastic-aws_securityhub'),
    join(fixturesRoot, 'ocsf/findings/aws-docs-sample-exposure-finding.json'),
  ].map((path) => ({ name: basename(path), event: envelope(readJson(path) as Record<string, unknown>, at(0)) }));
  /** What the policy asks for, file by file; every other event must cause no email. */
  const expected: Record<string, string[]> = {
    'jira-cis-1.2.0-rule-1.22-failed.json': SECURITY_TEAM,
    'jira-fsbp-ec2.8-active-new.json': SECURITY_TEAM,
    '05-vulnerability-inspector-CVE-2023-44487-new.json': SECURITY_TEAM,
    '06-vulnerability-inspector-CVE-2025-8194-new.json': SECURITY_TEAM,
    '07-vulnerability-inspector-CVE-2021-47412-new.json': VULN_TEAM,
    '10-vulnerability-inspector-CVE-2025-47906-new.json': VULN_TEAM,
  };

  beforeAll(resetTable);

  it('sends exactly the emails the policy asks for, and the event pattern drops only events that would change nothing', async () => {
    const delivered: Record<string, string[]> = {};
    const dropped: string[] = [];
    for (const { name, event } of [...asffEvents, ...wrapped]) {
      const passes = matchesEventPattern(PATTERN, event);
      const run = await deliver(event);
      for (const email of run.emails) delivered[name] = email.destination.to;
      if (!passes) {
        dropped.push(name);
        // EventBridge would not have started this execution: it must be one that changes nothing.
        expect({ name, emails: run.emails.length, writes: run.requests.PutItem ?? 0 }).toEqual({ name, emails: 0, writes: 0 });
      }
    }

    expect(delivered).toEqual(expected);
    expect(dropped).toContain('jira-custom-action-fsbp-ec2.8-notified.json');
    expect(dropped.length).toBeGreaterThan(3);
  });
});

describe('logs', () => {
  it('carry keys, outcomes and reasons, never a finding: no title, no description', async () => {
    const raw = asff({
      id: 'arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/logs-1',
      title: 'TITLE-NOT-FOR-LOGS',
      description: 'DESCRIPTION-NOT-FOR-LOGS',
    });
    const { logger } = await import('../../src/handlers/shared/logger.js');
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    logger.setLogLevel('INFO');
    try {
      await deliver(asffEvent([raw], at(0)) as Event);
    } finally {
      logger.setLogLevel('WARN');
      process.stdout.write = write;
    }

    const logs = lines.join('');
    expect(logs).toContain(normalized(raw).key);
    expect(logs).toContain('"outcome":"notified"');
    expect(logs).not.toMatch(/TITLE-NOT-FOR-LOGS|DESCRIPTION-NOT-FOR-LOGS/);
  });
});

describe('Security Hub write-back (SECURITY_HUB_WRITE_BACK=true)', () => {
  const event = readJson(join(fixturesRoot, 'asff/events/jira-cis-1.2.0-rule-1.22-failed.json'));
  const raw = event.detail.findings[0]!;
  let securityHub: FakeSecurityHub;
  let withWriteBack: ReturnType<typeof localWorkflow>;

  beforeAll(async () => {
    await resetTable();
    securityHub = await FakeSecurityHub.start({ rates: { getFindings: false, batchUpdateFindings: false } });
    securityHub.putAsff([raw]);
    // A second cold start of notify, configured for write-back.
    Object.assign(process.env, { SECURITY_HUB_WRITE_BACK: 'true', AWS_ENDPOINT_URL_SECURITYHUB: securityHub.url });
    vi.resetModules();
    const notify = await import('../../src/handlers/notify.js');
    process.env.SECURITY_HUB_WRITE_BACK = 'false';
    withWriteBack = localWorkflow({ ...handlers, notify_arn: counted('notify', notify.handler) });
  });
  afterAll(async () => {
    await securityHub?.stop();
  });

  it('marks the finding NOTIFIED after the email, with a note naming the rule and the recipients', async () => {
    await ses.clear();

    await withWriteBack.execute(replay(event, at(0)));

    expect(await ses.emails()).toHaveLength(1);
    const updates = securityHub.requests.filter((request) => request.operation === 'BatchUpdateFindings');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.body).toMatchObject({
      FindingIdentifiers: [{ Id: raw.Id, ProductArn: raw.ProductArn }],
      Workflow: { Status: 'NOTIFIED' },
      Note: { Text: expect.stringMatching(/security-team@example\.com.*critical-and-high/) },
    });
  });

  it('leaves Security Hub alone when no email goes out', async () => {
    const before = securityHub.totalCalls();

    await withWriteBack.execute(replay(event, at(60_000)));

    expect(securityHub.totalCalls()).toBe(before);
  });
});

describe('bad input and concurrency', () => {
  const event = readJson(join(fixturesRoot, 'asff/events/jira-cis-1.2.0-rule-1.22-failed.json'));
  const finding = normalized(event);

  beforeAll(resetTable);

  it('lets a bad finding fail only itself: the valid finding beside it is emailed and the execution succeeds', async () => {
    const mixed: Event = {
      ...replay(event, at(0)),
      detail: { findings: [{ Id: 42, ProductArn: ['not', 'an', 'arn'] }, event.detail.findings[0]!] },
    };

    const run = await deliver(mixed);

    expect(run.output).toMatchObject({
      failed: false,
      results: [{ action: 'skip', outcome: 'invalid', error: 'InvalidFindingError' }, {}],
    });
    expect(summary(run.emails)).toEqual([{ to: SECURITY_TEAM, kind: 'new', findingId: finding.id }]);
  });

  it('sends exactly one email when 200 executions for one new finding run at once', async () => {
    await resetTable();
    await ses.clear();
    const burst = replay(event, at(60_000));

    const outputs = await Promise.all(Array.from({ length: 200 }, () => workflow.execute(burst)));

    expect(outputs.every((output) => (output as { failed: boolean }).failed === false)).toBe(true);
    expect(summary(await ses.emails())).toEqual([{ to: SECURITY_TEAM, kind: 'new', findingId: finding.id }]);
    expect(await storedItem(finding.key)).toMatchObject({ open: true, version: 2 });
  });
});
