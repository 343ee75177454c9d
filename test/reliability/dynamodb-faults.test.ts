import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import type { TrackedRecord } from '../../src/core/record.js';
import {
  createFindingTable,
  type DynamoDbLocal,
  deleteFindingTable,
  LOCAL_CREDENTIALS,
  startDynamoDbLocal,
} from '../support/dynamodb-local.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { asff, asffEvent, normalized } from '../support/findings.js';
import { localWorkflow, type TaskHandler } from '../support/local-workflow.js';
import { headerOf, type SesLocal, startSesLocal } from '../support/ses-local.js';
import { type AwsFaultCounts, injectAwsFaults } from './support/aws-faults.js';

/**
 * The AWS deployment under DynamoDB faults: the real state machine
 * (aws-local-stepfunctions), the real handlers with their real SDK clients,
 * DynamoDB Local and the local SES. Faults are injected into the clients'
 * middleware. Claims last 2 s (CLAIM_SECONDS) so that "after the lease"
 * comes quickly.
 */

const TABLE = 'sechub-alerts-faults';
const POLICY = {
  sender: 'alerts@example.com',
  rules: [
    { name: 'critical-and-high', match: { severities: ['CRITICAL', 'HIGH'] }, notify: { to: ['security-team@example.com'], every: '15d' } },
  ],
};
const CLAIM_SECONDS = 2;
/** Event times near the real clock: DynamoDB Local expires items by TTL as DynamoDB does. */
const START = Math.floor(Date.now() / 1000) * 1000;

let dynamo: DynamoDbLocal;
let ses: SesLocal;
let securityHub: FakeSecurityHub;
let execute: (event: unknown) => Promise<unknown>;
let daily: (event: unknown, context?: Context) => Promise<unknown>;
let faults: ReturnType<typeof injectAwsFaults>;
const invocations: Record<string, number> = {};

beforeAll(async () => {
  [dynamo, ses, securityHub] = await Promise.all([
    startDynamoDbLocal(),
    startSesLocal(),
    FakeSecurityHub.start({ rates: { getFindings: false } }),
  ]);
  Object.assign(process.env, {
    TABLE_NAME: TABLE,
    POLICY: JSON.stringify(POLICY),
    SECURITY_HUB_WRITE_BACK: 'false',
    CLAIM_SECONDS: String(CLAIM_SECONDS),
    LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_SERVICE_NAME: 'sechub-alerts',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_SECURITYHUB: securityHub.url,
  });
  const [checkRecord, checkAge, notify, dailyModule, dynamoClient, sesClient] = await Promise.all([
    import('../../src/handlers/check-record.js'),
    import('../../src/handlers/check-age.js'),
    import('../../src/handlers/notify.js'),
    import('../../src/handlers/daily.js'),
    import('../../src/handlers/shared/dynamodb-client.js'),
    import('../../src/handlers/shared/ses-client.js'),
  ]);
  faults = injectAwsFaults(dynamoClient.dynamoDbClient, sesClient.sesClient, { throttleShare: 0, lostReplyShare: 0, seed: 2026 });
  const counted =
    (name: string, handler: (input: unknown) => Promise<unknown>): TaskHandler =>
    async (input) => {
      invocations[name] = (invocations[name] ?? 0) + 1;
      return (await handler(input)) as never;
    };
  const workflow = localWorkflow({
    check_record_arn: counted('check-record', checkRecord.handler),
    check_age_arn: counted('check-age', checkAge.handler),
    notify_arn: counted('notify', notify.handler),
  });
  execute = (event) => workflow.execute(event);
  daily = dailyModule.handler;
});

afterAll(async () => {
  await Promise.all([dynamo?.stop(), ses?.stop(), securityHub?.stop()]);
});

async function freshTable(): Promise<void> {
  await deleteFindingTable(dynamo.client, TABLE).catch(() => undefined);
  await createFindingTable(dynamo.client, TABLE);
  await ses.clear();
  for (const key of Object.keys(invocations)) delete invocations[key];
}

function findings(prefix: string, count: number): Record<string, unknown>[] {
  const time = new Date(START).toISOString();
  return Array.from({ length: count }, (_, i) =>
    asff({
      id: `arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/${prefix}-${i}`,
      severity: 'HIGH',
      updatedAt: time,
      firstObservedAt: time,
    }),
  );
}

/** Runs executions `concurrency` at a time; an execution that fails is delivered again (Security Hub re-sends), up to `rounds` times. */
async function deliverAll(events: unknown[], concurrency: number, rounds: number) {
  let pending = events;
  let failedExecutions = 0;
  for (let round = 0; round < rounds && pending.length > 0; round++) {
    const failed: unknown[] = [];
    for (let i = 0; i < pending.length; i += concurrency) {
      await Promise.all(
        pending.slice(i, i + concurrency).map((event) =>
          execute(event).catch(() => {
            failedExecutions++;
            failed.push(event);
          }),
        ),
      );
    }
    pending = failed;
  }
  return { failedExecutions, undelivered: pending.length };
}

async function emailsByFinding() {
  const groups = new Map<string, number>();
  for (const email of await ses.emails()) {
    const key = `${headerOf(email, 'X-Sechub-Notification')}|${headerOf(email, 'X-Sechub-Finding-Id')}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return groups;
}

async function tableState(keys: string[]) {
  const store = new DynamoDbFindingStore({ client: dynamo.client, tableName: TABLE });
  const records = (await Promise.all(keys.map((key) => store.get(key)))).filter((r): r is TrackedRecord => r !== undefined);
  return {
    records: records.length,
    notified: records.filter((r) => r.rules['critical-and-high'] !== undefined).length,
    claimed: records.filter((r) => r.claim !== undefined).length,
  };
}

function figures(raw: Record<string, unknown>[], groups: Map<string, number>, counts: AwsFaultCounts) {
  const ids = raw.map((f) => String(f.Id));
  const sent = ids.filter((id) => groups.has(`new|${id}`)).length;
  return {
    due: ids.length,
    sent,
    duplicated: [...groups.values()].reduce((sum, n) => sum + n - 1, 0),
    lost: ids.length - sent,
    ...counts,
    invocations: { ...invocations },
  };
}

describe('DynamoDB throttling a share of calls', () => {
  it('sends each due notification once: throttled calls never reached the table, and retries carry them through', async () => {
    // prepare: 60 findings in 30 events, each event delivered twice, 6 executions at a time
    await freshTable();
    const raw = findings('throttled', 60);
    const events = Array.from({ length: 30 }, (_, i) => asffEvent(raw.slice(2 * i, 2 * i + 2), new Date(START).toISOString()));
    const before = { ...faults.counts };
    faults.setShares({ throttleShare: 0.3, lostReplyShare: 0 });

    // act
    const delivery = await deliverAll([...events, ...events], 6, 5);
    faults.setShares({ throttleShare: 0 });

    // assess
    const counts = diff(faults.counts, before);
    const result = figures(raw, await emailsByFinding(), counts);
    console.info(`figures: ${JSON.stringify({ ...result, ...delivery })}`);
    expect(counts.throttled).toBeGreaterThan(50);
    expect(delivery.undelivered).toBe(0);
    expect(result).toMatchObject({ due: 60, sent: 60, duplicated: 0, lost: 0 });
    expect(await tableState(raw.map((f) => normalized(f).key))).toEqual({ records: 60, notified: 60, claimed: 0 });
  });
});

describe('DynamoDB losing the reply to a write it applied', () => {
  it('sends each due notification once: a retried write that finds its own write in place does not send again', async () => {
    // prepare
    await freshTable();
    const raw = findings('lost-reply', 40);
    const events = raw.map((f) => asffEvent([f], new Date(START).toISOString()));
    const before = { ...faults.counts };
    faults.setShares({ throttleShare: 0, lostReplyShare: 0.25 });

    // act: no email may wait for a lease, nor for the next event: every one goes out in this delivery
    const delivery = await deliverAll(events, 6, 5);
    faults.setShares({ lostReplyShare: 0 });
    const counts = diff(faults.counts, before);
    const result = figures(raw, await emailsByFinding(), counts);
    await new Promise((resolve) => setTimeout(resolve, CLAIM_SECONDS * 1000 + 500));
    await deliverAll(events, 6, 1);

    // assess
    console.info(`figures: ${JSON.stringify({ ...result, ...delivery })}`);
    expect(counts.lostReplies).toBeGreaterThan(5);
    expect(result).toMatchObject({ due: 40, sent: 40, duplicated: 0, lost: 0 });
    expect(figures(raw, await emailsByFinding(), counts)).toMatchObject({ sent: 40, duplicated: 0 });
    expect(await tableState(raw.map((f) => normalized(f).key))).toEqual({ records: 40, notified: 40, claimed: 0 });
  });
});

describe('a Lambda killed after SES accepted the email and before the record update', () => {
  it('leaves a claim that holds off redeliveries during the lease; after it, the daily run sends once more (the window)', async () => {
    // prepare
    await freshTable();
    const raw = findings('killed', 20);
    securityHub.putAsff(raw);
    const killed = raw.slice(0, 5).map((f) => normalized(f));
    const before = { ...faults.counts };
    for (const finding of killed) faults.crashAfterEmail(finding.id);

    // act: one execution at a time, so that each crash hits its own function
    await deliverAll(
      raw.map((f) => asffEvent([f], new Date(START).toISOString())),
      1,
      1,
    );
    const duringLease = await deliverAll(
      killed.map((f) => asffEvent([f.raw as Record<string, unknown>], new Date(START).toISOString())),
      1,
      1,
    );
    const afterFirstRun = await emailsByFinding();
    await new Promise((resolve) => setTimeout(resolve, CLAIM_SECONDS * 1000 + 500));
    await daily({ 'detail-type': 'Scheduled Event' }, { getRemainingTimeInMillis: () => 600_000 } as unknown as Context);

    // assess
    const counts = diff(faults.counts, before);
    const groups = await emailsByFinding();
    const result = figures(raw, groups, counts);
    console.info(`figures: ${JSON.stringify({ ...result, duringLease })}`);
    expect(counts.crashes).toBe(5);
    expect([...afterFirstRun.values()].reduce((a, b) => a + b, 0)).toBe(20);
    expect(result).toMatchObject({ due: 20, sent: 20, lost: 0, duplicated: 5 });
    for (const finding of killed) expect(groups.get(`new|${finding.id}`)).toBe(2);
    expect(await tableState(raw.map((f) => normalized(f).key))).toEqual({ records: 20, notified: 20, claimed: 0 });
  });
});

function diff(after: AwsFaultCounts, before: AwsFaultCounts): AwsFaultCounts {
  const out = { ...after };
  for (const key of Object.keys(out) as (keyof AwsFaultCounts)[]) out[key] -= before[key];
  return out;
}
