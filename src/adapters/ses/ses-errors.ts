import { MailDeliveryError, MailRejectedError } from '../../core/errors.js';

/** SES answers that mean "not now": throttling and sending-rate or quota limits. */
const TRANSIENT_NAMES = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turns an SES error into the domain's: a MailDeliveryError marked transient
 * for throttling, 5xx and timeouts (the workflow retries those), and a
 * MailRejectedError for the rest (address rejected, identity not verified,
 * sending paused), which no retry will fix.
 */
export function translateSesError(error: unknown): MailDeliveryError {
  const shape = (error ?? {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const detail = `${shape.name ?? 'Error'}: ${shape.message ?? String(error)}`;
  const transient =
    TRANSIENT_NAMES.has(shape.name ?? '') ||
    TRANSIENT_CODES.has(shape.code ?? '') ||
    shape.$retryable !== undefined ||
    (status !== undefined && (status >= 500 || status === 429));
  return transient
    ? new MailDeliveryError(`SES did not accept the email for now: ${detail}`, true, { cause: error })
    : new MailRejectedError(`SES rejected the email: ${detail}`, { cause: error });
}
