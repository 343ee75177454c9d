/**
 * How many cases a property test tries. `npm test` keeps the default (fast);
 * the soak suite sets PROPERTY_RUNS_FACTOR to try many more.
 */
export function propertyRuns(fast: number): number {
  const factor = Number(process.env.PROPERTY_RUNS_FACTOR ?? '1');
  return Math.max(1, Math.round(fast * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}
