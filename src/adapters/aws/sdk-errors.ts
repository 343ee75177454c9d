/**
 * How AWS SDK v3 errors are told apart, shared by every AWS adapter: which
 * ones are worth retrying (throttling, server trouble, timeouts, dropped
 * connections) and how to describe one in a message.
 */

/** The parts of an SDK error that classification reads. */
export interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

const SERVER_NAMES = new Set([
  'InternalServerError',
  'InternalServerException',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Socket-level failures: the request may not have reached AWS at all. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

export function sdkErrorShape(error: unknown): SdkErrorShape {
  return (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
}

/** Throttling: HTTP 429 or a throttling error name. */
export function isThrottlingError(error: unknown): boolean {
  const shape = sdkErrorShape(error);
  return THROTTLING_NAMES.has(shape.name ?? '') || shape.$metadata?.httpStatusCode === 429;
}

/** Worth another attempt later: throttling, a 5xx, a timeout or a dropped connection. */
export function isTransientSdkError(error: unknown): boolean {
  const shape = sdkErrorShape(error);
  if (isThrottlingError(error) || SERVER_NAMES.has(shape.name ?? '') || shape.$retryable !== undefined) return true;
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  return NETWORK_CODES.has(shape.code ?? '') || /socket hang up|ECONNRESET|ECONNREFUSED/.test(shape.message ?? '');
}

/** "Name: message", for error messages that name what AWS answered. */
export function describeSdkError(error: unknown): string {
  const shape = sdkErrorShape(error);
  return `${shape.name ?? 'Error'}: ${shape.message ?? String(error)}`;
}
