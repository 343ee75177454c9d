import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureColdStart } from './cold-start.js';
import { type CostReport, measureCost } from './cost-run.js';
import { type DigestDetail, measureDigest } from './digest.js';
import { writeDocs } from './docs.js';
import { log, type Spread } from './measure.js';
import { loadOptional } from './optional.js';
import { machineFacts, type SweepLine, summaryRows, textTable } from './report.js';
import { type Gap, type Results, roundResults } from './results.js';
import type { RoutingMeasurement } from './routing.js';
import { measureThroughput } from './throughput.js';
import { measureTick } from './tick.js';
import { createWorkspace, repoRoot } from './workspace.js';

/**
 * `npm run bench`: generates its own data, runs every measurement several
 * times (medians reported, with how the runs spread), writes
 * bench/results.json, prints the table and refreshes docs/benchmarks.md and
 * the README's "Performance and cost".
 *
 * BENCH_FINDINGS and BENCH_RUNS shrink a run while working on the benchmark
 * itself; the published numbers use the defaults.
 */

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 100_000);
const THROUGHPUT_RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TICK_RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COLD_START_RUNS = 20;
const SWEEP_SIZES = [1_000, 10_000, 100_000];
const DIGEST_RECIPIENTS = 1_000;

interface RenderMeasurement {
  microsPerEmail: number;
  microsPerEmailSpread?: Spread;
  templateBytes?: number;
}
type Render = () => Promise<RenderMeasurement> | RenderMeasurement;
type Sweep = (tracked: number) => Promise<SweepLine>;
type Routing = () => Promise<RoutingMeasurement>;

// The SDK clients of the cost run would warn about Node 20 on every start; the warning says nothing about the bench.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const started = performance.now();
const machine = machineFacts();
const now = new Date();
const workspace = createWorkspace();
const gaps: Gap[] = [];
const results: Results = {
  throughput: null,
  tick: null,
  render: { microsPerEmail: null, microsPerEmailSpread: null },
  lambda: null,
  cost: { perMillionFindingsUsd: null, seedDesignPerMillionUsd: null, ratio: null },
  digest: null,
  routing: null,
};
let digest: DigestDetail | undefined;

try {
  log(`machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, load ${machine.loadAtStart}`);
  const throughput = await measureThroughput(workspace, { findings: FINDINGS, runs: THROUGHPUT_RUNS, now });
  results.throughput = throughput.result;

  const tick = await measureTick(workspace, { tracked: FINDINGS, runs: TICK_RUNS, now });
  results.tick = tick.result;

  let templateBytes: number | undefined;
  const render = await loadOptional<Render>('render-email.ts', 'measureRender');
  if ('fn' in render) {
    const measured = await render.fn();
    results.render.microsPerEmail = measured.microsPerEmail;
    results.render.microsPerEmailSpread = measured.microsPerEmailSpread ?? null;
    templateBytes = measured.templateBytes;
    log(`render: ${measured.microsPerEmail.toFixed(0)} µs per email`);
  } else gaps.push({ what: 'render (µs per email)', reason: render.reason });

  const coldStart = await measureColdStart(workspace, { runs: COLD_START_RUNS });
  if (coldStart) results.lambda = coldStart.result;
  else gaps.push({ what: 'Lambda sizes and load times', reason: '`npm run build` wrote no zip to dist/lambda' });

  const cost: CostReport | { reason: string } = await measureCost(workspace, { now });
  if ('reason' in cost) gaps.push({ what: 'AWS cost per million findings', reason: cost.reason });
  else results.cost = cost.result;

  const sweep: SweepLine[] = [];
  const sweeper = await loadOptional<Sweep>('sweep.ts', 'measureSweep');
  if ('fn' in sweeper) {
    for (const tracked of SWEEP_SIZES) {
      const { calls, seconds, pacedSeconds, strategy } = await sweeper.fn(tracked);
      sweep.push({ tracked, calls, seconds, pacedSeconds, strategy });
      log(`sweep ${tracked}: ${calls} calls (${strategy}), ${seconds.toFixed(1)} s`);
    }
  } else gaps.push({ what: 'daily sweep (calls and seconds against tracked findings)', reason: sweeper.reason });

  try {
    const measured = await measureDigest(workspace, { tracked: FINDINGS, recipients: DIGEST_RECIPIENTS, now });
    results.digest = measured.result;
    digest = measured.detail;
  } catch (error) {
    gaps.push({ what: 'digests', reason: (error as Error).message.split('\n')[0]! });
  }
  let routing: RoutingMeasurement | undefined;
  const router = await loadOptional<Routing>('routing.ts', 'measureRouting');
  if ('fn' in router) {
    routing = await router.fn();
    const { accounts, coldCalls, coldSeconds, warmCalls } = routing;
    results.routing = { accounts, coldCalls, coldSeconds, warmCalls };
    log(`routing ${accounts} accounts: ${coldCalls} calls cold (${coldSeconds.toFixed(0)} s at the rate), ${warmCalls} warm`);
  } else gaps.push({ what: 'routing (Organizations calls to resolve an organization)', reason: router.reason });

  const rounded = roundResults(results);
  writeFileSync(join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(rounded, null, 2)}\n`);
  const rows = summaryRows(rounded, sweep);
  process.stdout.write(`\n${textTable(['Measurement', 'Result', 'Target', ''], rows)}\n`);
  writeDocs({
    results: rounded,
    rows,
    gaps,
    machine,
    throughput: throughput.detail,
    tick: tick.detail,
    coldStart: coldStart?.detail,
    cost: 'reason' in cost ? undefined : cost,
    sweep,
    digest,
    routing,
    templateBytes,
    minutes: (performance.now() - started) / 60_000,
    date: now,
  });
  log(`done in ${((performance.now() - started) / 60_000).toFixed(1)} min; wrote bench/results.json and docs/benchmarks.md`);
} finally {
  workspace.remove();
}
