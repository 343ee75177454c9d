import { StoreError, TransientError } from '../../core/errors.js';

/** Error names DynamoDB and the SDK use for throttling and server-side trouble: worth retrying. */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Socket-level failures: the request may not have reached DynamoDB at all. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** True for the error DynamoDB raises when a condition expression did not hold: a lost race, not a failure. */
export function isConditionFailure(error: unknown): boolean {
  return (error as SdkErrorShape | undefined)?.name === 'ConditionalCheckFailedException';
}

/** Turns an SDK error into the domain's: TransientError for throttling, 5xx and timeouts, StoreError for the rest. */
export function translateDynamoDbError(error: unknown, operation: string): Error {
  const shape = (error ?? {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const detail = `${shape.name ?? 'Error'}: ${shape.message ?? String(error)}`;
  const transient =
    TRANSIENT_NAMES.has(shape.name ?? '') ||
    TRANSIENT_CODES.has(shape.code ?? '') ||
    shape.$retryable !== undefined ||
    (status !== undefined && status >= 500);
  return transient
    ? new TransientError(`DynamoDB ${operation} failed, worth retrying: ${detail}`, { cause: error })
    : new StoreError(`DynamoDB ${operation} failed: ${detail}`, { cause: error });
}
