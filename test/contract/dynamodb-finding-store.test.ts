import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import { StoreError } from '../../src/core/errors.js';
import { createFindingTable, type DynamoDbLocal, deleteFindingTable, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { describeFindingStoreContract, recordFor } from './finding-store.contract.js';

let local: DynamoDbLocal | undefined;
let table = 0;

/** Each test gets its own table in one DynamoDB Local; small Scan pages make listOpen and purge page many times. */
async function freshStore(pageSize = 100): Promise<DynamoDbFindingStore> {
  local ??= await startDynamoDbLocal();
  const name = `findings-${table++}`;
  await createFindingTable(local.client, name);
  return new DynamoDbFindingStore({ client: local.client, tableName: name, pageSize });
}

async function stopLocal(): Promise<void> {
  await local?.stop();
  local = undefined;
}

// The contract suite stops the server after its own tests; the tests below start one again, stopped here.
afterAll(stopLocal);

describeFindingStoreContract('DynamoDbFindingStore on DynamoDB Local', () => ({
  fresh: () => freshStore(),
  dispose: stopLocal,
}));

describe('DynamoDbFindingStore limits and failures', () => {
  it('refuses a record over the 400 KB item limit with a StoreError naming the finding', async () => {
    const store = await freshStore();
    const huge = recordFor('huge');
    huge.snapshot = { ...huge.snapshot, description: 'x'.repeat(420_000) };
    await expect(store.put(huge, undefined)).rejects.toThrow(StoreError);
    await expect(store.put(huge, undefined)).rejects.toThrow(/finding-huge.*item limit/);
  });

  it('reports a missing table as a StoreError, not as a lost race', async () => {
    const store = await freshStore();
    const gone = new DynamoDbFindingStore({ client: local!.client, tableName: 'no-such-table' });
    await expect(gone.put(recordFor(1), undefined)).rejects.toThrow(StoreError);
    await expect(gone.get(recordFor(1).key)).rejects.toThrow(/ResourceNotFoundException/);
    await store.close();
  });

  it('writes the TTL attribute in epoch seconds and the item key the deployed table expects', async () => {
    const store = await freshStore();
    const name = `findings-${table - 1}`;
    await store.put(recordFor(1, { expiresAt: '2099-05-10T10:00:00.000Z' }), undefined);
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { Item } = await local!.client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: `finding#${recordFor(1).key}` } } }));
    expect(Item?.ttl).toEqual({ N: String(Date.parse('2099-05-10T10:00:00.000Z') / 1000) });
    expect(Item?.open).toEqual({ BOOL: true });
    expect(Item?.version).toEqual({ N: '1' });
    await deleteFindingTable(local!.client, name);
  });
});
