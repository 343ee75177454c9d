import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import { asff, asffEvent, normalized } from '../builders/asff.js';
import { createFindingTable, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { repoRoot } from '../support/fixtures.js';
import { deployPolicy, localLambdaEnv } from '../support/lambda-env.js';
import { localWorkflow, type TaskHandler } from '../support/local-workflow.js';
import { headerOf, type SesLocal, startSesLocal } from '../support/ses-local.js';

/**
 * What Terraform deploys is the minified bundles, not the sources: this runs
 * the workflow with each task bound to the built index.mjs, and the daily
 * bundle on its own, against DynamoDB Local, aws-ses-v2-local and the fake
 * Security Hub. A build step that broke a bundle (a dropped SDK shape, a
 * renamed error class) fails here.
 */

const TABLE = 'sechub-alerts-bundles';
const POLICY = {
  sender: 'alerts@example.com',
  rules: [{ name: 'high', match: { severities: ['HIGH', 'CRITICAL'] }, notify: { to: ['security-team@example.com'], every: '15d' } }],
};
type Handler = (input: unknown, context?: Context) => Promise<unknown>;

let dynamo: DynamoDbLocal;
let ses: SesLocal;
let fake: FakeSecurityHub;
let bundles: string;
const load = async (name: string) => ((await import(pathToFileURL(join(bundles, name, 'index.mjs')).href)) as { handler: Handler }).handler;

beforeAll(async () => {
  bundles = mkdtempSync(join(tmpdir(), 'sechub-bundles-'));
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-lambda.mjs'), '--outdir', bundles], { stdio: 'ignore' });
  [dynamo, ses, fake] = await Promise.all([
    startDynamoDbLocal(),
    startSesLocal(),
    FakeSecurityHub.start({ rates: { getFindings: false } }),
  ]);
  await createFindingTable(dynamo.client, TABLE);
  await deployPolicy(dynamo.client, TABLE, POLICY);
  Object.assign(
    process.env,
    localLambdaEnv({
      table: TABLE,
      policy: POLICY,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      securityHubEndpoint: fake.url,
    }),
  );
}, 180_000);

afterAll(async () => {
  await Promise.all([dynamo?.stop(), ses?.stop(), fake?.stop()]);
});

describe('the built Lambda bundles', () => {
  it('run the workflow: a new finding is emailed once through SES and recorded in DynamoDB', async () => {
    const [checkRecord, checkAge, notify] = await Promise.all([load('check-record'), load('check-age'), load('notify')]);
    const task =
      (handler: Handler): TaskHandler =>
      async (input) =>
        (await handler(input)) as never;
    const workflow = localWorkflow({ check_record_arn: task(checkRecord), check_age_arn: task(checkAge), notify_arn: task(notify) });
    const now = new Date();
    const finding = asff({ id: 'bundle-new', firstObservedAt: now.toISOString(), updatedAt: now.toISOString() });
    const event = asffEvent([finding], now.toISOString());
    await ses.clear();

    await workflow.execute(event);
    await workflow.execute(event);

    const emails = await ses.emails();
    expect(emails).toHaveLength(1);
    expect(headerOf(emails[0]!, 'X-Sechub-Notification')).toBe('new');
    expect(headerOf(emails[0]!, 'X-Sechub-Finding-Id')).toBe('bundle-new');
    const store = new DynamoDbFindingStore({ client: dynamo.client, tableName: TABLE });
    expect((await store.get(normalized(finding).key))?.rules.high).toBeDefined();
  });

  it('run the daily job: a tracked finding Security Hub no longer returns is resolved', async () => {
    const daily = await load('daily');
    const store = new DynamoDbFindingStore({ client: dynamo.client, tableName: TABLE });
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const gone = normalized(asff({ id: 'bundle-gone', firstObservedAt: old, updatedAt: old }));
    const { snapshotOf } = await import('../../src/core/record.js');
    await store.put(
      {
        key: gone.key,
        open: true,
        updatedAt: gone.updatedAt,
        snapshot: snapshotOf(gone),
        rules: { high: { lastNotifiedAt: old } },
        version: 1,
        expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      },
      undefined,
    );
    const context = { getRemainingTimeInMillis: () => 600_000, functionName: 'daily', awsRequestId: 'bundle' } as unknown as Context;

    await daily({ 'detail-type': 'Scheduled Event' }, context);

    expect((await store.get(gone.key))?.open).toBe(false);
  });
});
