import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { StoreError } from '../../core/errors.js';
import type { StoredDocument } from '../../core/ports.js';
import { listedOpen, type TrackedRecord } from '../../core/record.js';

/**
 * How a TrackedRecord is laid out as a DynamoDB item: the partition key, the
 * few attributes that conditions, filters and TTL need, and the whole record
 * as one JSON string (it is only ever read whole).
 */
interface RecordItem {
  /** "finding#<finding key>". */
  pk: string;
  open: boolean;
  /** The optimistic-concurrency version that every conditional write checks. */
  version: number;
  /** Epoch seconds after which DynamoDB's TTL may delete the item (a backstop for purgeExpired). */
  ttl: number;
  /** The same instant as ISO-8601, compared exactly by purgeExpired. */
  expiresAt: string;
  record: string;
}

export const RECORD_PREFIX = 'finding#';
const CURSOR_PREFIX = 'cursor#';
/** Documents: "doc#<kind>#<id>". */
export const DOCUMENT_PREFIX = 'doc#';

/** DynamoDB's item size limit, names and values included. */
const MAX_ITEM_BYTES = 400 * 1024;
/** Room for the attribute names and the small attributes beside the record body. */
const ITEM_OVERHEAD_BYTES = 1024;

/** Throws StoreError, naming `what`, when an item holding `body` under `key` would not fit in one DynamoDB item. */
function assertItemFits(what: string, body: string, key: string): void {
  const bytes = Buffer.byteLength(body) + 2 * Buffer.byteLength(key) + ITEM_OVERHEAD_BYTES;
  if (bytes > MAX_ITEM_BYTES) throw new StoreError(`${what} needs about ${bytes} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte item limit`);
}

/** The TTL attribute for an ISO-8601 expiry: epoch seconds, rounded up so TTL never deletes early. */
function ttlOf(expiresAt: string): number {
  return Math.ceil(Date.parse(expiresAt) / 1000);
}

export function recordKey(key: string): Record<string, AttributeValue> {
  return { pk: { S: `${RECORD_PREFIX}${key}` } };
}

export function cursorKey(name: string): Record<string, AttributeValue> {
  return { pk: { S: `${CURSOR_PREFIX}${name}` } };
}

/** The item for a record; throws StoreError when it would not fit in one DynamoDB item. */
export function itemOf(record: TrackedRecord): Record<string, AttributeValue> {
  const body = JSON.stringify(record);
  assertItemFits(`record ${record.key}`, body, record.key);
  const item: RecordItem = {
    pk: `${RECORD_PREFIX}${record.key}`,
    open: listedOpen(record),
    version: record.version,
    ttl: ttlOf(record.expiresAt),
    expiresAt: record.expiresAt,
    record: body,
  };
  return marshall(item);
}

/** The record stored in an item (only its `record` attribute is read). */
export function recordOf(item: Record<string, AttributeValue>): TrackedRecord {
  const { record } = unmarshall(item) as Partial<RecordItem>;
  if (typeof record !== 'string') throw new StoreError('DynamoDB item without a record attribute');
  return JSON.parse(record) as TrackedRecord;
}

export function documentPrefix(kind: string): string {
  return `${DOCUMENT_PREFIX}${kind}#`;
}

export function documentKey(kind: string, id: string): Record<string, AttributeValue> {
  return { pk: { S: `${documentPrefix(kind)}${id}` } };
}

/** The item for a document: its key, version, value and, when it expires, the TTL attributes. */
export function documentItemOf(kind: string, document: StoredDocument): Record<string, AttributeValue> {
  assertItemFits(`document ${kind}/${document.id}`, document.value, document.id);
  const item: Record<string, unknown> = {
    pk: `${documentPrefix(kind)}${document.id}`,
    version: document.version,
    value: document.value,
  };
  if (document.expiresAt) Object.assign(item, { expiresAt: document.expiresAt, ttl: ttlOf(document.expiresAt) });
  return marshall(item);
}

/** The document stored in an item. */
export function documentOf(kind: string, item: Record<string, AttributeValue>): StoredDocument {
  const { pk, value, version, expiresAt } = unmarshall(item) as { pk?: string; value?: unknown; version?: unknown; expiresAt?: unknown };
  if (typeof pk !== 'string' || typeof value !== 'string' || typeof version !== 'number')
    throw new StoreError(`DynamoDB document item of kind ${kind} without its key, value or version`);
  return {
    id: pk.slice(documentPrefix(kind).length),
    value,
    version,
    ...(typeof expiresAt === 'string' ? { expiresAt } : {}),
  };
}
