import type { Context } from 'aws-lambda';
import { DynamoDbFindingStore } from '../../../src/adapters/dynamodb/dynamodb-finding-store.js';
import type { TrackedRecord } from '../../../src/core/record.js';
import { asff, asffEvent, normalized } from '../../builders/asff.js';
import { createFindingTable, deleteFindingTable, startDynamoDbLocal } from '../../support/dynamodb-local.js';
import { FakeSecurityHub } from '../../support/fake-securityhub.js';
import { deployPolicy, localLambdaEnv } from '../../support/lambda-env.js';
import { localWorkflow, type TaskHandler } from '../../support/local-workflow.js';
import { headerOf, startSesLocal } from '../../support/ses-local.js';
import { type AwsFaultCounts, injectAwsFaults } from './aws-faults.js';

/**
 * The AWS deployment without an AWS account, for fault tests: the real
 * state machine (aws-local-stepfunctions), the real handler modules with
 * their real SDK clients, DynamoDB Local, the local SES and the fake
 * Security Hub. Claims last CLAIM_SECONDS so that "after the lease" comes
 * quickly. One harness per test file: the handlers read their environment
 * once, at import, like a Lambda cold start.
 */

const TABLE = 'sechub-alerts-faults';
export const CLAIM_SECONDS = 2;
const POLICY = {
  sender: 'alerts@example.com',
  rules: [
    { name: 'critical-and-high', match: { severities: ['CRITICAL', 'HIGH'] }, notify: { to: ['security-team@example.com'], every: '15d' } },
  ],
};

export type AwsHarness = Awaited<ReturnType<typeof startAwsHarness>>;

export async function startAwsHarness() {
  const [dynamo, ses, securityHub] = await Promise.all([
    startDynamoDbLocal(),
    startSesLocal(),
    FakeSecurityHub.start({ rates: { getFindings: false } }),
  ]);
  Object.assign(
    process.env,
    localLambdaEnv({
      table: TABLE,
      policy: POLICY,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      securityHubEndpoint: securityHub.url,
      logLevel: 'CRITICAL',
      extra: { CLAIM_SECONDS: String(CLAIM_SECONDS) },
    }),
  );
  const [checkRecord, checkAge, notify, daily, dynamoClient, sesClient] = await Promise.all([
    import('../../../src/handlers/check-record.js'),
    import('../../../src/handlers/check-age.js'),
    import('../../../src/handlers/notify.js'),
    import('../../../src/handlers/daily.js'),
    import('../../../src/handlers/shared/dynamodb-client.js'),
    import('../../../src/handlers/shared/ses-client.js'),
  ]);
  const faults = injectAwsFaults(dynamoClient.dynamoDbClient, sesClient.sesClient, { throttleShare: 0, lostReplyShare: 0, seed: 2026 });
  const invocations: Record<string, number> = {};
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
  const start = Math.floor(Date.now() / 1000) * 1000;

  return {
    faults,
    invocations,
    securityHub,
    /** Event times near the real clock: DynamoDB Local expires items by TTL as DynamoDB does. */
    eventTime: new Date(start).toISOString(),
    execute: (event: unknown) => workflow.execute(event),
    daily: () => daily.handler({ 'detail-type': 'Scheduled Event' }, { getRemainingTimeInMillis: () => 600_000 } as unknown as Context),
    async freshTable(): Promise<void> {
      faults.confirmsFailed.clear();
      await deleteFindingTable(dynamo.client, TABLE).catch(() => undefined);
      await createFindingTable(dynamo.client, TABLE);
      await deployPolicy(dynamo.client, TABLE, POLICY);
      await ses.clear();
      for (const key of Object.keys(invocations)) delete invocations[key];
    },
    /** Emails that arrived, counted per notification kind and finding id. */
    async emailsByFinding(): Promise<Map<string, number>> {
      const groups = new Map<string, number>();
      for (const email of await ses.emails()) {
        const key = `${headerOf(email, 'X-Sechub-Notification')}|${headerOf(email, 'X-Sechub-Finding-Id')}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      return groups;
    },
    async tableState(keys: string[]) {
      const store = new DynamoDbFindingStore({ client: dynamo.client, tableName: TABLE });
      const records = (await Promise.all(keys.map((key) => store.get(key)))).filter((r): r is TrackedRecord => r !== undefined);
      return {
        records: records.length,
        notified: records.filter((r) => r.rules['critical-and-high'] !== undefined).length,
        claimed: records.filter((r) => r.claim !== undefined).length,
      };
    },
    stop: () => Promise.all([dynamo.stop(), ses.stop(), securityHub.stop()]),
  };
}

export function dueFindings(harness: AwsHarness, prefix: string, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) =>
    asff({
      id: `arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/${prefix}-${i}`,
      severity: 'HIGH',
      updatedAt: harness.eventTime,
      firstObservedAt: harness.eventTime,
    }),
  );
}

/** Runs executions `concurrency` at a time; an execution that fails is delivered again (Security Hub re-sends), up to `rounds` times. */
export async function deliverAll(harness: AwsHarness, events: unknown[], concurrency: number, rounds: number) {
  let pending = events;
  let failedExecutions = 0;
  for (let round = 0; round < rounds && pending.length > 0; round++) {
    const failed: unknown[] = [];
    for (let i = 0; i < pending.length; i += concurrency) {
      await Promise.all(
        pending.slice(i, i + concurrency).map((event) =>
          harness.execute(event).catch(() => {
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

/** Due, sent, duplicated, lost, with the faults injected and the Lambda invocations. */
export function figures(harness: AwsHarness, raw: Record<string, unknown>[], groups: Map<string, number>, counts: AwsFaultCounts) {
  const ids = raw.map((f) => String(f.Id));
  const sent = ids.filter((id) => groups.has(`new|${id}`)).length;
  const duplicatedIds = ids.filter((id) => (groups.get(`new|${id}`) ?? 0) > 1);
  return {
    due: ids.length,
    sent,
    duplicated: [...groups.values()].reduce((sum, n) => sum + n - 1, 0),
    lost: ids.length - sent,
    /** Duplicates not explained by a record update that failed after its email: must be 0. */
    unexplainedDuplicates: duplicatedIds.filter((id) => !harness.faults.confirmsFailed.has(id)).length,
    confirmsFailed: ids.filter((id) => harness.faults.confirmsFailed.has(id)).length,
    ...counts,
    invocations: { ...harness.invocations },
  };
}

export function countsSince(harness: AwsHarness, before: AwsFaultCounts): AwsFaultCounts {
  const out = { ...harness.faults.counts };
  for (const key of Object.keys(out) as (keyof AwsFaultCounts)[]) out[key] -= before[key];
  return out;
}

/** DynamoDB throttling a share of GetItem/PutItem calls while every event is delivered twice. */
export async function throttlingScenario(harness: AwsHarness, options: { findings: number; share: number; concurrency: number }) {
  await harness.freshTable();
  const raw = dueFindings(harness, 'throttled', options.findings);
  const events = Array.from({ length: Math.ceil(raw.length / 2) }, (_, i) => asffEvent(raw.slice(2 * i, 2 * i + 2), harness.eventTime));
  const before = { ...harness.faults.counts };
  harness.faults.setShares({ throttleShare: options.share, lostReplyShare: 0 });
  const delivery = await deliverAll(harness, [...events, ...events], options.concurrency, 5);
  harness.faults.setShares({ throttleShare: 0 });
  const counts = countsSince(harness, before);
  return {
    counts,
    delivery,
    result: figures(harness, raw, await harness.emailsByFinding(), counts),
    table: await harness.tableState(raw.map((f) => normalized(f).key)),
  };
}

/** DynamoDB applying a share of writes and losing their replies; then, after the lease, every event once more. */
export async function lostReplyScenario(harness: AwsHarness, options: { findings: number; share: number; concurrency: number }) {
  await harness.freshTable();
  const raw = dueFindings(harness, 'lost-reply', options.findings);
  const events = raw.map((f) => asffEvent([f], harness.eventTime));
  const before = { ...harness.faults.counts };
  harness.faults.setShares({ throttleShare: 0, lostReplyShare: options.share });
  const delivery = await deliverAll(harness, events, options.concurrency, 5);
  harness.faults.setShares({ lostReplyShare: 0 });
  const counts = countsSince(harness, before);
  const result = figures(harness, raw, await harness.emailsByFinding(), counts);
  await new Promise((resolve) => setTimeout(resolve, CLAIM_SECONDS * 1000 + 500));
  await deliverAll(harness, events, options.concurrency, 1);
  return {
    counts,
    delivery,
    result,
    afterLease: figures(harness, raw, await harness.emailsByFinding(), counts),
    table: await harness.tableState(raw.map((f) => normalized(f).key)),
  };
}

/** A notify function killed right after SES accepted the email for `killed` of the findings; redelivery in the lease; the daily run after it. */
export async function killedLambdaScenario(harness: AwsHarness, options: { findings: number; killed: number }) {
  await harness.freshTable();
  const raw = dueFindings(harness, `killed-${Date.now()}`, options.findings);
  harness.securityHub.putAsff(raw);
  const killed = raw.slice(0, options.killed).map((f) => normalized(f));
  const before = { ...harness.faults.counts };
  for (const finding of killed) harness.faults.crashAfterEmail(finding.id);
  // One execution at a time, so that each crash hits its own function.
  await deliverAll(
    harness,
    raw.map((f) => asffEvent([f], harness.eventTime)),
    1,
    1,
  );
  const duringLease = await deliverAll(
    harness,
    killed.map((f) => asffEvent([f.raw as Record<string, unknown>], harness.eventTime)),
    1,
    1,
  );
  const afterFirstRun = await harness.emailsByFinding();
  await new Promise((resolve) => setTimeout(resolve, CLAIM_SECONDS * 1000 + 500));
  await harness.daily();
  const counts = countsSince(harness, before);
  const groups = await harness.emailsByFinding();
  return {
    counts,
    killed,
    duringLease,
    emailsBeforeDaily: [...afterFirstRun.values()].reduce((a, b) => a + b, 0),
    groups,
    result: figures(harness, raw, groups, counts),
    table: await harness.tableState(raw.map((f) => normalized(f).key)),
  };
}
