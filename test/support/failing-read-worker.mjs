// Stands in for the reading thread in tests of how its failures surface: it
// posts two items, then fails the way its one input names ("report": the
// error a reader reports, "throw": an uncaught exception, "exit": the thread
// ends before the end of the inputs).
import { parentPort, workerData } from 'node:worker_threads';

const [mode] = workerData.inputs;
parentPort.postMessage({ type: 'items', items: [{ kind: 'skipped', where: 'first', reason: 'test' }] });
parentPort.postMessage({ type: 'items', items: [{ kind: 'skipped', where: 'second', reason: 'test' }] });
if (mode === 'report') {
  parentPort.postMessage({ type: 'error', name: 'Error', message: 'EACCES: permission denied, scandir findings/private' });
  parentPort.unref();
} else if (mode === 'throw') {
  throw new Error('a bug in the reader');
} else {
  process.exit(7);
}
