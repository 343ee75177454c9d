import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { type RetryPolicy, retryStrategy, STORE_AND_MAIL_RETRY } from '../aws/retry.js';

/**
 * An SES v2 client with the SDK's standard retry strategy (three attempts,
 * full-jitter backoff). Region, credentials and endpoint come from the
 * standard AWS settings unless given.
 */
export function createSesClient(config: Omit<SESv2ClientConfig, 'retryStrategy'> = {}, retry: RetryPolicy = STORE_AND_MAIL_RETRY) {
  return new SESv2Client({ ...config, retryStrategy: retryStrategy(retry) });
}
