import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  paginateScan,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { StateStore, StoredDocument } from '../../core/ports.js';
import type { TrackedRecord } from '../../core/record.js';
import { isConditionFailure, translateDynamoDbError } from './dynamodb-errors.js';
import {
  cursorKey,
  DOCUMENT_PREFIX,
  documentItemOf,
  documentKey,
  documentOf,
  documentPrefix,
  itemOf,
  RECORD_PREFIX,
  recordKey,
  recordOf,
} from './record-item.js';

export interface DynamoDbFindingStoreOptions {
  /** Built once per process by the caller, who also destroys it. */
  client: DynamoDBClient;
  tableName: string;
  /** Items per Scan request (by default DynamoDB's 1 MB pages); small values exercise paging in tests. */
  pageSize?: number;
}

/** Attribute names go through placeholders: `open`, `ttl` and friends are DynamoDB reserved words. */
const NAMES = { '#pk': 'pk', '#open': 'open', '#version': 'version', '#expiresAt': 'expiresAt', '#record': 'record', '#value': 'value' };
const DELETE_CONCURRENCY = 16;

/**
 * The store in AWS: one DynamoDB item per finding (`pk = "finding#<key>"`).
 * Every write is conditional: a new record only if no item exists
 * (`attribute_not_exists(pk)`), any other write only if the stored version is
 * the one the writer read. A write that changes a rule's last-notified time
 * (the claim before an email and the confirmation after it) is such a write,
 * so the version condition covers the last-notified time: of two workers
 * about to send the same reminder, exactly one claim succeeds. The loser gets
 * `false` and decides again. Reads are strongly consistent, so a decision
 * never rests on a stale copy.
 */
export class DynamoDbFindingStore implements StateStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly pageSize: number | undefined;

  constructor(options: DynamoDbFindingStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.pageSize = options.pageSize;
  }

  async get(key: string): Promise<TrackedRecord | undefined> {
    const output = await this.call('GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: recordKey(key),
          ConsistentRead: true,
          ProjectionExpression: '#record',
          ExpressionAttributeNames: { '#record': NAMES['#record'] },
        }),
      ),
    );
    return output.Item ? recordOf(output.Item) : undefined;
  }

  async put(record: TrackedRecord, expectedVersion: number | undefined): Promise<boolean> {
    return this.conditionalPut(itemOf(record), expectedVersion);
  }

  /** A filtered Scan: open records are most of the table (tombstones live 30 days), and it runs once a day. */
  async *listOpen(): AsyncIterable<TrackedRecord> {
    yield* this.scan(
      {
        FilterExpression: 'begins_with(#pk, :prefix) AND #open = :open',
        ProjectionExpression: '#record',
        ExpressionAttributeNames: { '#pk': NAMES['#pk'], '#open': NAMES['#open'], '#record': NAMES['#record'] },
        ExpressionAttributeValues: { ':prefix': { S: RECORD_PREFIX }, ':open': { BOOL: true } },
      },
      recordOf,
    );
  }

  /** Every record, tombstones included: a filtered Scan. */
  async *listAll(): AsyncIterable<TrackedRecord> {
    yield* this.scan(
      {
        FilterExpression: 'begins_with(#pk, :prefix)',
        ProjectionExpression: '#record',
        ExpressionAttributeNames: { '#pk': NAMES['#pk'], '#record': NAMES['#record'] },
        ExpressionAttributeValues: { ':prefix': { S: RECORD_PREFIX } },
      },
      recordOf,
    );
  }

  /** Removes expired records and documents (DynamoDB's TTL deletes them too, but only within a day or two). */
  async purgeExpired(now: Date): Promise<number> {
    const cutoff = now.toISOString();
    const pages = this.scanPages({
      FilterExpression: '(begins_with(#pk, :prefix) OR begins_with(#pk, :documents)) AND #expiresAt < :now',
      ProjectionExpression: '#pk, #version',
      ExpressionAttributeNames: { '#pk': NAMES['#pk'], '#expiresAt': NAMES['#expiresAt'], '#version': NAMES['#version'] },
      ExpressionAttributeValues: { ':prefix': { S: RECORD_PREFIX }, ':documents': { S: DOCUMENT_PREFIX }, ':now': { S: cutoff } },
    });
    let purged = 0;
    for await (const items of pages) {
      for (let i = 0; i < items.length; i += DELETE_CONCURRENCY) {
        const results = await Promise.all(items.slice(i, i + DELETE_CONCURRENCY).map((item) => this.deleteIfUnchanged(item, cutoff)));
        purged += results.filter(Boolean).length;
      }
    }
    return purged;
  }

  /** A named position (poll cursor, sweep progress) kept beside the records. */
  async getCursor(name: string): Promise<string | undefined> {
    const output = await this.call('GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: cursorKey(name),
          ConsistentRead: true,
          ProjectionExpression: '#value',
          ExpressionAttributeNames: { '#value': NAMES['#value'] },
        }),
      ),
    );
    return output.Item?.value?.S;
  }

  async setCursor(name: string, value: string): Promise<void> {
    await this.call('PutItem', () =>
      this.client.send(new PutItemCommand({ TableName: this.tableName, Item: { ...cursorKey(name), value: { S: value } } })),
    );
  }

  async getDocument(kind: string, id: string): Promise<StoredDocument | undefined> {
    const output = await this.call('GetItem', () =>
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: documentKey(kind, id), ConsistentRead: true })),
    );
    return output.Item ? documentOf(kind, output.Item) : undefined;
  }

  async putDocument(kind: string, document: StoredDocument, expectedVersion: number | undefined): Promise<boolean> {
    return this.conditionalPut(documentItemOf(kind, document), expectedVersion);
  }

  /** A filtered Scan over the kind's key prefix. */
  async *listDocuments(kind: string): AsyncIterable<StoredDocument> {
    yield* this.scan(
      {
        FilterExpression: 'begins_with(#pk, :prefix)',
        ExpressionAttributeNames: { '#pk': NAMES['#pk'] },
        ExpressionAttributeValues: { ':prefix': { S: documentPrefix(kind) } },
      },
      (item) => documentOf(kind, item),
    );
  }

  /** The client belongs to the caller (one per Lambda container), so there is nothing to release here. */
  async close(): Promise<void> {}

  /** Deletes an expired item unless a writer refreshed it since the Scan saw it. */
  private async deleteIfUnchanged(item: Record<string, AttributeValue>, cutoff: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: item.pk! },
          ConditionExpression: '#version = :version AND #expiresAt < :now',
          ExpressionAttributeNames: { '#version': NAMES['#version'], '#expiresAt': NAMES['#expiresAt'] },
          ExpressionAttributeValues: { ':version': item.version!, ':now': { S: cutoff } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw translateDynamoDbError(error, 'DeleteItem');
    }
  }

  /** Writes the item if none exists (`expectedVersion` undefined) or if the stored version is `expectedVersion`; false when it is not. */
  private async conditionalPut(item: Record<string, AttributeValue>, expectedVersion: number | undefined): Promise<boolean> {
    const condition: Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
      expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': NAMES['#pk'] } }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': NAMES['#version'] },
            ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
          };
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item, ...condition }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw translateDynamoDbError(error, 'PutItem');
    }
  }

  /** Every item the Scan returns, as `map` reads it. */
  private async *scan<T>(input: Omit<ScanCommandInput, 'TableName'>, map: (item: Record<string, AttributeValue>) => T): AsyncIterable<T> {
    for await (const items of this.scanPages(input)) for (const item of items) yield map(item);
  }

  private async *scanPages(input: Omit<ScanCommandInput, 'TableName'>) {
    const pages = paginateScan(
      { client: this.client, ...(this.pageSize ? { pageSize: this.pageSize } : {}) },
      { TableName: this.tableName, ...input },
    );
    try {
      for await (const page of pages) yield page.Items ?? [];
    } catch (error) {
      throw translateDynamoDbError(error, 'Scan');
    }
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw translateDynamoDbError(error, operation);
    }
  }
}
