import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { type RetryPolicy, retryStrategy, STORE_AND_MAIL_RETRY } from '../aws/retry.js';

/**
 * An SNS client with the SDK's standard retry strategy (three attempts,
 * full-jitter backoff). A topic is published to in its own Region: give the
 * topic's Region here.
 */
export function createSnsClient(config: Omit<SNSClientConfig, 'retryStrategy'> = {}, retry: RetryPolicy = STORE_AND_MAIL_RETRY): SNSClient {
  return new SNSClient({ ...config, retryStrategy: retryStrategy(retry) });
}
