import { StoreError, TransientError } from '../../../src/core/errors.js';
import type { FindingStore } from '../../../src/core/ports.js';
import type { TrackedRecord } from '../../../src/core/record.js';

/**
 * Wraps a real store and makes chosen writes fail the way a crash or a
 * lost connection does: the write never reaches the store and the caller
 * gets a StoreError. Used to stop a worker at an exact step.
 */
export class FaultyStore implements FindingStore {
  /** Fail the next write that confirms a send: it clears a claim and changes what is recorded as notified. */
  failNextConfirm = false;
  /** Apply the next claim (a write that sets a claim), then answer as if it had lost its race: a reply lost after the write. */
  loseNextClaimReply = false;
  /** Fail this many confirmations with a TransientError (throttling) before letting one through. */
  transientConfirmFailures = 0;
  /** Apply the next claim, then throw a TransientError: a timeout after the write reached the store. */
  ambiguousNextClaim = false;
  /** Fail every write while true. */
  failWrites = false;
  confirmsFailed = 0;

  constructor(private readonly inner: FindingStore) {}

  get(key: string): Promise<TrackedRecord | undefined> {
    return this.inner.get(key);
  }

  async put(record: TrackedRecord, expectedVersion: number | undefined): Promise<boolean> {
    if (this.failWrites) throw new StoreError('connection to the store lost');
    if (this.ambiguousNextClaim && record.claim) {
      this.ambiguousNextClaim = false;
      await this.inner.put(record, expectedVersion);
      throw new TransientError('timed out after the write');
    }
    if (this.loseNextClaimReply && record.claim) {
      this.loseNextClaimReply = false;
      await this.inner.put(record, expectedVersion);
      return false;
    }
    if ((this.failNextConfirm || this.transientConfirmFailures > 0) && !record.claim && expectedVersion !== undefined) {
      const stored = await this.inner.get(record.key);
      if (stored?.claim && JSON.stringify(stored.rules) !== JSON.stringify(record.rules) && this.transientConfirmFailures > 0) {
        this.transientConfirmFailures--;
        this.confirmsFailed++;
        throw new TransientError('throttled');
      }
      if (stored?.claim && JSON.stringify(stored.rules) !== JSON.stringify(record.rules)) {
        this.failNextConfirm = false;
        this.confirmsFailed++;
        throw new StoreError('the process died before the record update');
      }
    }
    return this.inner.put(record, expectedVersion);
  }

  listOpen(): AsyncIterable<TrackedRecord> {
    return this.inner.listOpen();
  }

  listAll(): AsyncIterable<TrackedRecord> {
    return this.inner.listAll();
  }

  purgeExpired(now: Date): Promise<number> {
    return this.inner.purgeExpired(now);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A wall clock a test moves by hand, for leases. */
export class ManualClock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}
