/** Time as the limiter sees it: injected so that tests run on a fake clock. */
export interface LimiterClock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket: holds up to `burst` tokens, refilled at `perSecond`; each
 * request takes one, waiting for it when the bucket is empty. Requests are
 * served in arrival order, so concurrent callers share the rate fairly.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: LimiterClock = realClock,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError('a rate needs perSecond > 0 and burst >= 1');
    this.tokens = limit.burst;
    this.last = clock.now();
  }

  /** Resolves when the caller may send one request. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn;
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      this.refill();
      // The tolerance absorbs floating-point rounding after an exact wait.
      if (this.tokens >= 1 - 1e-9) {
        this.tokens = Math.max(0, this.tokens - 1);
        return;
      }
      await this.clock.sleep(((1 - this.tokens) / this.limit.perSecond) * 1000);
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
  }
}
