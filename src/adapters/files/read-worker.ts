/**
 * Worker thread entry (built to dist/cli/read-worker.js): reads, parses and
 * normalises the inputs named in `workerData` with `readInputs`, and posts
 * the items to the main thread in batches, in order. The main thread
 * returns one credit per batch it has taken, and at most `maxInFlight`
 * batches are ever waiting, so memory stays bounded when the main thread
 * (store and mail) is the slower side.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { readInputs } from './read-inputs.js';
import { type ReaderSettings, type ToMain, toTransfer } from './worker-protocol.js';

const port = parentPort!;
const settings = workerData as ReaderSettings;
let inFlight = 0;
let wake: (() => void) | undefined;

port.on('message', () => {
  inFlight--;
  const resolve = wake;
  wake = undefined;
  resolve?.();
});

function post(message: ToMain): void {
  port.postMessage(message);
}

async function send(batch: ToMain & { type: 'items' }): Promise<void> {
  while (inFlight >= settings.maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
  inFlight++;
  post(batch);
}

try {
  let items: ReturnType<typeof toTransfer>[] = [];
  // Standard input is read on the main thread; an empty stream stands in for it here.
  for await (const item of readInputs(settings.inputs, Readable.from([]), settings.limits)) {
    items.push(toTransfer(item));
    if (items.length >= settings.batchItems) {
      await send({ type: 'items', items });
      items = [];
    }
  }
  if (items.length > 0) await send({ type: 'items', items });
  post({ type: 'end' });
} catch (error) {
  const failure = error as Error;
  post({ type: 'error', name: failure?.name ?? 'Error', message: failure?.message ?? String(error), stack: failure?.stack });
}
// Let the thread end once everything posted is on its way; the main thread also ends it after the last message.
port.unref();
