import { StoreError, TransientError } from '../../core/errors.js';
import { describeSdkError, isTransientSdkError, sdkErrorShape } from '../aws/sdk-errors.js';

/** True for the error DynamoDB raises when a condition expression did not hold: a lost race, not a failure. */
export function isConditionFailure(error: unknown): boolean {
  return sdkErrorShape(error).name === 'ConditionalCheckFailedException';
}

/** Turns an SDK error into the domain's: TransientError for throttling, 5xx and timeouts, StoreError for the rest. */
export function translateDynamoDbError(error: unknown, operation: string): Error {
  const detail = describeSdkError(error);
  return isTransientSdkError(error)
    ? new TransientError(`DynamoDB ${operation} failed, worth retrying: ${detail}`, { cause: error })
    : new StoreError(`DynamoDB ${operation} failed: ${detail}`, { cause: error });
}
