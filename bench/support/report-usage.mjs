// Preloaded into a measured child process: on exit it writes the CPU time the
// process used to the file named by BENCH_USAGE_FILE, so the benchmark can set
// CPU time beside wall time without touching the program it measures.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (user + system) / 1000, maxRssKb: process.resourceUsage().maxRSS }));
  });
}
