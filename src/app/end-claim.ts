import { TransientError } from '../core/errors.js';
import type { Runtime } from '../core/ports.js';

/** How long a claim holds when the composition root sets no other lease. */
export const DEFAULT_CLAIM_MS = 120_000;
/** How many times a finding or digest is decided and claimed again after losing a race, before giving up. */
export const MAX_CLAIM_ATTEMPTS = 8;

/** At most this long, and this many attempts, go into the write that ends a claim (it must fit in a Lambda invocation too). */
const BUDGET_MS = 10_000;
const ATTEMPTS = 8;

/**
 * Writes a claim. A transient failure is ambiguous (the write may have been
 * applied before the reply was lost), so it counts as a lost race: the next
 * read shows whether the claim is there, and whose it is.
 */
export async function claimWrite(write: () => Promise<boolean>): Promise<boolean> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof TransientError) return false;
    throw error;
  }
}

/**
 * The write that ends a claim (confirmation after a send, release after a
 * failed one), retried at once on a transient store failure, for at most
 * half the lease and 10 s: left unwritten, a sent email would be sent again
 * once the lease is over, and a failed one would wait for it. `untilMs` is
 * the end of the claim's lease.
 */
export async function endClaim(runtime: Runtime, untilMs: number, claimMs: number, write: () => Promise<boolean>): Promise<void> {
  const { clock, sleep } = runtime;
  const deadline = Math.min(untilMs - claimMs / 2, clock.now().getTime() + BUDGET_MS);
  for (let attempt = 1, wait = 50; ; attempt++, wait = Math.min(wait * 2, 2000)) {
    try {
      await write();
      return;
    } catch (error) {
      const late = clock.now().getTime() + wait > deadline;
      if (!(error instanceof TransientError) || late || attempt >= ATTEMPTS) throw error;
      await sleep(wait);
    }
  }
}
