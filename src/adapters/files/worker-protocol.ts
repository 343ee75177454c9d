import { ignoredUnlessTracked } from '../../core/ignorable.js';
import type { Extracted } from '../../core/normalize/extract.js';
import type { Policy } from '../../core/policy.js';
import type { FindingSnapshot } from '../../core/record.js';
import type { ReadLimits } from './read-inputs.js';

/** A finding as the engine takes it, without its raw document (which only the reader needs, to reject garbled text). */
export interface FindingItem {
  kind: 'finding';
  where: string;
  finding: FindingSnapshot;
  eventTime?: string;
}

/**
 * A finding the policy ignores unless the store tracks it (see
 * `ignoredUnlessTracked`): only its key comes at once, and `load` fetches
 * the rest from the reading thread, for the few the store tracks. Most
 * findings of a stream are these, and copying each whole between threads
 * cost more than anything else the main thread did with it. `load` works
 * until the next item is taken.
 */
interface UnmatchedItem {
  kind: 'unmatched';
  key: string;
  load(): Promise<FindingItem>;
}

/** An input item as the main thread receives it from the reading thread. */
export type InputItem = Exclude<Extracted, { kind: 'finding' }> | FindingItem | UnmatchedItem;

/** An item as it is posted: an unmatched finding by its key alone, the rest held by the reading thread. */
export type PostedItem = Exclude<Extracted, { kind: 'finding' }> | FindingItem | { kind: 'unmatched'; key: string };

/** What the reading thread is started with. */
export interface ReaderSettings {
  inputs: string[];
  limits: ReadLimits;
  /** The policy that tells which findings are unmatched. */
  policy: Policy;
  /** Items per message. */
  batchItems: number;
  /** Batches posted and not yet taken by the main thread, at most. */
  maxInFlight: number;
}

/**
 * Messages from the reading thread: numbered batches of items, then `end` or
 * `error`, in order; and, when asked, the unmatched findings it holds for a
 * batch (by position in the batch, null for the other items).
 */
export type ToMain =
  | { type: 'items'; batch: number; items: PostedItem[] }
  | { type: 'held'; batch: number; items: (FindingItem | null)[] }
  | { type: 'end' }
  | { type: 'error'; name: string; message: string; stack?: string };

/**
 * Messages to the reading thread: a batch was taken (it may post another),
 * a batch was handled (it may drop what it holds for it), or the unmatched
 * findings of a batch are wanted.
 */
export type ToReader = { type: 'taken' } | { type: 'handled'; batch: number } | { type: 'fetch'; batch: number };

/** How an item is posted, and the finding the reading thread holds back for it (unmatched ones). */
export function toPosted(item: Extracted, policy: Policy): { posted: PostedItem; held: FindingItem | null } {
  if (item.kind !== 'finding') return { posted: item, held: null };
  // The item is this thread's own, fresh from the reader: its raw document is dropped in place rather than copied around.
  item.finding.raw = undefined;
  const found: FindingItem = item;
  return ignoredUnlessTracked(policy, found.finding)
    ? { posted: { kind: 'unmatched', key: found.finding.key }, held: found }
    : { posted: found, held: null };
}
