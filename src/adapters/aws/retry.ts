import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/** How an AWS SDK client retries: the SDK's standard strategy with these attempts and this backoff. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The backoff ceiling of the first retry; doubles with each retry. */
  baseMs: number;
  /** The largest ceiling. */
  capMs: number;
}

/** DynamoDB and SES: the SDK's default of three attempts, with full-jitter backoff from 100 ms. */
export const STORE_AND_MAIL_RETRY: RetryPolicy = { maxAttempts: 3, baseMs: 100, capMs: 2_000 };

/** Security Hub: eight attempts over about a minute at most, enough to ride out throttling at the documented rates. */
export const SECURITY_HUB_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 250, capMs: 20_000 };

/**
 * AWS Organizations: six attempts over about half a minute at most. Its request budget belongs to the
 * management account and every tool there shares it, so throttling can come from others' calls too.
 */
export const ORGANIZATIONS_RETRY: RetryPolicy = { maxAttempts: 6, baseMs: 500, capMs: 15_000 };

/**
 * Exponential backoff with full jitter: before retry n (1-based) wait a
 * uniformly random time in [0, min(cap, base * 2^(n-1))). Spreading retries
 * over the whole window keeps many clients from retrying in step.
 */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The SDK's own standard retry strategy (which retries throttling, 5xx,
 * timeouts and dropped connections, honours Retry-After and keeps a retry
 * quota) with our attempts and backoff. Give it to a client as
 * `retryStrategy`; the adapters then just call `send`.
 */
export function retryStrategy(policy: RetryPolicy, random: () => number = Math.random): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(policy.maxAttempts, (retry) => backoffMs(retry, policy, random));
}
