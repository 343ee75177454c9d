import type { LambdaResults } from './cold-start.js';
import type { DigestResult } from './digest.js';
import type { Spread } from './measure.js';
import type { RoutingResult } from './routing.js';
import type { ThroughputResult } from './throughput.js';
import type { TickResult } from './tick.js';

/**
 * The shape of bench/results.json. Other tools read it, so its fields are
 * fixed; a measurement that could not be made is null, and the reason is
 * written to docs/benchmarks.md. A timing taken over repeated runs is their
 * median, and `<field>Spread` beside it says how the runs spread.
 */
export interface Results {
  throughput: ThroughputResult | null;
  tick: TickResult | null;
  render: { microsPerEmail: number | null; microsPerEmailSpread: Spread | null };
  lambda: LambdaResults | null;
  cost: { perMillionFindingsUsd: number | null; seedDesignPerMillionUsd: number | null; ratio: number | null };
  /** Every recipient's digest built, rendered and sent from a store of tracked findings, one run. */
  digest: DigestResult | null;
  routing: RoutingResult | null;
}

/** The targets the project set for itself (why these: docs/benchmarks.md). */
export const TARGETS = {
  throughputRatio: 0.5,
  renderMicros: 1000,
  /** A bundle's load adds at most this many times a bare `node` start measured in the same run. */
  initRatio: 3,
  costRatio: 0.05,
  /** All digests of 100,000 tracked findings for 1,000 recipients, in at most this many seconds… */
  digestSeconds: 60,
  /** …and this many MiB of resident memory. */
  digestPeakMb: 512,
  /** Resolving every account of an organization with a warm cache asks Organizations nothing. */
  routingWarmCalls: 0,
} as const;

/** A measurement that is missing, and why. */
export interface Gap {
  what: string;
  reason: string;
}
