import type { LimiterClock } from './rate-limiter.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The backoff ceiling of the first retry; doubles with each retry. */
  baseMs: number;
  /** The largest ceiling. */
  capMs: number;
}

/** Eight attempts over about a minute at most: enough to ride out throttling at the documented rates. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 250, capMs: 20_000 };

/**
 * Exponential backoff with full jitter: before retry n (1-based) wait a
 * uniformly random time in [0, min(cap, base * 2^(n-1))). Spreading retries
 * over the whole window keeps many clients from retrying in step.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, the error is not retryable, or the
 * attempts are spent; throws the last error. `onRetry` sees each retried error.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: {
    policy: RetryPolicy;
    retryable: (error: unknown) => boolean;
    clock: LimiterClock;
    random?: () => number;
    onRetry?: (error: unknown, retry: number) => void;
  },
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= options.policy.maxAttempts || !options.retryable(error)) throw error;
      options.onRetry?.(error, n);
      await options.clock.sleep(backoffMs(n, options.policy, options.random));
    }
  }
}
