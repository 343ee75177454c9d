import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { type RetryPolicy, retryStrategy, STORE_AND_MAIL_RETRY } from '../aws/retry.js';

/**
 * A DynamoDB client with the SDK's standard retry strategy (three attempts,
 * full-jitter backoff). Region, credentials and endpoint come from the
 * standard AWS settings unless given (AWS_ENDPOINT_URL_DYNAMODB points it at
 * DynamoDB Local).
 */
export function createDynamoDbClient(config: Omit<DynamoDBClientConfig, 'retryStrategy'> = {}, retry: RetryPolicy = STORE_AND_MAIL_RETRY) {
  return new DynamoDBClient({ ...config, retryStrategy: retryStrategy(retry) });
}
