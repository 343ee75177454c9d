import type { Extracted } from '../../core/normalize/extract.js';
import type { FindingSnapshot } from '../../core/record.js';
import type { ReadLimits } from './read-inputs.js';

/**
 * An input item as the main thread receives it from the reading thread: a
 * finding comes without its raw document, which only the reader needs (to
 * reject garbled text) and which would cost more to copy between threads
 * than everything else together.
 */
export type InputItem =
  | Exclude<Extracted, { kind: 'finding' }>
  | { kind: 'finding'; where: string; finding: FindingSnapshot; eventTime?: string };

/** What the reading thread is started with. */
export interface ReaderSettings {
  inputs: string[];
  limits: ReadLimits;
  /** Items per message. */
  batchItems: number;
  /** Messages posted and not yet taken by the main thread, at most. */
  maxInFlight: number;
}

/** Messages from the reading thread, in order: batches of items, then `end` or `error`. */
export type ToMain =
  | { type: 'items'; items: InputItem[] }
  | { type: 'end' }
  | { type: 'error'; name: string; message: string; stack?: string };

/** The item without the finding's raw document. */
export function toTransfer(item: Extracted): InputItem {
  if (item.kind !== 'finding') return item;
  const { raw: _raw, ...finding } = item.finding;
  return { ...item, finding };
}
