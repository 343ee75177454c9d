import { GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/adapters/aws/retry.js';
import { TokenBucket } from '../../src/adapters/aws/token-bucket.js';
import { createSecurityHubClient, SECURITY_HUB_RATES } from '../../src/adapters/securityhub/securityhub-client.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { fakeLimiterClock } from '../support/limiter-clock.js';
import { FAKE_CREDENTIALS } from '../support/securityhub-client.js';

describe('the GetFindings rate limiter', () => {
  it('lets a burst of 6 through at once, then paces requests at 3 per second', async () => {
    const clock = fakeLimiterClock();
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
    const clock = fakeLimiterClock();
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
    const clock = fakeLimiterClock();
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
    const fake = await FakeSecurityHub.start({ rates: { getFindings: false } });
    const { client, stats } = hubFor(fake.url, { maxAttempts: 4, baseMs: 1, capMs: 2 });
    try {
      fake.inject('throttle', 3);
      await client.send(new GetFindingsCommand({}));
      expect(stats).toMatchObject({ calls: 4, throttled: 3 });

      fake.inject('throttle', 4);
      await expect(client.send(new GetFindingsCommand({}))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
      expect(stats).toMatchObject({ calls: 8, throttled: 7 });
    } finally {
      client.destroy();
      await fake.stop();
    }
  });

  it('does not retry what retrying cannot fix', async () => {
    const fake = await FakeSecurityHub.start({ rates: { getFindings: false } });
    const { client, stats } = hubFor(fake.url, { maxAttempts: 8, baseMs: 1, capMs: 2 });
    try {
      await expect(client.send(new GetFindingsCommand({ NextToken: 'not-a-token' }))).rejects.toMatchObject({
        name: 'InvalidInputException',
      });
      expect(stats.calls).toBe(1);
    } finally {
      client.destroy();
      await fake.stop();
    }
  });
});

describe('pacing in the client middleware', () => {
  it('makes every attempt, retries included, wait for a token of its quota, and counts it', async () => {
    const fake = await FakeSecurityHub.start({ rates: { getFindings: false } });
    const clock = fakeLimiterClock();
    const { client, stats } = createSecurityHubClient({
      region: 'us-east-1',
      endpoint: fake.url,
      credentials: FAKE_CREDENTIALS,
      clock,
      retry: { maxAttempts: 3, baseMs: 1, capMs: 2 },
    });
    try {
      fake.inject('throttle', 2);
      for (let i = 0; i < 10; i++) await client.send(new GetFindingsCommand({}));

      // 12 attempts: the first 6 use the burst, the other 6 wait a third of a second each.
      expect(stats).toMatchObject({ calls: 12, throttled: 2, byOperation: { GetFindingsCommand: 12 } });
      expect(clock.time).toBeCloseTo(2000, 3);
    } finally {
      client.destroy();
      await fake.stop();
    }
  });
});

function hubFor(url: string, retry: { maxAttempts: number; baseMs: number; capMs: number }) {
  return createSecurityHubClient({ region: 'us-east-1', endpoint: url, credentials: FAKE_CREDENTIALS, retry });
}
