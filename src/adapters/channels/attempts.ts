import { DeliveryError } from '../../core/errors.js';
import type { Runtime } from '../../core/ports.js';
import { backoffMs } from '../aws/retry.js';

/** How a channel retries inside one delivery before leaving the rest to a later run. */
export interface DeliveryRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The most time spent waiting between attempts, Retry-After included; a longer wait is left to a later run. */
  budgetMs: number;
  /** Backoff ceiling of the first retry (full jitter), doubled for each further one up to `capMs`. */
  baseMs: number;
  capMs: number;
}

/** Four attempts within 10 seconds of waiting: rides out a blip or a short 429 without holding a function for long. */
export const CHANNEL_RETRY: DeliveryRetry = { attempts: 4, budgetMs: 10_000, baseMs: 500, capMs: 4_000 };

/**
 * Runs `attempt` until it succeeds, retrying transient DeliveryErrors after
 * the destination's Retry-After or a jittered backoff while attempts and the
 * waiting budget last; then the last error is thrown, still transient and
 * still carrying Retry-After, so that a later run delivers.
 */
export async function withRetries<T>(attempt: () => Promise<T>, runtime: Runtime, retry: DeliveryRetry = CHANNEL_RETRY): Promise<T> {
  let waited = 0;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof DeliveryError) || !error.transient || n >= retry.attempts) throw error;
      const wait = error.retryAfterMs ?? backoffMs(n, retry, runtime.random);
      if (waited + wait > retry.budgetMs) throw error;
      await runtime.sleep(wait);
      waited += wait;
    }
  }
}
