import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import { sha256Hex } from '../../src/adapters/system/sha256.js';
import { policyDocumentValue } from '../../src/core/policy-fingerprint.js';
import { createFindingTable, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { deployPolicy, localLambdaEnv } from '../support/lambda-env.js';
import { headerOf, type SesLocal, startSesLocal } from '../support/ses-local.js';
import { type Fate, population } from '../support/sweep-harness.js';

const POLICY = {
  sender: 'alerts@example.com',
  rules: [
    {
      name: 'critical-and-high',
      match: { severities: ['HIGH', 'CRITICAL'], products: ['guardduty', 'securityhub'] },
      notify: { to: ['security-team@example.com'], every: '7d' },
    },
  ],
};
const FATES: Fate[] = ['active', 'resolved', 'archived', 'deleted', 'passed', 'updated'];

let dynamo: DynamoDbLocal;
let ses: SesLocal;
let fake: FakeSecurityHub;

/** A Lambda context whose remaining time the test controls. */
function context(remaining: () => number): Context {
  return { getRemainingTimeInMillis: remaining, functionName: 'daily', awsRequestId: 'test' } as unknown as Context;
}

async function prepare(table: string, fates: Fate[]) {
  const world = population(fates, new Date());
  await createFindingTable(dynamo.client, table);
  await deployPolicy(dynamo.client, table, POLICY);
  const store = new DynamoDbFindingStore({ client: dynamo.client, tableName: table });
  for (const record of world.records) await store.put(record, undefined);
  fake.putAsff(world.asff);
  process.env.TABLE_NAME = table;
  return { world, store };
}

beforeAll(async () => {
  [dynamo, ses, fake] = await Promise.all([
    startDynamoDbLocal(),
    startSesLocal(),
    FakeSecurityHub.start({ rates: { getFindings: false } }),
  ]);
  Object.assign(
    process.env,
    localLambdaEnv({
      policy: POLICY,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      securityHubEndpoint: fake.url,
      writeBack: true,
    }),
  );
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), ses?.stop(), fake?.stop()]);
});

describe('the daily function', () => {
  // The function reads its environment at import, as at a cold start: each test gets a fresh one.
  beforeEach(() => {
    vi.resetModules();
  });

  it('resolves what Security Hub closed or lost, reminds only the open findings, writes back, and reports its calls', async () => {
    const { world, store } = await prepare(
      'findings-daily',
      Array.from({ length: 120 }, (_, i) => FATES[i % FATES.length]!),
    );
    const { handler } = await import('../../src/handlers/daily.js');
    await ses.clear();
    const before = fake.totalCalls();

    const result = await handler(
      { 'detail-type': 'Scheduled Event' },
      context(() => 600_000),
    );

    const open = [...world.keysBy.active, ...world.keysBy.updated];
    expect(result).toMatchObject({ sweep: { done: true, checked: 120, active: 40, closed: 60, missing: 20 }, ticked: true });
    expect(result.counts).toMatchObject({ reminded: 40, emails: 40 });
    expect(result.calls).toBe(fake.calls.GetFindings + fake.calls.GetFindingsV2 - before);
    for (const key of open) expect((await store.get(key))?.open).toBe(true);
    for (const key of [...world.keysBy.resolved, ...world.keysBy.archived, ...world.keysBy.deleted, ...world.keysBy.passed])
      expect((await store.get(key))?.open).toBe(false);
    const emails = await ses.emails();
    expect(emails).toHaveLength(40);
    expect(emails.every((email) => headerOf(email, 'X-Sechub-Notification') === 'reminder')).toBe(true);
    expect(fake.calls.BatchUpdateFindings).toBe(1);
    const notified = [...fake.asff.values()].filter((f) => (f.Workflow as { Status: string }).Status === 'NOTIFIED');
    expect(notified).toHaveLength(40);
  });

  it('stops before the deadline, leaves its cursor, and the next invocation finishes the sweep; each open finding is reminded once', async () => {
    const { world, store } = await prepare(
      'findings-deadline',
      Array.from({ length: 300 }, (_, i) => FATES[i % FATES.length]!),
    );
    const { handler } = await import('../../src/handlers/daily.js');
    await ses.clear();
    const start = fake.totalCalls();

    const first = await handler(
      {},
      context(() => (fake.totalCalls() - start >= 3 ? 60_000 : 900_000)),
    );
    const second = await handler(
      {},
      context(() => 900_000),
    );

    expect(first).toMatchObject({ sweep: { done: false }, ticked: false });
    expect(first.calls).toBeGreaterThanOrEqual(3);
    expect(second).toMatchObject({ sweep: { done: true, resumed: true, invocations: 2 }, ticked: true });
    for (const key of [...world.keysBy.active, ...world.keysBy.updated]) expect((await store.get(key))?.open).toBe(true);
    for (const key of [...world.keysBy.resolved, ...world.keysBy.deleted]) expect((await store.get(key))?.open).toBe(false);
    // Findings the sweep saw updated are reminded as it confirms them; the others by the tick after it. Each once.
    expect(first.counts.reminded + second.counts.reminded).toBe(100);
    const emails = await ses.emails();
    expect(new Set(emails.map((email) => headerOf(email, 'X-Sechub-Finding-Id'))).size).toBe(100);
  });
});

describe('the daily function with a digest rule', () => {
  const DIGEST_POLICY = {
    ...POLICY,
    rules: [
      ...POLICY.rules,
      {
        name: 'morning-digest',
        match: { severities: ['HIGH', 'CRITICAL'], products: ['guardduty', 'securityhub'] },
        notify: { to: ['digest@example.com'], digest: { every: '1d', at: '00:00', timezone: 'UTC' } },
      },
    ],
  };
  const saved = process.env.POLICY_SHA256;
  beforeEach(() => {
    vi.resetModules();
    process.env.POLICY_SHA256 = sha256Hex(policyDocumentValue(DIGEST_POLICY));
  });
  afterAll(() => {
    process.env.POLICY_SHA256 = saved;
  });

  it('sends the digest that is due once the sweep and the tick are done, and not again on the next run', async () => {
    // prepare
    const table = 'findings-digest';
    const world = population(
      Array.from({ length: 12 }, (_, i) => FATES[i % FATES.length]!),
      new Date(),
    );
    await createFindingTable(dynamo.client, table);
    await deployPolicy(dynamo.client, table, DIGEST_POLICY);
    const store = new DynamoDbFindingStore({ client: dynamo.client, tableName: table });
    // Collected by the digest rule two days ago, so before the moment that is due (today's 00:00 UTC).
    const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
    for (const record of world.records) await store.put({ ...record, collected: { 'morning-digest': { since } } }, undefined);
    fake.putAsff(world.asff);
    process.env.TABLE_NAME = table;
    const { handler } = await import('../../src/handlers/daily.js');
    await ses.clear();

    // act
    const first = await handler(
      {},
      context(() => 600_000),
    );
    const second = await handler(
      {},
      context(() => 600_000),
    );

    // assess
    const open = world.keysBy.active.length + world.keysBy.updated.length;
    expect(first).toMatchObject({ ticked: true, digests: { sent: 1, failed: 0 } });
    expect(second.digests).toMatchObject({ sent: 0, failed: 0 });
    const digests = (await ses.emails()).filter((email) => headerOf(email, 'X-Sechub-Notification') === 'digest');
    expect(digests).toHaveLength(1);
    expect(headerOf(digests[0]!, 'X-Sechub-Digest-Open')).toBe(String(open));
  });
});
