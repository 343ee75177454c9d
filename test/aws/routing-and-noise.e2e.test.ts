import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asff, asffEvent } from '../builders/asff.js';
import { createFindingTable, type DynamoDbLocal, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { deployPolicy, localLambdaEnv } from '../support/lambda-env.js';
import { localWorkflow, type TaskHandler, type TaskVariable } from '../support/local-workflow.js';
import { type Moto, motoAvailable, motoMissingMessage, startMoto } from '../support/moto.js';
import { headerOf, type SesLocal, startSesLocal } from '../support/ses-local.js';
import { WebhookConsumer } from '../support/webhook-consumer.js';

/**
 * Routing, a signed webhook and the noise controls through the deployed
 * shape end to end: the policy read from the table, the workflow of
 * infra/state-machine.asl.json with the real handlers, DynamoDB Local, the
 * SES emulator, the webhook's signing secret read from Secrets Manager
 * (moto), and the daily function adopting the backlog from the fake
 * Security Hub on its first run.
 */

const TABLE = 'sechub-alerts-routing';
const SECRET_VALUE = 'whsec-routing-e2e';
const DAY = 86_400_000;
const START = Math.floor(Date.now() / 1000) * 1000;
const at = (days: number) => new Date(START + days * DAY).toISOString();
const PAYMENTS = '111122223333';
const SANDBOX = '444455556666';

let dynamo: DynamoDbLocal;
let ses: SesLocal;
let moto: Moto;
let webhook: WebhookConsumer;
let hub: FakeSecurityHub;
let execute: (event: unknown) => Promise<unknown>;
let daily: (event: unknown, context: Context) => Promise<unknown>;

function policy(webhookUrl: string) {
  return {
    sender: 'alerts@example.com',
    accounts: { [PAYMENTS]: { name: 'payments-prod', owners: ['payments-sec@example.com'] } },
    destinations: { siem: { type: 'webhook', url: webhookUrl, signing_secret: { secret: 'SIEM_HMAC' } } },
    snoozes: [{ match: { controls: ['S3.8'] }, until: at(60), reason: 'public website bucket, replaced next quarter' }],
    rules: [
      {
        name: 'owners',
        match: { severities: ['CRITICAL', 'HIGH'] },
        notify: {
          to: ['owners', 'siem'],
          fallback: ['security-team@example.com'],
          every: '15d',
          escalate: [{ after: '30d', to: ['ciso@example.com'] }],
        },
      },
    ],
  };
}

beforeAll(async () => {
  [dynamo, ses, moto, hub] = await Promise.all([
    startDynamoDbLocal(),
    startSesLocal(),
    motoAvailable ? startMoto() : (undefined as unknown as Moto),
    FakeSecurityHub.start({ rates: { getFindings: false, batchUpdateFindings: false } }),
  ]);
  if (!moto) {
    console.warn(motoMissingMessage);
    return;
  }
  webhook = await new WebhookConsumer(SECRET_VALUE).start();
  const secrets = new SecretsManagerClient({ region: LOCAL_REGION, endpoint: moto.endpoint, credentials: LOCAL_CREDENTIALS });
  const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'sechub-alerts/siem-hmac', SecretString: SECRET_VALUE }));
  const document = policy(`${webhook.url}/sechub/in`);
  await createFindingTable(dynamo.client, TABLE);
  await deployPolicy(dynamo.client, TABLE, document);
  Object.assign(
    process.env,
    localLambdaEnv({
      table: TABLE,
      policy: document,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      securityHubEndpoint: hub.url,
      extra: { SECRETS: JSON.stringify({ SIEM_HMAC: ARN }), BASELINE_FIRST_RUN: 'true', AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint },
    }),
  );
  vi.resetModules();
  const [checkRecord, checkAge, notify, dailyModule] = await Promise.all([
    import('../../src/handlers/check-record.js'),
    import('../../src/handlers/check-age.js'),
    import('../../src/handlers/notify.js'),
    import('../../src/handlers/daily.js'),
  ]);
  const handlers: Record<TaskVariable, TaskHandler> = {
    check_record_arn: checkRecord.handler as unknown as TaskHandler,
    check_age_arn: checkAge.handler as unknown as TaskHandler,
    notify_arn: notify.handler as unknown as TaskHandler,
  };
  const workflow = localWorkflow(handlers);
  execute = (event) => workflow.execute(event);
  daily = dailyModule.handler as (event: unknown, context: Context) => Promise<unknown>;
}, 120_000);

afterAll(async () => {
  await Promise.all([dynamo?.stop(), ses?.stop(), moto?.stop(), webhook?.stop(), hub?.stop()]);
});

/** A HIGH GuardDuty finding of an account, first observed `firstDays` from the start, updated at `days`. */
function guardduty(id: string, account: string, days: number, firstDays = days) {
  return asff({ id, account, severity: 'HIGH', firstObservedAt: at(firstDays), updatedAt: at(days) });
}

async function deliver(finding: Record<string, unknown>, days: number) {
  await ses.clear();
  const before = webhook.accepted.length;
  await execute(asffEvent([finding], at(days)));
  return { emails: await ses.emails(), webhooks: webhook.accepted.slice(before) };
}

describe.skipIf(!motoAvailable)('routing, destinations and noise controls in the deployed workflow', () => {
  it('adopts the backlog on the first scheduled run: recorded as notified, nothing sent', async () => {
    hub.putAsff([guardduty('backlog-1', PAYMENTS, -1, -40), guardduty('backlog-2', SANDBOX, -1, -40)]);

    const result = await daily({}, { getRemainingTimeInMillis: () => 600_000 } as unknown as Context);
    const again = await daily({}, { getRemainingTimeInMillis: () => 600_000 } as unknown as Context);

    expect(result).toMatchObject({ baseline: { complete: true }, counts: { adopted: 2, emails: 0 } });
    expect(again).toMatchObject({ ticked: true });
    expect(await ses.emails()).toEqual([]);
    const repeat = await deliver(guardduty('backlog-1', PAYMENTS, 0, -40), 0);
    expect(repeat.emails).toEqual([]);
  });

  it("sends a new finding to its account's owners with the account's name, and to the webhook, signed", async () => {
    const { emails, webhooks } = await deliver(guardduty('new-in-payments', PAYMENTS, 0), 0);

    expect(emails.map((email) => email.destination.to)).toEqual([['payments-sec@example.com']]);
    expect(emails[0]?.subject).toMatch(/\(payments-prod 111122223333, us-east-1\)$/);
    expect(headerOf(emails[0]!, 'X-Sechub-Account')).toBe(PAYMENTS);
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]?.document).toMatchObject({ kind: 'new', finding: { account: PAYMENTS } });
    expect(webhook.refused).toBe(0);
  });

  it('sends a finding of an account with no owners to the fallback', async () => {
    const { emails } = await deliver(guardduty('new-in-sandbox', SANDBOX, 0), 0);
    expect(emails.map((email) => email.destination.to)).toEqual([['security-team@example.com']]);
  });

  it('keeps a snoozed finding quiet', async () => {
    const control = asff({
      id: 'public-bucket',
      account: PAYMENTS,
      product: 'securityhub',
      controlId: 'S3.8',
      severity: 'HIGH',
      updatedAt: at(0),
    });
    const { emails, webhooks } = await deliver(control, 0);
    expect([emails, webhooks]).toEqual([[], []]);
  });

  it('escalates the reminder of a finding open longer than 30 days', async () => {
    await deliver(guardduty('long-open', PAYMENTS, 0, -20), 0);

    const reminder = await deliver(guardduty('long-open', PAYMENTS, 16, -20), 16);

    expect(reminder.emails.map((email) => [headerOf(email, 'X-Sechub-Notification'), email.destination.to])).toEqual([
      ['reminder', ['payments-sec@example.com', 'ciso@example.com']],
    ]);
    expect(reminder.webhooks.map((delivery) => delivery.document.kind)).toEqual(['reminder']);
  });
});
