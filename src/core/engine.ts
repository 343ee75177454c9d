import { type Decision, decide, type Notification, type Outcome } from './decide.js';
import { renderEmail } from './email/render.js';
import { MailDeliveryError, TransientError } from './errors.js';
import type { Finding } from './finding.js';
import type { Policy } from './policy.js';
import type { Clock, Email, FindingStore, Mailer } from './ports.js';
import type { FindingSnapshot, TrackedRecord } from './record.js';

/** Counters every run reports (the command line's `--json` summary). */
export interface Counts {
  read: number;
  invalid: number;
  ignored: number;
  notified: number;
  reminded: number;
  suppressed: number;
  resolved: number;
  emails: number;
  /** Emails that could not be sent; each will be sent again by a later run. */
  failed: number;
}

export function emptyCounts(): Counts {
  return { read: 0, invalid: 0, ignored: 0, notified: 0, reminded: 0, suppressed: 0, resolved: 0, emails: 0, failed: 0 };
}

export interface HandleResult {
  outcome: Outcome;
  reason: string;
  /** The email sent, when one was. */
  email?: Email;
  /** An email that is due but was left to a later `handle` (only from `handleUpToSend`). */
  pending?: Notification;
}

export interface EngineOptions {
  store: FindingStore;
  mailer: Mailer;
  policy: Policy;
  /** Wall clock, for claims. Decision time is passed to each call. */
  clock: Clock;
  /** Decide and report, but neither send nor write. */
  dryRun?: boolean;
  /** How long a claim protects an email in flight before another worker may take over. */
  claimMs?: number;
  /** Turns a notification into an email; the default is the core renderer. */
  render?: typeof renderEmail;
  /**
   * Called after an email was sent and recorded (e.g. Security Hub write-back).
   * A failure of the hook never undoes the notification: it goes to `onAfterSendError`.
   */
  afterSend?: (finding: Finding | FindingSnapshot, notification: Notification) => Promise<void>;
  /** Receives what `afterSend` threw; the default writes one line to the console. */
  onAfterSendError?: (error: unknown, finding: Finding | FindingSnapshot) => void;
}

type SendDecision = Extract<Decision, { action: 'send' }>;

const MAX_ATTEMPTS = 8;
const DEFAULT_CLAIM_MS = 120_000;
/** At most this long, and this many attempts, go into the write that ends a claim (it must fit in a Lambda invocation too). */
const SETTLE_BUDGET_MS = 10_000;
const SETTLE_ATTEMPTS = 8;

/**
 * The use cases: handle one finding, and tick over every tracked finding.
 * Carries out `decide` against the store and the mailer with optimistic
 * concurrency, so that concurrent workers on one finding send one email.
 */
export class NotificationEngine {
  private readonly claimMs: number;
  private readonly render: typeof renderEmail;

  constructor(private readonly options: EngineOptions) {
    this.claimMs = options.claimMs ?? DEFAULT_CLAIM_MS;
    this.render = options.render ?? renderEmail;
  }

  /**
   * Decides and acts on one finding at decision time `now`. Throws
   * MailDeliveryError when the email could not be sent (nothing recorded),
   * and TransientError when the record kept changing under it.
   */
  async handle(finding: Finding | FindingSnapshot, now: Date, known?: TrackedRecord): Promise<HandleResult> {
    return this.run(finding, now, known, true);
  }

  /**
   * Like `handle`, but stops short of an email: a write that needs no email is
   * carried out, and a due email is only reported as `pending` (nothing
   * claimed, nothing written), for a later `handle` to claim and send. The
   * workflow's check-age step uses it and leaves the send to its notify step.
   */
  async handleUpToSend(finding: Finding | FindingSnapshot, now: Date): Promise<HandleResult> {
    return this.run(finding, now, undefined, false);
  }

  private async run(finding: Finding | FindingSnapshot, now: Date, known: TrackedRecord | undefined, send: boolean): Promise<HandleResult> {
    let record = known;
    let fresh = known === undefined;
    // A claim whose write was reported lost may have been applied all the same (a reply lost after the write): if the
    // store holds exactly it, it is this worker's, and the email goes out now rather than after the lease.
    let unconfirmed: { decision: SendDecision; claimed: TrackedRecord } | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (fresh) record = await this.options.store.get(finding.key);
      fresh = true;
      if (unconfirmed && record?.claim?.id === unconfirmed.claimed.claim?.id && record?.version === unconfirmed.claimed.version) {
        return this.sendClaimed(unconfirmed.decision, finding, unconfirmed.claimed);
      }
      unconfirmed = undefined;
      const decision = decide({ finding, record, policy: this.options.policy, now, wallNow: this.options.clock.now() });
      if (decision.action === 'send' && !send && !this.options.dryRun) {
        return { outcome: decision.outcome, reason: decision.reason, pending: decision.notification };
      }
      const result = await this.carryOut(decision, finding, record, (claimed) => {
        if (decision.action === 'send') unconfirmed = { decision, claimed };
      });
      if (result) return result;
    }
    throw new TransientError(`record ${finding.key} kept changing; gave up after ${MAX_ATTEMPTS} attempts`);
  }

  /** Evaluates every tracked open finding at `now`: due reminders and delayed first emails go out. */
  async tick(now: Date, counts: Counts = emptyCounts()): Promise<Counts> {
    for await (const record of this.options.store.listOpen()) {
      counts.read++;
      await this.handleCounted(record.snapshot, now, counts, record);
    }
    if (!this.options.dryRun) await this.options.store.purgeExpired(now);
    return counts;
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

  /** Returns undefined when a conditional write lost a race and the decision must be made again. */
  private async carryOut(
    decision: Decision,
    finding: FindingSnapshot,
    record: TrackedRecord | undefined,
    claimLost: (claimed: TrackedRecord) => void,
  ): Promise<HandleResult | undefined> {
    const { store } = this.options;
    const expected = record?.version;
    if (decision.action === 'skip' || this.options.dryRun) {
      return { outcome: decision.outcome, reason: decision.reason };
    }
    if (decision.action === 'write') {
      const next = { ...decision.next, version: (expected ?? 0) + 1 };
      return (await store.put(next, expected)) ? { outcome: decision.outcome, reason: decision.reason } : undefined;
    }

    const wallNow = this.options.clock.now();
    const claimed: TrackedRecord = {
      ...decision.base,
      claim: {
        // Unique to this attempt, so that a worker recognises its own claim and never another's made in the same millisecond.
        id: `${decision.notification.id}@${wallNow.toISOString()}#${Math.random().toString(36).slice(2, 12)}`,
        until: new Date(wallNow.getTime() + this.claimMs).toISOString(),
      },
      version: (expected ?? 0) + 1,
    };
    if (!(await this.claim(claimed, expected))) {
      claimLost(claimed);
      return undefined;
    }
    return this.sendClaimed(decision, finding, claimed);
  }

  /**
   * Writes a claim. A transient failure is ambiguous (the write may have been
   * applied before the reply was lost), so it counts as a lost race: the
   * next read shows whether the claim is there, and whose it is.
   */
  private async claim(claimed: TrackedRecord, expected: number | undefined): Promise<boolean> {
    try {
      return await this.options.store.put(claimed, expected);
    } catch (error) {
      if (error instanceof TransientError) return false;
      throw error;
    }
  }

  /** Sends the email of a claimed decision, then confirms the record (or releases it when the send failed). */
  private async sendClaimed(decision: SendDecision, finding: FindingSnapshot, claimed: TrackedRecord): Promise<HandleResult> {
    const { store } = this.options;
    const email = this.render({ finding, notification: decision.notification, sender: this.options.policy.sender });
    try {
      await this.options.mailer.send(email);
    } catch (error) {
      // Nothing is recorded as sent: put the record back unclaimed so the next run sends it.
      await this.settle(claimed, () => store.put({ ...decision.base, version: claimed.version + 1 }, claimed.version));
      throw error instanceof MailDeliveryError ? error : new MailDeliveryError(`sending failed: ${String(error)}`, true, { cause: error });
    }
    // Losing this race means the claim expired and another worker took over: the documented duplicate window.
    await this.settle(claimed, () => store.put({ ...decision.next, version: claimed.version + 1 }, claimed.version));
    await this.afterSend(finding, decision.notification);
    return { outcome: decision.outcome, reason: decision.reason, email };
  }

  /**
   * The write that ends a claim (confirmation after a send, release after a
   * failed one). A transient store failure here is retried at once, within
   * half the claim's lease: left unwritten, a sent email would be sent again
   * once the lease is over, and a failed one would wait for it.
   */
  private async settle(claimed: TrackedRecord, write: () => Promise<boolean>): Promise<void> {
    const started = this.options.clock.now().getTime();
    const deadline = Math.min(Date.parse(claimed.claim!.until) - this.claimMs / 2, started + SETTLE_BUDGET_MS);
    for (let attempt = 1, wait = 50; ; attempt++, wait = Math.min(wait * 2, 2000)) {
      try {
        await write();
        return;
      } catch (error) {
        const late = this.options.clock.now().getTime() + wait > deadline;
        if (!(error instanceof TransientError) || late || attempt >= SETTLE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async afterSend(finding: Finding | FindingSnapshot, notification: Notification): Promise<void> {
    if (!this.options.afterSend) return;
    try {
      await this.options.afterSend(finding, notification);
    } catch (error) {
      const report = this.options.onAfterSendError ?? ((e: unknown) => console.warn(`after-send hook failed: ${String(e)}`));
      report(error, finding);
    }
  }
}
