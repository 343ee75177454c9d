// Preloaded with `node --import` into a child process under test. It samples
// heap use and, when the process exits, writes the peaks (resident set from
// the kernel's own high-water mark, heap from sampling) to PEAK_MEMORY_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.PEAK_MEMORY_FILE;
if (file) {
  let heapUsed = 0;
  const sample = () => {
    heapUsed = Math.max(heapUsed, process.memoryUsage().heapUsed);
  };
  setInterval(sample, 25).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(file, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, maxHeapUsedBytes: heapUsed }));
  });
}
