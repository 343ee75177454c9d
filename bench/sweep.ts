import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { SECURITY_HUB_RATES } from '../src/adapters/securityhub/securityhub-client.js';
import type { SweepStrategy } from '../src/core/sweep/plan.js';
import { fateAtScale, population, sweepHarness } from '../test/support/sweep-harness.js';

/** What one sweep cost. */
export interface SweepMeasurement {
  tracked: number;
  strategy: string;
  /** Security Hub requests made. */
  calls: number;
  /** Wall time against the local fake, which answers at once (the sweep's own work: store, notifier, parsing). */
  seconds: number;
  /** The least time the calls take at the documented GetFindings rate (3 per second, bursts of 6). */
  pacedSeconds: number;
  /** The calls the other strategy was estimated to need. */
  estimates: Record<SweepStrategy, number>;
}

/**
 * Sweeps `tracked` findings against the fake Security Hub (no pacing, so the
 * local cost shows) and reports the calls, the local time and the time the
 * calls need at the documented rate. `strategy` forces one; by default the
 * sweep picks the cheaper.
 */
export async function measureSweep(
  tracked: number,
  options: { strategy?: SweepStrategy; format?: 'asff' | 'ocsf' } = {},
): Promise<SweepMeasurement> {
  const now = new Date();
  const format = options.format ?? 'asff';
  // OCSF findings have no compliance status here: their 30% closed are resolved, suppressed or archived.
  const world = population(
    Array.from({ length: tracked }, (_, i) => (format === 'ocsf' && fateAtScale(i) === 'passed' ? 'resolved' : fateAtScale(i))),
    now,
    format,
  );
  const harness = await sweepHarness({ records: world.records });
  try {
    harness.fake.putAsff(world.asff);
    harness.fake.putOcsf(world.ocsf);
    const started = performance.now();
    const result = await harness.sweep({ strategy: options.strategy }).sweep(now);
    const seconds = (performance.now() - started) / 1000;
    const { perSecond, burst } = SECURITY_HUB_RATES.getFindings;
    return {
      tracked,
      strategy: result.groups.map((group) => group.strategy).join('+'),
      calls: result.calls,
      seconds,
      pacedSeconds: Math.max(0, result.calls - burst) / perSecond,
      estimates: result.groups[0]!.estimates,
    };
  } finally {
    await harness.close();
    rmSync(dirname(harness.statePath), { recursive: true, force: true });
  }
}

// `node --import tsx bench/sweep.ts [asff|ocsf] [sizes...]`: prints both strategies at each size, for docs/sweep.md.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const format = process.argv[2] === 'ocsf' ? 'ocsf' : 'asff';
  const sizes = process.argv
    .slice(2)
    .filter((arg) => /^\d+$/.test(arg))
    .map(Number);
  for (const tracked of sizes.length > 0 ? sizes : [1_000, 10_000, 100_000]) {
    for (const strategy of [undefined, 'lookup', 'scan'] as const) {
      const m = await measureSweep(tracked, { strategy, format });
      const label = strategy ?? `auto (${m.strategy})`;
      process.stdout.write(
        `${format}\t${tracked}\t${label}\t${m.calls} calls\t${m.seconds.toFixed(1)} s local\t${(m.pacedSeconds / 60).toFixed(1)} min at 3/s\testimates ${JSON.stringify(m.estimates)}\n`,
      );
    }
  }
}
