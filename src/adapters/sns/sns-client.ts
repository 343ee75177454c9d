import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { type RetryPolicy, retryStrategy, STORE_AND_MAIL_RETRY } from '../aws/retry.js';

/**
 * An SNS client with the SDK's standard retry strategy (three attempts,
 * full-jitter backoff by default) and a time limit on each attempt (10 s by
 * default, of which connecting may take 3 s), after which the attempt fails
 * and is retried: an SNS that does not answer cannot hold a delivery. A topic
 * is published to in its own Region: give the topic's Region here.
 */
export function createSnsClient(
  config: Omit<SNSClientConfig, 'retryStrategy'> = {},
  retry: RetryPolicy = STORE_AND_MAIL_RETRY,
  timeoutMs = 10_000,
): SNSClient {
  // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes.
  const requestHandler = { connectionTimeout: Math.min(3_000, timeoutMs), requestTimeout: timeoutMs, throwOnRequestTimeout: true };
  return new SNSClient({ requestHandler, ...config, retryStrategy: retryStrategy(retry) });
}
