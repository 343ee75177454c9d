import type { Clock, Runtime } from '../../src/core/ports.js';

/**
 * Time that passes only when code sleeps: sleep returns at once and moves
 * the clock on, and every wait is recorded. Pacing and Retry-After can be
 * checked to the millisecond without a test taking that long.
 */
export class VirtualTime implements Runtime {
  private ms: number;
  /** Every sleep, in order, in milliseconds. */
  readonly sleeps: number[] = [];

  constructor(start = '2026-01-10T10:00:00.000Z') {
    this.ms = Date.parse(start);
  }

  readonly clock: Clock = { now: () => new Date(this.ms) };

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.ms += ms;
  };

  /** Jitter in the middle of its range, so that backoffs are predictable. */
  readonly random = (): number => 0.5;

  /** Moves the clock on without a sleep (time spent elsewhere). */
  advance(ms: number): void {
    this.ms += ms;
  }

  /** The sum of all sleeps. */
  get slept(): number {
    return this.sleeps.reduce((sum, ms) => sum + ms, 0);
  }
}
