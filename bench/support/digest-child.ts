// The measured side of the digest benchmark, in a child process of its own so that its peak memory is
// its own: node --max-old-space-size=512 --import tsx bench/support/digest-child.ts STATE NOW
// Sends every due digest of the benchmark's rules from STATE (a mailer that only counts), and prints
// the time sendDueDigests took, the peak resident set (the kernel's high-water mark) and the peak heap
// (sampled), as one JSON line.
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { sendDueDigests } from '../../src/app/digest.js';
import type { Email, Mailer } from '../../src/core/ports.js';
import { BENCH_DIGEST_RULES, benchRecipientsOf } from './digest-population.js';

const [statePath, now] = process.argv.slice(2);

let peakHeap = 0;
const sample = () => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
};
const sampler = setInterval(sample, 20);

let emails = 0;
let bytes = 0;
let largest = 0;
const mailer: Mailer = {
  async send(email: Email) {
    emails++;
    bytes += email.html.length + email.text.length;
    largest = Math.max(largest, email.html.length + email.text.length);
    return { messageId: `<${emails}@bench>` };
  },
  async close() {},
};

const store = new SqliteFindingStore(statePath!);
const started = performance.now();
const counts = await sendDueDigests(
  {
    store,
    mailer,
    runtime: systemRuntime,
    sender: 'alerts@example.com',
    rules: BENCH_DIGEST_RULES,
    recipientsOf: benchRecipientsOf,
    accountNameOf: (id) => `account-${id.slice(-3)}`,
  },
  new Date(now!),
);
const seconds = (performance.now() - started) / 1000;
sample();
clearInterval(sampler);
await store.close();
process.stdout.write(
  `${JSON.stringify({
    seconds,
    counts,
    emails,
    averageEmailBytes: emails ? bytes / emails : 0,
    largestEmailBytes: largest,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
  })}\n`,
);
