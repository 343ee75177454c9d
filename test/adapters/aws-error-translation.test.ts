import { describe, expect, it } from 'vitest';
import { isConditionFailure, translateDynamoDbError } from '../../src/adapters/dynamodb/dynamodb-errors.js';
import { translateSesError } from '../../src/adapters/ses/ses-errors.js';
import { MailDeliveryError, MailRejectedError, StoreError, TransientError } from '../../src/core/errors.js';

/** An error shaped like the AWS SDK's service exceptions. */
function sdkError(name: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });
}

describe('DynamoDB errors become domain errors', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 400],
    ['ThrottlingException', 400],
    ['RequestLimitExceeded', 400],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
  ])('%s is a TransientError the workflow retries', (name, status) => {
    const error = translateDynamoDbError(sdkError(name, status), 'PutItem');
    expect(error).toBeInstanceOf(TransientError);
    expect(error.name).toBe('TransientError');
    expect(error.message).toContain(name);
  });

  it('treats a socket failure as transient', () => {
    expect(translateDynamoDbError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'GetItem')).toBeInstanceOf(TransientError);
  });

  it.each([
    ['ResourceNotFoundException', 400],
    ['ValidationException', 400],
    ['AccessDeniedException', 400],
  ])('%s is a StoreError that fails the execution', (name, status) => {
    const error = translateDynamoDbError(sdkError(name, status), 'GetItem');
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toMatch(new RegExp(`GetItem failed: ${name}`));
  });

  it('recognises a failed condition as a lost race, and nothing else as one', () => {
    expect(isConditionFailure(sdkError('ConditionalCheckFailedException', 400))).toBe(true);
    expect(isConditionFailure(sdkError('TransactionCanceledException', 400))).toBe(false);
    expect(isConditionFailure(undefined)).toBe(false);
  });
});

describe('SES errors become domain errors', () => {
  it.each([
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 400],
    ['InternalFailure', 500],
    ['TimeoutError', 0],
  ])('%s is a transient MailDeliveryError, retried by the workflow', (name, status) => {
    const error = translateSesError(sdkError(name, status));
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).not.toBeInstanceOf(MailRejectedError);
    expect([error.name, error.transient]).toEqual(['MailDeliveryError', true]);
  });

  it.each([
    ['MessageRejected', 400],
    ['MailFromDomainNotVerifiedException', 400],
    ['AccountSuspendedException', 400],
    ['SendingPausedException', 400],
    ['BadRequestException', 400],
  ])('%s is a MailRejectedError, which no retry will fix', (name, status) => {
    const error = translateSesError(sdkError(name, status));
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect([error.name, error.transient]).toEqual(['MailRejectedError', false]);
    expect(error.message).toContain(name);
  });
});
