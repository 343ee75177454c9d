/** A request rate a fake enforces: sustained requests per second, and how many may come at once after a quiet spell. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * The server side of a rate limit, as the fakes enforce it: a token bucket
 * that answers at once whether a request may pass (the service throttles
 * rather than waits).
 */
export class RateBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number,
  ) {
    this.tokens = rate.burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.last) / 1000) * this.rate.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
