import * as z from '../zod.js';

/**
 * The sweep's progress, kept in the store under one cursor name. It is
 * written after every batch, so a run stopped by a deadline or a crash
 * continues from the last batch done; redoing that batch is harmless because
 * every action the sweep takes is idempotent.
 */

const api = z.enum(['asff', 'ocsf']);
const strategy = z.enum(['lookup', 'scan']);

const history = z.object({ tracked: z.number(), scanned: z.optional(z.number()), inactive: z.number() });

/** Counts of checks: a run that restarts re-checks the batch it stopped in, and counts it again. */
const totals = z.object({
  /** Tracked findings the sweep looked at. */
  checked: z.number(),
  /** Confirmed active in Security Hub. */
  active: z.number(),
  /** Returned by Security Hub as closed (archived, resolved, suppressed, passed). */
  closed: z.number(),
  /** No longer returned by Security Hub at all (deleted): counted as closed. */
  missing: z.number(),
  /** Not returned, but updated too recently to conclude anything; checked again next run. */
  deferred: z.number(),
  /** Closings whose email could not be sent: the record stays open and the next run tries again. */
  failed: z.number(),
  /** Security Hub requests made, retries included. */
  calls: z.number(),
  /** Invocations the run took. */
  invocations: z.number(),
});

const run = z.object({
  startedAt: z.string(),
  groups: z.array(z.object({ api, strategy, tracked: z.number(), estimates: z.object({ lookup: z.number(), scan: z.number() }) })),
  group: z.number(),
  /** Lookup: the last key done. */
  after: z.optional(z.string()),
  /** Scan: the page to read next. */
  nextToken: z.optional(z.string()),
  /** Scan: every tracked finding up to this id and key (in id order) is settled. */
  settledId: z.optional(z.string()),
  settledKey: z.optional(z.string()),
  /** Scan: findings the scan of this group returned so far. */
  scanned: z.number(),
  totals,
  measured: z.object({ asff: z.optional(history), ocsf: z.optional(history) }),
});

const state = z.object({
  run: z.optional(run),
  completedAt: z.optional(z.string()),
  history: z.object({ asff: z.optional(history), ocsf: z.optional(history) }),
});

export type SweepTotals = z.infer<typeof totals>;
export type SweepRun = z.infer<typeof run>;
export type SweepState = z.infer<typeof state>;

export function emptyTotals(): SweepTotals {
  return { checked: 0, active: 0, closed: 0, missing: 0, deferred: 0, failed: 0, calls: 0, invocations: 0 };
}

/** Reads a stored state; a missing or unreadable one starts afresh (`problem` says why). */
export function parseSweepState(text: string | undefined): { state: SweepState; problem?: string } {
  if (text === undefined) return { state: { history: {} } };
  try {
    const result = state.safeParse(JSON.parse(text));
    if (result.success) return { state: result.data };
    return { state: { history: {} }, problem: `sweep cursor unreadable (${result.error.issues[0]?.message}); starting a new sweep` };
  } catch (error) {
    return { state: { history: {} }, problem: `sweep cursor is not JSON (${(error as Error).message}); starting a new sweep` };
  }
}

export function serializeSweepState(value: SweepState): string {
  return JSON.stringify(value);
}
