import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { type RetryPolicy, retryStrategy, STORE_AND_MAIL_RETRY } from '../aws/retry.js';

/** How long SNS may take to connect and to answer before an attempt counts as failed (and is retried). */
const TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 10_000 };

/**
 * An SNS client with the SDK's standard retry strategy (three attempts,
 * full-jitter backoff) and timeouts, so that an SNS that does not answer
 * cannot hold a delivery. A topic is published to in its own Region: give
 * the topic's Region here.
 */
export function createSnsClient(config: Omit<SNSClientConfig, 'retryStrategy'> = {}, retry: RetryPolicy = STORE_AND_MAIL_RETRY): SNSClient {
  return new SNSClient({ requestHandler: TIMEOUTS, ...config, retryStrategy: retryStrategy(retry) });
}
