import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS, listFindingFiles, type ReadLimits } from './read-inputs.js';
import type { InputItem, ReaderSettings, ToMain } from './worker-protocol.js';

/** Inputs smaller than this are read on the main thread: starting a thread costs more than it saves. */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** The built reading thread, beside the built command line (scripts/build.mjs writes both). */
const WORKER_URL = new URL('./read-worker.js', import.meta.url);

export interface ParallelReadOptions {
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
    } catch {}
  }
  return false;
}

/**
 * Reads the inputs like `readInputs`, with the same items in the same order,
 * but on a second thread: reading, JSON parsing and normalising run there
 * while this thread handles the findings already read. At most
 * `maxInFlight` batches wait between the threads. A failure of the reading
 * thread surfaces here as an error, after every item it read before it.
 */
export async function* readInputsInParallel(inputs: string[], options: ParallelReadOptions = {}): AsyncGenerator<InputItem> {
  const settings: ReaderSettings = {
    inputs,
    limits: options.limits ?? DEFAULT_LIMITS,
    batchItems: options.batchItems ?? 256,
    maxInFlight: options.maxInFlight ?? 4,
  };
  const worker = new Worker(options.workerUrl ?? WORKER_URL, { workerData: settings });
  const queue: ToMain[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  worker.on('message', (message: ToMain) => {
    queue.push(message);
    signal();
  });
  worker.on('error', (error) => {
    failure ??= error;
    signal();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) failure ??= new Error(`the thread reading the inputs stopped with exit code ${code}`);
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
      // One credit back per batch taken, so that the reader may post another.
      worker.postMessage(null);
      yield* message.items;
    }
  } finally {
    await worker.terminate();
  }
}

function rebuilt(message: Extract<ToMain, { type: 'error' }>): Error {
  const error = new Error(message.message);
  error.name = message.name;
  if (message.stack) error.stack = message.stack;
  return error;
}
