import type { Clock, Runtime } from '../../core/ports.js';

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** The real clock, timers and randomness, for the composition roots. */
export const systemRuntime: Runtime = {
  clock: systemClock,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};
