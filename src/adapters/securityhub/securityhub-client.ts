import { SecurityHubClient } from '@aws-sdk/client-securityhub';

export interface ClientSettings {
  /** Defaults to the standard AWS region chain (AWS_REGION, profile). */
  region?: string;
  /** Defaults to AWS, or AWS_ENDPOINT_URL_SECURITYHUB / AWS_ENDPOINT_URL when set. */
  endpoint?: string;
}

/**
 * A Security Hub client with the SDK's own retries turned off: the adapters
 * pace and retry themselves, so that every request is counted and waits for
 * the rate limiter. Credentials come from the standard AWS chain.
 */
export function createSecurityHubClient(settings: ClientSettings = {}): SecurityHubClient {
  return new SecurityHubClient({ maxAttempts: 1, ...settings });
}
