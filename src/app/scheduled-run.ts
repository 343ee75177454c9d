import { type Counts, emptyCounts } from './counts.js';
import type { Sweep, SweepResult } from './sweep/sweep.js';
import { type TickDeps, tick } from './tick.js';

/**
 * The scheduled work (the daily function, `tick --security-hub`): the sweep,
 * then, once every tracked finding was confirmed, due reminders and delayed
 * first notifications, so none goes out for a finding that closed meanwhile.
 * A sweep stopped early leaves the reminders to the invocation that ends it.
 */
export async function sweepThenTick(
  sweep: Sweep,
  tickDeps: TickDeps,
  now: Date,
  counts: Counts = emptyCounts(),
): Promise<{ sweep: SweepResult; ticked: boolean; counts: Counts }> {
  const result = await sweep.sweep(now, counts);
  if (!result.done) return { sweep: result, ticked: false, counts };
  await tick(tickDeps, now, counts);
  return { sweep: result, ticked: true, counts };
}
