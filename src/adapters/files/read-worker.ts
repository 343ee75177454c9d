/**
 * Worker thread entry (built to dist/cli/read-worker.js): reads, parses and
 * normalises the inputs named in `workerData` with `readInputs`, and posts
 * the items to the main thread in numbered batches, in order. The main
 * thread returns a credit for each batch it takes, and at most
 * `maxInFlight` batches are ever waiting, so memory stays bounded when the
 * main thread (store and mail) is the slower side. The rest of each
 * unmatched finding is held here until its batch is handled, and posted
 * when asked for. The main thread ends this thread when it is done.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { readInputs } from './read-inputs.js';
import { type FindingItem, type PostedItem, type ReaderSettings, type ToMain, type ToReader, toPosted } from './worker-protocol.js';

const port = parentPort!;
const settings = workerData as ReaderSettings;
const held = new Map<number, (FindingItem | null)[]>();
let inFlight = 0;
let wake: (() => void) | undefined;

port.on('message', (message: ToReader) => {
  if (message.type === 'fetch') {
    post({ type: 'held', batch: message.batch, items: held.get(message.batch) ?? [] });
  } else if (message.type === 'handled') {
    held.delete(message.batch);
  } else {
    inFlight--;
    const resolve = wake;
    wake = undefined;
    resolve?.();
  }
});

function post(message: ToMain): void {
  port.postMessage(message);
}

let batch = 0;
let items: PostedItem[] = [];
let kept: (FindingItem | null)[] = [];

async function flush(): Promise<void> {
  while (inFlight >= settings.maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
  inFlight++;
  held.set(batch, kept);
  post({ type: 'items', batch, items });
  batch++;
  items = [];
  kept = [];
}

try {
  // Standard input is read on the main thread; an empty stream stands in for it here.
  for await (const item of readInputs(settings.inputs, Readable.from([]), settings.limits)) {
    const { posted, held: finding } = toPosted(item, settings.policy);
    items.push(posted);
    kept.push(finding);
    if (items.length >= settings.batchItems) await flush();
  }
  if (items.length > 0) await flush();
  post({ type: 'end' });
} catch (error) {
  const failure = error as Error;
  post({ type: 'error', name: failure?.name ?? 'Error', message: failure?.message ?? String(error), stack: failure?.stack });
}
