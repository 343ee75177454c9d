import type { AwsCredentialIdentity } from '@smithy/types';
import { type RetryPolicy, retryStrategy } from './retry.js';
import type { LimiterClock } from './token-bucket.js';

/** What every paced AWS client of the project can be given; each service's settings add its rates. */
export interface PacedClientSettings {
  /** Defaults to the standard AWS region chain (AWS_REGION, profile). */
  region?: string;
  /** Defaults to AWS, or the service's AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL when set. */
  endpoint?: string;
  /** Defaults to the standard AWS credential chain. */
  credentials?: AwsCredentialIdentity;
  retry?: RetryPolicy;
  /** The pacing's time (tests and the benchmark pass one that moves only when the pacing waits). */
  clock?: LimiterClock;
  random?: () => number;
  /** Sees each failed attempt (for a log line). */
  onFailedAttempt?: (error: unknown, operation: string) => void;
}

/** The SDK client configuration the settings give: endpoint and credentials when set, and the standard retry strategy. */
export function sdkClientConfig(settings: PacedClientSettings, defaultRetry: RetryPolicy) {
  return {
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    retryStrategy: retryStrategy(settings.retry ?? defaultRetry, settings.random),
  };
}
