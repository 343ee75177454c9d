import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { type DigestDeps, sendDueDigests } from '../../src/app/digest.js';
import { DIGEST_KIND, DIGEST_RUN_KIND } from '../../src/core/digest/state.js';
import type { StateStore } from '../../src/core/ports.js';
import { createFindingTable, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { RecordingMailer } from '../support/recording-mailer.js';
import { DIGEST_WORKER_RULES, scenarioRecipients, scenarioRecords, workerRecipientsOf } from './support/digest-scenario.js';
import { ManualClock } from './support/faulty-store.js';

/**
 * Digests against DynamoDB Local, the store the Lambda functions use: the
 * same claims on the same conditional writes, ten workers at once, and the
 * documents' expiry through purgeExpired.
 */

const NOW = new Date('2026-01-12T08:30:00Z');
const MOMENT = new Date('2026-01-12T07:00:00Z');
const DAY = 86_400_000;
const ACCOUNTS = 4;

let local: DynamoDbLocal;
let tables = 0;

beforeAll(async () => {
  local = await startDynamoDbLocal();
});
afterAll(async () => {
  await local?.stop();
});

async function freshTable(): Promise<() => DynamoDbFindingStore> {
  const name = `digests-${tables++}`;
  await createFindingTable(local.client, name);
  const store = () => new DynamoDbFindingStore({ client: local.client, tableName: name, pageSize: 7 });
  const seeding = store();
  for (const record of scenarioRecords(ACCOUNTS, 3, MOMENT)) await seeding.put(record, undefined);
  return store;
}

function deps(store: StateStore, mailer: RecordingMailer, clock = new ManualClock(NOW.getTime())): DigestDeps {
  return {
    store,
    mailer,
    runtime: { ...systemRuntime, clock },
    sender: 'alerts@example.com',
    rules: DIGEST_WORKER_RULES,
    recipientsOf: workerRecipientsOf,
    accountNameOf: () => undefined,
  };
}

const recipients = (mailer: RecordingMailer) => mailer.sent.flatMap((email) => email.to).sort();

describe('digests on DynamoDB', () => {
  it('sends one digest per recipient, then nothing more in the period', async () => {
    // prepare
    const store = (await freshTable())();
    const mailer = new RecordingMailer();
    // act
    const first = await sendDueDigests(deps(store, mailer), NOW);
    const second = await sendDueDigests(deps(store, mailer), new Date(NOW.getTime() + 3_600_000));
    // assess
    expect(first).toMatchObject({ sent: ACCOUNTS + 1, failed: 0 });
    expect(second).toEqual({ sent: 0, failed: 0, skippedEmpty: 0, inFlight: 0, alreadySent: 0 });
    expect(recipients(mailer)).toEqual(scenarioRecipients(ACCOUNTS));
    expect(mailer.sent[0]?.headers).toMatchObject({ 'X-Sechub-Digest-Period': '2026-01-11T07:00:00.000Z', 'X-Sechub-Digest-New': '3' });
  });

  it('sends one digest per recipient when ten workers run at once', async () => {
    const table = await freshTable();
    const mailers = Array.from({ length: 10 }, () => new RecordingMailer());
    const results = await Promise.all(mailers.map((mailer) => sendDueDigests(deps(table(), mailer), NOW)));
    expect(mailers.flatMap((mailer) => recipients(mailer)).sort()).toEqual(scenarioRecipients(ACCOUNTS));
    expect(results.reduce((sum, counts) => sum + counts.sent, 0)).toBe(ACCOUNTS + 1);
  });

  it('releases a failed send for the next run, which sends that one only', async () => {
    const table = await freshTable();
    const failing = new RecordingMailer();
    failing.failNext(1);
    const clock = new ManualClock(NOW.getTime());
    const first = await sendDueDigests(deps(table(), failing, clock), NOW);
    const retry = new RecordingMailer();
    const second = await sendDueDigests(deps(table(), retry, clock), NOW);
    expect(first).toMatchObject({ sent: ACCOUNTS, failed: 1 });
    expect(second).toEqual({ sent: 1, failed: 0, skippedEmpty: 0, inFlight: 0, alreadySent: 0 });
    expect([...recipients(failing), ...recipients(retry)].sort()).toEqual(scenarioRecipients(ACCOUNTS));
  });

  it('keeps its documents through purgeExpired for 400 days after the moment they record', async () => {
    const store = (await freshTable())();
    await sendDueDigests(deps(store, new RecordingMailer()), NOW);
    const count = async () => {
      let documents = 0;
      for (const kind of [DIGEST_KIND, DIGEST_RUN_KIND]) for await (const _ of store.listDocuments(kind)) documents++;
      return documents;
    };
    await store.purgeExpired(new Date(MOMENT.getTime() + 399 * DAY));
    expect(await count()).toBe(ACCOUNTS + 2);
    await store.purgeExpired(new Date(MOMENT.getTime() + 401 * DAY));
    expect(await count()).toBe(0);
  });
});
