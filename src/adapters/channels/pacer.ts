import type { Runtime } from '../../core/ports.js';
import { type RateLimit, TokenBucket } from '../aws/token-bucket.js';

/** Slack's and Teams' pace for incoming messages: one a second per channel, with no burst. */
export const ONE_PER_SECOND: RateLimit = { perSecond: 1, burst: 1 };

/**
 * One token bucket per key — a webhook URL, a Slack channel — so that
 * every destination that posts there, however many are configured, shares
 * the one pace. Time comes from the injected Runtime.
 */
export class Pacer {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly runtime: Runtime,
    private readonly rate: RateLimit = ONE_PER_SECOND,
  ) {}

  /** Resolves when one message may go to `key`. */
  acquire(key: string): Promise<void> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, { now: () => this.runtime.clock.now().getTime(), sleep: this.runtime.sleep });
      this.buckets.set(key, bucket);
    }
    return bucket.acquire();
  }
}
