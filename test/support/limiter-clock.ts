import type { LimiterClock } from '../../src/adapters/aws/token-bucket.js';

/** A limiter clock that only moves when someone sleeps, recording each sleep. */
export function fakeLimiterClock(): LimiterClock & { time: number; sleeps: number[] } {
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
