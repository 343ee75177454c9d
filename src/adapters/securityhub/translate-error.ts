import { ConfigurationError, SecurityHubError, TransientError } from '../../core/errors.js';
import { describeSdkError, isTransientSdkError, sdkErrorShape } from '../aws/sdk-errors.js';

/**
 * Turns what the SDK threw into the domain's errors: TransientError for
 * what retrying could still fix later (the state machine and the next run
 * retry it), ConfigurationError for a missing region or credentials, and
 * SecurityHubError (with the API's code) for a refused request.
 */
export function translateError(error: unknown, operation: string): Error {
  const e = sdkErrorShape(error);
  const name = e.name ?? 'Error';
  const message = `Security Hub ${operation}: ${describeSdkError(error)}`;
  if (isTransientSdkError(error)) return new TransientError(message, { cause: error });
  if (name === 'CredentialsProviderError' || /region is missing/i.test(e.message ?? ''))
    return new ConfigurationError(`${message} (set AWS_REGION and credentials through the standard AWS chain)`, { cause: error });
  return new SecurityHubError(message, name, { cause: error });
}
