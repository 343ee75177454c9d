import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LambdaResults, lambdaFunctions } from './cold-start.js';
import type { DigestResult } from './digest.js';
import { mapSpread, round, type Spread } from './measure.js';
import type { RoutingResult } from './routing.js';
import type { ThroughputResult } from './throughput.js';
import type { TickResult } from './tick.js';
import { repoRoot } from './workspace.js';

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

/** The results as bench/results.json keeps them: each number to the few significant digits people read. */
export function roundResults(r: Results): Results {
  const spreadTo = (s: Spread, digits: number) => mapSpread(s, (value) => round(value, digits));
  const micros = r.render.microsPerEmailSpread;
  return {
    throughput: r.throughput && {
      findings: r.throughput.findings,
      findingsPerSec: round(r.throughput.findingsPerSec, 4),
      findingsPerSecSpread: spreadTo(r.throughput.findingsPerSecSpread, 4),
      parseOnlyPerSec: round(r.throughput.parseOnlyPerSec, 4),
      parseOnlyPerSecSpread: spreadTo(r.throughput.parseOnlyPerSecSpread, 4),
      ratio: round(r.throughput.ratio, 3),
      ratioSpread: spreadTo(r.throughput.ratioSpread, 3),
    },
    tick: r.tick && {
      tracked: r.tick.tracked,
      seconds: round(r.tick.seconds, 3),
      secondsSpread: spreadTo(r.tick.secondsSpread, 3),
    },
    render: {
      microsPerEmail: r.render.microsPerEmail === null ? null : round(r.render.microsPerEmail, 3),
      microsPerEmailSpread: micros && spreadTo(micros, 3),
    },
    lambda: r.lambda && roundLambda(r.lambda, spreadTo),
    cost: {
      perMillionFindingsUsd: r.cost.perMillionFindingsUsd === null ? null : round(r.cost.perMillionFindingsUsd, 3),
      seedDesignPerMillionUsd: r.cost.seedDesignPerMillionUsd === null ? null : round(r.cost.seedDesignPerMillionUsd, 3),
      ratio: r.cost.ratio === null ? null : round(r.cost.ratio, 3),
    },
    digest: r.digest && { ...r.digest, seconds: round(r.digest.seconds, 3), peakMb: round(r.digest.peakMb, 3) },
    routing: r.routing && { ...r.routing, coldSeconds: round(r.routing.coldSeconds, 4) },
  };
}

function roundLambda(lambda: LambdaResults, spreadTo: (s: Spread, digits: number) => Spread): LambdaResults {
  const rounded: LambdaResults = { bareNodeMs: round(lambda.bareNodeMs, 3), bareNodeMsSpread: spreadTo(lambda.bareNodeMsSpread, 3) };
  for (const [name, size] of lambdaFunctions(lambda)) {
    rounded[name] = {
      bytes: size.bytes,
      gzipBytes: size.gzipBytes,
      initMs: round(size.initMs, 3),
      initMsSpread: spreadTo(size.initMsSpread, 3),
      initRatio: round(size.initRatio, 3),
      initRatioSpread: spreadTo(size.initRatioSpread, 3),
    };
  }
  return rounded;
}

/**
 * Sets one field of bench/results.json, for a part measured on its own, and
 * rounds the results as a full run does; returns the field as written.
 */
export function writeResultField<K extends keyof Results>(name: K, value: Results[K]): Results[K] {
  const path = join(repoRoot, 'bench', 'results.json');
  const results = roundResults({ ...(JSON.parse(readFileSync(path, 'utf8')) as Results), [name]: value });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return results[name];
}
