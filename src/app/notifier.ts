import {
  claimedRecord,
  claimNonce,
  confirmedRecord,
  endClaimDeadline,
  holdsClaim,
  releasedRecord,
  type SendDecision,
} from '../core/claim.js';
import { type Decision, decide, type Outcome } from '../core/decide.js';
import { renderEmail } from '../core/email/render.js';
import { MailDeliveryError, TransientError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { Notification } from '../core/notification.js';
import type { Policy } from '../core/policy.js';
import type { Email, FindingStore, Mailer, Runtime } from '../core/ports.js';
import type { FindingSnapshot, TrackedRecord } from '../core/record.js';
import type { Counts } from './counts.js';

export interface HandleResult {
  outcome: Outcome;
  reason: string;
  /** The email sent, when one was. */
  email?: Email;
  /** An email that is due but was left to a later `handle` (only from `prepare`). */
  pending?: Notification;
}

/** What deciding and recording needs: the store, the policy, time and chance. */
export interface FindingHandlerDeps {
  store: FindingStore;
  policy: Policy;
  runtime: Runtime;
  /** Decide and report, but neither send nor write. */
  dryRun?: boolean;
  /** How long a claim protects an email in flight before another worker may take over. */
  claimMs?: number;
}

/**
 * Called after an email was sent and recorded (e.g. Security Hub write-back).
 * A failure never undoes the notification: it goes to `onError`.
 */
export interface AfterSend {
  run: (finding: Finding | FindingSnapshot, notification: Notification) => Promise<void>;
  onError: (error: unknown, finding: Finding | FindingSnapshot) => void;
}

/** What sending needs on top: a mailer, and optionally a renderer and an after-send hook. */
export interface NotifierDeps extends FindingHandlerDeps {
  mailer: Mailer;
  /** Turns a notification into an email; the default is the core renderer. */
  render?: typeof renderEmail;
  afterSend?: AfterSend;
}

const MAX_ATTEMPTS = 8;
const DEFAULT_CLAIM_MS = 120_000;
/** At most this long, and this many attempts, go into the write that ends a claim (it must fit in a Lambda invocation too). */
const END_CLAIM_BUDGET_MS = 10_000;
const END_CLAIM_ATTEMPTS = 8;

/** Sends the email of a claimed decision and confirms it; given only to the loop by a Notifier. */
type SendClaimed = (decision: SendDecision, finding: FindingSnapshot, claimed: TrackedRecord) => Promise<HandleResult>;

/**
 * The use case "handle a finding", up to the email: decides with `decide`
 * and carries out writes that need no email with optimistic concurrency (the
 * loser of a race decides again). `prepare` reports a due email as pending
 * without claiming anything: the workflow's check-age step uses it and
 * leaves the send to notify, so it needs no mailer at all.
 */
export class FindingHandler {
  protected readonly claimMs: number;

  constructor(protected readonly deps: FindingHandlerDeps) {
    this.claimMs = deps.claimMs ?? DEFAULT_CLAIM_MS;
  }

  /**
   * Carries out a write that needs no email; a due email is only reported as
   * `pending` (nothing claimed, nothing written), for a later `handle` to
   * claim and send.
   */
  async prepare(finding: Finding | FindingSnapshot, now: Date): Promise<HandleResult> {
    return this.loop(finding, now, undefined, undefined);
  }

  /** Decide → carry out, again after each lost race. Without `send`, a due email is reported as pending. */
  protected async loop(
    finding: Finding | FindingSnapshot,
    now: Date,
    known: TrackedRecord | undefined,
    send: SendClaimed | undefined,
  ): Promise<HandleResult> {
    const { store, policy, runtime, dryRun } = this.deps;
    let record = known;
    let fresh = known === undefined;
    // A claim whose write was reported lost may have been applied all the same (a reply lost after the write): if the
    // store holds exactly it, it is this worker's, and the email goes out now rather than after the lease.
    let unconfirmed: { decision: SendDecision; claimed: TrackedRecord } | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (fresh) record = await store.get(finding.key);
      fresh = true;
      if (unconfirmed && send && holdsClaim(record, unconfirmed.claimed)) {
        return send(unconfirmed.decision, finding, unconfirmed.claimed);
      }
      unconfirmed = undefined;
      const decision = decide({ finding, record, policy, now, wallNow: runtime.clock.now() });
      if (decision.action === 'skip' || dryRun) return { outcome: decision.outcome, reason: decision.reason };
      if (decision.action === 'write') {
        const expected = record?.version;
        if (await store.put({ ...decision.next, version: (expected ?? 0) + 1 }, expected)) return summary(decision);
        continue;
      }
      if (!send) return { ...summary(decision), pending: decision.notification };
      const claimed = claimedRecord(decision, record?.version, runtime.clock.now(), this.claimMs, claimNonce(runtime.random()));
      if (await this.claim(claimed, record?.version)) return send(decision, finding, claimed);
      unconfirmed = { decision, claimed };
    }
    throw new TransientError(`record ${finding.key} kept changing; gave up after ${MAX_ATTEMPTS} attempts`);
  }

  /**
   * Writes a claim. A transient failure is ambiguous (the write may have been
   * applied before the reply was lost), so it counts as a lost race: the
   * next read shows whether the claim is there, and whose it is.
   */
  private async claim(claimed: TrackedRecord, expected: number | undefined): Promise<boolean> {
    try {
      return await this.deps.store.put(claimed, expected);
    } catch (error) {
      if (error instanceof TransientError) return false;
      throw error;
    }
  }
}

/**
 * The use case "handle a finding" in full: decide, then claim → send →
 * confirm, so that concurrent workers on one finding send one email. A
 * failed send puts the record back unclaimed: nothing is recorded as sent,
 * and the next run sends it.
 */
export class Notifier extends FindingHandler {
  private readonly render: typeof renderEmail;

  constructor(private readonly notifierDeps: NotifierDeps) {
    super(notifierDeps);
    this.render = notifierDeps.render ?? renderEmail;
  }

  /**
   * Decides and acts on one finding at decision time `now`. Throws
   * MailDeliveryError when the email could not be sent (nothing recorded),
   * and TransientError when the record kept changing under it.
   */
  async handle(finding: Finding | FindingSnapshot, now: Date, known?: TrackedRecord): Promise<HandleResult> {
    return this.loop(finding, now, known, this.sendClaimed);
  }

  /** Handles one finding and adds its outcome to `counts`; a failed send is counted, not thrown. */
  async handleCounted(
    finding: Finding | FindingSnapshot,
    now: Date,
    counts: Counts,
    known?: TrackedRecord,
  ): Promise<HandleResult | undefined> {
    try {
      const result = await this.handle(finding, now, known);
      counts[result.outcome]++;
      if (result.email) counts.emails++;
      return result;
    } catch (error) {
      if (error instanceof MailDeliveryError || error instanceof TransientError) {
        counts.failed++;
        return undefined;
      }
      throw error;
    }
  }

  /** Sends the email of a claimed decision, then confirms the record (or releases it when the send failed). */
  private readonly sendClaimed: SendClaimed = async (decision, finding, claimed) => {
    const { store, mailer, policy } = this.notifierDeps;
    const email = this.render({ finding, notification: decision.notification, sender: policy.sender });
    try {
      await mailer.send(email);
    } catch (error) {
      await this.endClaim(claimed, () => store.put(releasedRecord(decision, claimed), claimed.version));
      throw error instanceof MailDeliveryError ? error : new MailDeliveryError(`sending failed: ${String(error)}`, true, { cause: error });
    }
    // Losing this race means the claim expired and another worker took over: the documented duplicate window.
    await this.endClaim(claimed, () => store.put(confirmedRecord(decision, claimed), claimed.version));
    await this.afterSend(finding, decision.notification);
    return { ...summary(decision), email };
  };

  /**
   * The write that ends a claim (confirmation after a send, release after a
   * failed one). A transient store failure here is retried at once, within
   * half the claim's lease: left unwritten, a sent email would be sent again
   * once the lease is over, and a failed one would wait for it.
   */
  private async endClaim(claimed: TrackedRecord, write: () => Promise<boolean>): Promise<void> {
    const { clock, sleep } = this.notifierDeps.runtime;
    const deadline = endClaimDeadline(claimed, this.claimMs, clock.now().getTime(), END_CLAIM_BUDGET_MS);
    for (let attempt = 1, wait = 50; ; attempt++, wait = Math.min(wait * 2, 2000)) {
      try {
        await write();
        return;
      } catch (error) {
        const late = clock.now().getTime() + wait > deadline;
        if (!(error instanceof TransientError) || late || attempt >= END_CLAIM_ATTEMPTS) throw error;
        await sleep(wait);
      }
    }
  }

  private async afterSend(finding: Finding | FindingSnapshot, notification: Notification): Promise<void> {
    const hook = this.notifierDeps.afterSend;
    if (!hook) return;
    try {
      await hook.run(finding, notification);
    } catch (error) {
      hook.onError(error, finding);
    }
  }
}

function summary(decision: Decision): { outcome: Outcome; reason: string } {
  return { outcome: decision.outcome, reason: decision.reason };
}
