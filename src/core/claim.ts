import type { Decision } from './decide.js';
import type { TrackedRecord } from './record.js';

/**
 * The pure half of the claim protocol (claim → send → confirm): what the
 * record looks like while an email is in flight, after it was sent, and
 * after it failed. The use case writes these with conditional puts.
 */

export type SendDecision = Extract<Decision, { action: 'send' }>;

/**
 * The record written before a send: the decision's base with a claim that
 * other workers respect until `until`. `nonce` makes the claim's id unique
 * to this attempt, so a worker recognises its own claim and never another's
 * made in the same millisecond.
 */
export function claimedRecord(
  decision: SendDecision,
  expectedVersion: number | undefined,
  wallNow: Date,
  claimMs: number,
  nonce: string,
): TrackedRecord {
  return {
    ...decision.base,
    claim: newClaim(decision.notification.id, wallNow, claimMs, nonce),
    version: (expectedVersion ?? 0) + 1,
  };
}

/**
 * A claim on the email `label` (a notification's or a digest's id), made at
 * `wallNow` and respected by other workers for `claimMs`; `nonce` makes its
 * id unique to this attempt.
 */
export function newClaim(label: string, wallNow: Date, claimMs: number, nonce: string): { id: string; until: string } {
  return { id: `${label}@${wallNow.toISOString()}#${nonce}`, until: new Date(wallNow.getTime() + claimMs).toISOString() };
}

/** The record after the email was accepted: the decision's next, one version on. */
export function confirmedRecord(decision: SendDecision, claimed: TrackedRecord): TrackedRecord {
  return { ...decision.next, version: claimed.version + 1 };
}

/** The record after the email failed: the base again, unclaimed, so the next run sends it. */
export function releasedRecord(decision: SendDecision, claimed: TrackedRecord): TrackedRecord {
  return { ...decision.base, version: claimed.version + 1 };
}

/** Whether the stored record is exactly the claim this worker wrote (a write reported lost may have been applied). */
export function holdsClaim(stored: TrackedRecord | undefined, claimed: TrackedRecord): boolean {
  return stored !== undefined && stored.claim?.id === claimed.claim?.id && stored.version === claimed.version;
}

/** A claim nonce from a random number in [0, 1): ten base-36 digits. */
export function claimNonce(random: number): string {
  return random.toString(36).slice(2, 12);
}
