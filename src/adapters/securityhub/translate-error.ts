import { ConfigurationError, SecurityHubError, TransientError } from '../../core/errors.js';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
  'Throttling',
  'RequestLimitExceeded',
]);
const SERVER = new Set(['InternalException', 'InternalServerException', 'InternalFailure', 'ServiceUnavailable']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** Throttling (HTTP 429 or a throttling code). */
export function isThrottling(error: unknown): boolean {
  const e = error as SdkError;
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

/** Worth another attempt: throttling, a 5xx, a timeout or a dropped connection. */
export function isRetryable(error: unknown): boolean {
  const e = error as SdkError;
  if (isThrottling(error) || SERVER.has(e?.name ?? '')) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  return e?.name === 'TimeoutError' || NETWORK.has(e?.code ?? '') || /socket hang up|ECONNRESET|ECONNREFUSED/.test(e?.message ?? '');
}

/**
 * Turns what the SDK threw into the domain's errors: TransientError for
 * what retrying could still fix later (the state machine and the next run
 * retry it), ConfigurationError for a missing region or credentials, and
 * SecurityHubError (with the API's code) for a refused request.
 */
export function translateError(error: unknown, operation: string): Error {
  const e = error as SdkError;
  const name = e?.name ?? 'Error';
  const message = `Security Hub ${operation}: ${name}: ${e?.message ?? String(error)}`;
  if (isRetryable(error)) return new TransientError(message, { cause: error });
  if (name === 'CredentialsProviderError' || /region is missing/i.test(e?.message ?? ''))
    return new ConfigurationError(`${message} (set AWS_REGION and credentials through the standard AWS chain)`, { cause: error });
  return new SecurityHubError(message, name, { cause: error });
}
