import type { AccountInfo } from '../core/account.js';
import { claimedRecord, claimNonce, confirmedRecord, holdsClaim, releasedRecord, type SendDecision } from '../core/claim.js';
import { type Decision, decide, type Outcome } from '../core/decide.js';
import { renderEmail } from '../core/email/render.js';
import { DeliveryError, MailDeliveryError, TransientError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { type DeliveryTarget, EMAIL_TARGET, type Notification, targetsOf } from '../core/notification.js';
import type { Policy } from '../core/policy.js';
import type { Channel, Email, FindingStore, Mailer, Runtime } from '../core/ports.js';
import type { FindingSnapshot, ThreadRef, TrackedRecord } from '../core/record.js';
import type { Counts } from './counts.js';
import { claimWrite, DEFAULT_CLAIM_MS, endClaim, MAX_CLAIM_ATTEMPTS } from './end-claim.js';

export interface HandleResult {
  outcome: Outcome;
  reason: string;
  /** The email sent, when one was. */
  email?: Email;
  /** Targets that accepted a notification in this call (`email`, destination names). */
  delivered?: DeliveryTarget[];
  /** Targets that did not; a later run delivers to them (and only to them). */
  failed?: DeliveryTarget[];
  /** A notification that is due but was left to a later `handle` (only from `prepare`). */
  pending?: Notification;
  /** What the first failed target answered. */
  error?: Error;
}

/** What deciding and recording needs: the store, the policy, time and chance. */
export interface FindingHandlerDeps {
  store: FindingStore;
  policy: Policy;
  runtime: Runtime;
  /** The finding's account as the directory describes it (none: only what the finding says). */
  lookupAccount?: (accountId: string, now: Date) => Promise<AccountInfo | undefined>;
  /** A baseline run: what is due is recorded as notified and nothing is sent. */
  baseline?: boolean;
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

/** What sending needs on top: a mailer, the destinations' channels, and optionally a renderer and an after-send hook. */
export interface NotifierDeps extends FindingHandlerDeps {
  mailer: Mailer;
  /** The policy's destinations other than email, by name. */
  channels?: ReadonlyMap<string, Channel>;
  /** Turns a notification into an email; the default is the core renderer. */
  render?: typeof renderEmail;
  afterSend?: AfterSend;
}

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
    const { store, policy, runtime, dryRun, baseline } = this.deps;
    const account = await this.deps.lookupAccount?.(finding.account, now);
    const done: { delivered: DeliveryTarget[]; failed: DeliveryTarget[]; email?: Email; error?: Error } = { delivered: [], failed: [] };
    let record = known;
    let fresh = known === undefined;
    // A claim whose write was reported lost may have been applied all the same (a reply lost after the write): if the
    // store holds exactly it, it is this worker's, and the email goes out now rather than after the lease.
    let unconfirmed: { decision: SendDecision; claimed: TrackedRecord } | undefined;
    let retried: HandleResult | undefined;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      if (fresh) record = await store.get(finding.key);
      fresh = true;
      let claim: { decision: SendDecision; claimed: TrackedRecord } | undefined;
      if (unconfirmed && send && holdsClaim(record, unconfirmed.claimed)) {
        claim = unconfirmed;
      } else {
        const decision = decide({ finding, record, policy, now, wallNow: runtime.clock.now(), account, baseline });
        if (decision.action === 'skip' || dryRun) return withDeliveries(retried ?? summary(decision), done);
        if (decision.action === 'write') {
          const expected = record?.version;
          if (await store.put({ ...decision.next, version: (expected ?? 0) + 1 }, expected)) return withDeliveries(summary(decision), done);
          continue;
        }
        if (!send) return { ...summary(decision), pending: decision.notification };
        const claimed = claimedRecord(decision, record?.version, runtime.clock.now(), this.claimMs, claimNonce(runtime.random()));
        if (await claimWrite(() => this.deps.store.put(claimed, record?.version))) claim = { decision, claimed };
        else {
          unconfirmed = { decision, claimed };
          continue;
        }
      }
      unconfirmed = undefined;
      const result = await send!(claim.decision, finding, claim.claimed);
      done.delivered.push(...(result.delivered ?? []));
      done.failed.push(...(result.failed ?? []));
      done.email ??= result.email;
      done.error ??= result.error;
      // A retried delivery that finished an older notification: decide again on what this finding needs now.
      if (claim.decision.retry && (result.failed ?? []).length === 0 && !result.error) {
        retried = result;
        continue;
      }
      return withDeliveries(result, done);
    }
    throw new TransientError(`record ${finding.key} kept changing; gave up after ${MAX_CLAIM_ATTEMPTS} attempts`);
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
   * MailDeliveryError or DeliveryError when nothing of a due notification
   * could be delivered (nothing recorded), and TransientError when the record
   * kept changing under it. When some targets accepted it and some did not,
   * it returns with `failed`: the record keeps the rest for a later run.
   */
  async handle(finding: Finding | FindingSnapshot, now: Date, known?: TrackedRecord): Promise<HandleResult> {
    const result = await this.loop(finding, now, known, this.sendClaimed);
    if (result.error && (result.delivered ?? []).length === 0 && (result.failed ?? []).length > 0) throw result.error;
    return result;
  }

  /** Handles one finding and adds its outcome to `counts`; what could not be delivered is counted, not thrown. */
  async handleCounted(
    finding: Finding | FindingSnapshot,
    now: Date,
    counts: Counts,
    known?: TrackedRecord,
  ): Promise<HandleResult | undefined> {
    try {
      const result = await this.loop(finding, now, known, this.sendClaimed);
      const delivered = result.delivered ?? [];
      counts.failed += (result.failed ?? []).length;
      if ((result.failed ?? []).length > 0 && delivered.length === 0) return undefined;
      counts[result.outcome]++;
      counts.emails += delivered.filter((target) => target === EMAIL_TARGET).length;
      counts.messages += delivered.filter((target) => target !== EMAIL_TARGET).length;
      return result;
    } catch (error) {
      if (error instanceof TransientError) {
        counts.failed++;
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Delivers the notification of a claimed decision to each of its targets
   * (email and each destination, at once), then ends the claim: every target
   * accepted it → the confirmed record; none did → the record as it was, so
   * the next run delivers it all; some did → the confirmed record with the
   * rest kept as pending, so a later run delivers to those only and never
   * again to a target that accepted. A destination that refused for good
   * (DeliveryError, not transient) is reported and not retried.
   */
  private readonly sendClaimed: SendClaimed = async (decision, finding, claimed) => {
    const { store, mailer, policy, channels } = this.notifierDeps;
    const { notification } = decision;
    // A retried notification is about the finding as it was stored when it fell due.
    const about = decision.retry ? claimed.snapshot : finding;
    const threads: Record<string, ThreadRef> = { ...(claimed.threads ?? {}) };
    const delivered: DeliveryTarget[] = [];
    const failed: DeliveryTarget[] = [];
    let refused = 0;
    let email: Email | undefined;
    let error: Error | undefined;
    // Every target at once: a slow destination does not hold the others up (each channel paces itself).
    const targets = decision.retry ?? targetsOf(notification);
    await Promise.all(
      targets.map(async (target) => {
        try {
          if (target === EMAIL_TARGET) {
            email = this.render({ finding: about, notification, sender: policy.sender });
            await mailer.send(email);
          } else {
            const channel = channels?.get(target);
            if (!channel) throw new DeliveryError(target, 'no channel is configured for this destination here', true);
            const receipt = await channel.deliver({
              notification,
              finding: about,
              ...(threads[target] ? { thread: threads[target] } : {}),
            });
            if (receipt.thread && !threads[target]) threads[target] = receipt.thread;
          }
          delivered.push(target);
        } catch (cause) {
          const failure = asDeliveryFailure(target, cause);
          error ??= failure;
          if (failure instanceof DeliveryError && !failure.transient) refused++;
          else failed.push(target);
        }
      }),
    );
    const inOrder = (a: DeliveryTarget, b: DeliveryTarget) => targets.indexOf(a) - targets.indexOf(b);
    delivered.sort(inOrder);
    failed.sort(inOrder);
    if (delivered.length === 0 && refused === 0) {
      // Nothing accepted: put the record back unclaimed, so the next run delivers it all.
      await this.endClaim(claimed, () => store.put(releasedRecord(decision, claimed), claimed.version));
      return { ...summary(decision), delivered, failed, ...(error ? { error } : {}) };
    }
    const confirmed = confirmedRecord(decision, claimed);
    const next: TrackedRecord = {
      ...confirmed,
      ...(Object.keys(threads).length > 0 && confirmed.open ? { threads } : {}),
      ...(failed.length > 0 ? { pending: { notification, remaining: failed } } : {}),
    };
    // Losing this race means the claim expired and another worker took over: the documented duplicate window.
    await this.endClaim(claimed, () => store.put(next, claimed.version));
    if (delivered.length > 0) await this.afterSend(about, notification);
    return {
      ...summary(decision),
      delivered,
      failed,
      ...(email && delivered.includes(EMAIL_TARGET) ? { email } : {}),
      ...(error ? { error } : {}),
    };
  };

  /** Ends a claim with `write`: see end-claim.ts for why it is retried, and for how long. */
  private endClaim(claimed: TrackedRecord, write: () => Promise<boolean>): Promise<void> {
    return endClaim(this.notifierDeps.runtime, Date.parse(claimed.claim!.until), this.claimMs, write);
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

/** The result of a call, with what earlier steps of the same call delivered (a retried notification first). */
function withDeliveries(
  result: HandleResult,
  done: { delivered: DeliveryTarget[]; failed: DeliveryTarget[]; email?: Email; error?: Error },
): HandleResult {
  if (done.delivered.length === 0 && done.failed.length === 0) return result;
  return {
    ...result,
    delivered: [...done.delivered],
    failed: [...done.failed],
    ...(done.email ? { email: done.email } : {}),
    ...(done.error ? { error: done.error } : {}),
  };
}

/** What a target's failure means: mail failures stay MailDeliveryError, channel failures DeliveryError. */
function asDeliveryFailure(target: DeliveryTarget, cause: unknown): Error {
  if (cause instanceof MailDeliveryError || cause instanceof DeliveryError) return cause;
  if (target === EMAIL_TARGET) return new MailDeliveryError(`sending failed: ${String(cause)}`, true, { cause });
  return new DeliveryError(target, `delivery failed: ${String(cause)}`, true, { cause });
}
