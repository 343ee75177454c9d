import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Policy } from '../../core/policy.js';
import { DEFAULT_LIMITS, listFindingFiles, type ReadLimits } from './read-inputs.js';
import type { FindingItem, InputItem, ReaderSettings, ToMain, ToReader } from './worker-protocol.js';

/** Inputs smaller than this are read on the main thread: starting a thread costs more than it saves. */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** The built reading thread, beside the built command line (scripts/build.mjs writes both). */
const WORKER_URL = new URL('./read-worker.js', import.meta.url);

export interface ParallelReadOptions {
  /** Findings this policy ignores unless tracked come as UnmatchedItem. */
  policy: Policy;
  limits?: ReadLimits;
  batchItems?: number;
  maxInFlight?: number;
  /** The worker's script; the built one by default. */
  workerUrl?: URL;
}

/**
 * Whether the inputs are worth a reading thread: files and directories
 * (no standard input, which stays on the main thread) holding at least
 * `minBytes` of findings files. Inputs that cannot be read count as empty;
 * the reader reports them.
 */
export async function worthAReadingThread(inputs: string[], minBytes = WORKER_MIN_BYTES): Promise<boolean> {
  if (inputs.includes('-')) return false;
  let bytes = 0;
  for (const input of inputs) {
    try {
      const info = await stat(input);
      const files = info.isDirectory() ? await listFindingFiles(input) : [input];
      for (const file of files) {
        bytes += file === input ? info.size : (await stat(file)).size;
        if (bytes >= minBytes) return true;
      }
    } catch {
      // Counted as empty: the reader reports an input it cannot read, with where and why.
    }
  }
  return false;
}

/**
 * Reads the inputs like `readInputs`, with the same items in the same order,
 * but on a second thread: reading, JSON parsing and normalising run there
 * while this thread handles the findings already read. Findings the policy
 * ignores unless the store tracks them come as UnmatchedItem. At most
 * `maxInFlight` batches wait between the threads. A failure of the reading
 * thread surfaces here as an error, after every item it read before it.
 */
export async function* readInputsInParallel(inputs: string[], options: ParallelReadOptions): AsyncGenerator<InputItem> {
  const settings: ReaderSettings = {
    inputs,
    policy: options.policy,
    limits: options.limits ?? DEFAULT_LIMITS,
    batchItems: options.batchItems ?? 256,
    maxInFlight: options.maxInFlight ?? 4,
  };
  const worker = new Worker(options.workerUrl ?? WORKER_URL, { workerData: settings });
  const tell = (message: ToReader) => worker.postMessage(message);
  const queue: ToMain[] = [];
  const fetches = new Map<number, { resolve: (items: (FindingItem | null)[]) => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  worker.on('message', (message: ToMain) => {
    if (message.type === 'held') fetches.get(message.batch)?.resolve(message.items);
    else queue.push(message);
    signal();
  });
  worker.on('error', (error) => {
    failure ??= error;
    signal();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) failure ??= new Error(`the thread reading the inputs stopped with exit code ${code}`);
    for (const fetch of fetches.values()) fetch.reject(failure ?? new Error('the thread reading the inputs stopped'));
    signal();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (message === undefined) {
        // Only once the thread is gone: by then every message it posted has arrived, and is yielded before the error.
        if (exited) throw failure ?? new Error('the thread reading the inputs stopped before the end of the inputs');
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (message.type === 'end') return;
      if (message.type === 'error') throw rebuilt(message);
      if (message.type !== 'items') continue;
      // The credit goes back as soon as the batch is taken, so that the next one is read meanwhile.
      tell({ type: 'taken' });
      const { batch, items } = message;
      let held: Promise<(FindingItem | null)[]> | undefined;
      const fetchHeld = () =>
        (held ??= new Promise((resolve, reject) => {
          fetches.set(batch, { resolve, reject });
          tell({ type: 'fetch', batch });
        }));
      for (let at = 0; at < items.length; at++) {
        const item = items[at]!;
        if (item.kind !== 'unmatched') yield item;
        else yield { kind: 'unmatched', key: item.key, load: async () => (await fetchHeld())[at] ?? late(item.key) };
      }
      fetches.delete(batch);
      tell({ type: 'handled', batch });
    }
  } finally {
    await worker.terminate();
  }
}
function late(key: string): never {
  throw new Error(`the rest of finding ${key} was asked for after the next item was taken`);
}

function rebuilt(message: Extract<ToMain, { type: 'error' }>): Error {
  const error = new Error(message.message);
  error.name = message.name;
  if (message.stack) error.stack = message.stack;
  return error;
}
