import { MailDeliveryError, MailRejectedError } from '../../core/errors.js';
import { describeSdkError, isTransientSdkError } from '../aws/sdk-errors.js';

/**
 * Turns an SES error into the domain's: a MailDeliveryError marked transient
 * for throttling, 5xx and timeouts (the workflow retries those), and a
 * MailRejectedError for the rest (address rejected, identity not verified,
 * sending paused), which no retry will fix.
 */
export function translateSesError(error: unknown): MailDeliveryError {
  const detail = describeSdkError(error);
  return isTransientSdkError(error)
    ? new MailDeliveryError(`SES did not accept the email for now: ${detail}`, true, { cause: error })
    : new MailRejectedError(`SES rejected the email: ${detail}`, { cause: error });
}
