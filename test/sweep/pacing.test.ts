import { describe, expect, it } from 'vitest';
import { type LimiterClock, SECURITY_HUB_RATES, TokenBucket } from '../../src/adapters/securityhub/rate-limiter.js';
import { backoffMs, DEFAULT_RETRY, withRetries } from '../../src/adapters/securityhub/retry.js';

/** A clock that only moves when someone sleeps, recording each sleep. */
function fakeClock(): LimiterClock & { time: number; sleeps: number[] } {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

describe('the GetFindings rate limiter', () => {
  it('lets a burst of 6 through at once, then paces requests at 3 per second', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(SECURITY_HUB_RATES.getFindings, clock);

    const granted: number[] = [];
    for (let i = 0; i < 30; i++) {
      await bucket.acquire();
      granted.push(clock.time);
    }

    expect(granted.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    granted.slice(6).forEach((at, i) => {
      expect(at).toBeCloseTo(((i + 1) * 1000) / 3, 3);
    });
  });

  it('never grants more than 6 + 3t requests in any window of t seconds', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(SECURITY_HUB_RATES.getFindings, clock);
    const granted: number[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 7 === 0) clock.time += 1500; // quiet spells refill the bucket, never beyond the burst
      await bucket.acquire();
      granted.push(clock.time);
    }

    for (let i = 0; i < granted.length; i++)
      for (let j = i; j < granted.length; j++) {
        const seconds = (granted[j]! - granted[i]!) / 1000;
        expect(j - i + 1).toBeLessThanOrEqual(6 + 3 * seconds + 1e-6);
      }
  });

  it('serves concurrent callers in arrival order at the same pace', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perSecond: 3, burst: 6 }, clock);

    const order: number[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, i) => bucket.acquire().then(() => order.push(i))));

    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(clock.time).toBeCloseTo(2000, 3);
  });
});

describe('retries with exponential backoff and full jitter', () => {
  it('waits a random time below a ceiling that doubles with each retry, up to the cap', () => {
    const policy = { maxAttempts: 10, baseMs: 100, capMs: 1000 };

    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
    expect(backoffMs(2, policy, () => 0.5)).toBe(100);
  });

  it('retries a retryable failure until it succeeds, and gives up after the last attempt', async () => {
    const clock = fakeClock();
    let failures = 3;
    const result = await withRetries(
      async () => {
        if (failures-- > 0) throw new Error('throttled');
        return 'ok';
      },
      { policy: DEFAULT_RETRY, retryable: () => true, clock, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(clock.sleeps).toEqual([125, 250, 500]);

    const never = withRetries(
      async () => {
        throw new Error('still throttled');
      },
      { policy: { maxAttempts: 3, baseMs: 10, capMs: 100 }, retryable: () => true, clock },
    );
    await expect(never).rejects.toThrow('still throttled');
  });

  it('does not retry what retrying cannot fix', async () => {
    let attempts = 0;
    const refused = withRetries(
      async () => {
        attempts++;
        throw new Error('invalid input');
      },
      { policy: DEFAULT_RETRY, retryable: () => false, clock: fakeClock() },
    );

    await expect(refused).rejects.toThrow('invalid input');
    expect(attempts).toBe(1);
  });
});
