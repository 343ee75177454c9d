// Digests at scale: every recipient's digest built, rendered and sent (to a mailer that only counts)
// from a store of tracked findings, in a child process whose heap is capped at the target.
//   npx tsx bench/digest.ts     measures and writes the `digest` field of bench/results.json
// `npm run bench` runs it with the rest.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteFindingStore } from '../src/adapters/sqlite/sqlite-finding-store.js';
import type { DigestCounts } from '../src/app/digest.js';
import { latestMoment } from '../src/core/digest/schedule.js';
import { seedRecords } from '../test/builders/records.js';
import { log, timeNode } from './measure.js';
import { writeResultField } from './results.js';
import { BENCH_DIGEST_RULES, benchRecords, FIXED_SHARE, NEW_SHARE } from './support/digest-population.js';
import { createWorkspace, repoRoot, type Workspace } from './workspace.js';

export interface DigestResult {
  /** Tracked open findings (tombstones of fixed ones come on top). */
  tracked: number;
  recipients: number;
  /** Time sendDueDigests took: read, build, render and send every digest. */
  seconds: number;
  /** Peak resident set of the process, in MiB. */
  peakMb: number;
}

export interface DigestDetail {
  tombstones: number;
  newShare: number;
  counts: DigestCounts;
  heapLimitMb: number;
  peakHeapMb: number;
  averageEmailBytes: number;
  largestEmailBytes: number;
  seedSeconds: number;
}

/** The heap the child may use: the memory target itself, so a build that needs more fails the run. */
const HEAP_LIMIT_MB = 512;
const CHILD = fileURLToPath(new URL('./support/digest-child.ts', import.meta.url));

export async function measureDigest(
  workspace: Workspace,
  options: { tracked: number; recipients: number; now: Date },
): Promise<{ result: DigestResult; detail: DigestDetail }> {
  const moment = latestMoment(BENCH_DIGEST_RULES[0]!.schedule, options.now);
  const dir = workspace.fresh('digest');
  const statePath = join(dir, 'state.db');
  const started = performance.now();
  const tombstones = await seed(statePath, options.tracked, options.recipients - 1, moment);
  const seedSeconds = (performance.now() - started) / 1000;
  log(`digest: seeded ${options.tracked} open findings and ${tombstones} tombstones in ${seedSeconds.toFixed(1)} s`);
  const run = await timeNode([`--max-old-space-size=${HEAP_LIMIT_MB}`, '--import', 'tsx', CHILD, statePath, options.now.toISOString()], {
    cwd: repoRoot,
  });
  const measured = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    seconds: number;
    counts: DigestCounts;
    averageEmailBytes: number;
    largestEmailBytes: number;
    peakRssMb: number;
    peakHeapMb: number;
  };
  if (measured.counts.sent !== options.recipients)
    throw new Error(`expected ${options.recipients} digests: ${JSON.stringify(measured.counts)}`);
  log(`digest: ${measured.counts.sent} digests in ${measured.seconds.toFixed(1)} s, peak RSS ${measured.peakRssMb.toFixed(0)} MiB`);
  return {
    result: { tracked: options.tracked, recipients: options.recipients, seconds: measured.seconds, peakMb: measured.peakRssMb },
    detail: {
      tombstones,
      newShare: NEW_SHARE,
      counts: measured.counts,
      heapLimitMb: HEAP_LIMIT_MB,
      peakHeapMb: measured.peakHeapMb,
      averageEmailBytes: measured.averageEmailBytes,
      largestEmailBytes: measured.largestEmailBytes,
      seedSeconds,
    },
  };
}

/** Writes the population straight into a state file the store created, in one transaction; returns the tombstones written. */
async function seed(statePath: string, tracked: number, accounts: number, moment: Date): Promise<number> {
  await new SqliteFindingStore(statePath).close();
  seedRecords(statePath, benchRecords(tracked, accounts, moment));
  // benchRecords writes a tombstone for this share of the open findings.
  return Math.round(tracked * FIXED_SHARE);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const workspace = createWorkspace();
  try {
    const tracked = Number(process.env.BENCH_FINDINGS ?? 100_000);
    const { result, detail } = await measureDigest(workspace, { tracked, recipients: 1_000, now: new Date() });
    const written = writeResultField('digest', result);
    process.stdout.write(`${JSON.stringify({ ...written, detail, fixedShare: FIXED_SHARE })}\n`);
  } finally {
    workspace.remove();
  }
}
