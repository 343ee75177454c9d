import { join } from 'node:path';
import { ORGANIZATIONS_RATE } from '../src/adapters/organizations/organizations-client.js';
import { type ColdStartDetail, lambdaFunctions } from './cold-start.js';
import type { CostReport } from './cost-run.js';
import type { DigestDetail } from './digest.js';
import type { Spread } from './measure.js';
import { PRICES, PRICES_CHECKED } from './prices.js';
import {
  fixed,
  fullSpread,
  gapsMarkdown,
  int,
  type Machine,
  markdownTable,
  middleHalf,
  type Row,
  replaceBetweenMarkers,
  runs,
  SPREAD_NOTE,
  type SweepLine,
  sweepResult,
  usd,
} from './report.js';
import { type Gap, type Results, TARGETS } from './results.js';
import type { RoutingMeasurement } from './routing.js';
import type { ThroughputDetail } from './throughput.js';
import type { TickDetail } from './tick.js';
import { repoRoot } from './workspace.js';

/** Writes the generated parts of docs/benchmarks.md and of the README's "Performance and cost" section. */

export interface DocInput {
  results: Results;
  rows: Row[];
  gaps: Gap[];
  machine: Machine;
  throughput: ThroughputDetail;
  tick: TickDetail;
  coldStart: ColdStartDetail | undefined;
  cost: CostReport | undefined;
  sweep: SweepLine[];
  digest: DigestDetail | undefined;
  routing: RoutingMeasurement | undefined;
  templateBytes: number | undefined;
  minutes: number;
  date: Date;
}

const DOC_FALLBACK = '# Benchmarks\n\nRun `npm run bench` to measure.\n';
const README_FALLBACK = '# sechub-alerts\n';

export function writeDocs(input: DocInput): void {
  replaceBetweenMarkers(join(repoRoot, 'docs', 'benchmarks.md'), 'bench', benchmarksBlock(input), DOC_FALLBACK);
  replaceBetweenMarkers(join(repoRoot, 'README.md'), 'bench-summary', readmeBlock(input), README_FALLBACK);
}

function benchmarksBlock(input: DocInput): string {
  const { machine } = input;
  const parts = [
    `_Last run: ${input.date.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fixed(input.minutes, 1)} minutes on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.os}; load average at the start ${machine.loadAtStart}._`,
    SPREAD_NOTE,
    markdownTable(['Measurement', 'Result', 'Target', ''], input.rows),
    gapsMarkdown(input.gaps),
    '### Details of this run',
    throughputDetail(input),
    tickDetail(input),
    input.templateBytes === undefined ? '' : `**Rendering.** The compiled email template is ${int(input.templateBytes)} bytes.`,
    coldStartDetail(input),
    ...costDetail(input.cost),
    sweepDetail(input.sweep),
    digestDetail(input),
    routingDetail(input.routing),
  ];
  return parts.filter((part) => part !== '').join('\n\n');
}

const seconds = (ms: number) => fixed(ms / 1000, 1);

function throughputDetail({ throughput: d }: DocInput): string {
  const s = d.stream;
  const share = (n: number) => `${((100 * n) / s.events).toFixed(0)}%`;
  const cpuRatio = d.pipelineCpuMs && d.parseCpuMs ? d.parseCpuMs.median / d.pipelineCpuMs.median : undefined;
  const cpu = (spread: typeof d.parseCpuMs) => (spread ? `, CPU ${fullSpread(spread, seconds, ' s')}` : '');
  return [
    `**Throughput.** ${int(s.events)} events of one finding each, ${(s.bytes / 1e6).toFixed(0)} MB (${(s.bytes / s.events / 1024).toFixed(1)} KB on average):`,
    `${share(s.byKind.new)} new findings, ${share(s.byKind.repeat)} repeats of open ones, ${share(s.byKind.close)} closing;`,
    `Security Hub controls ${share(s.byCategory.control)}, Inspector ${share(s.byCategory.inspector)}, GuardDuty ${share(s.byCategory.guardduty)}, other products ${share(s.byCategory.other)};`,
    `ASFF ${share(s.byFormat.asff)}, OCSF ${share(s.byFormat.ocsf)}.`,
    `\`process\` reported ${int(d.summary.notified)} new-finding emails, ${int(d.summary.suppressed)} suppressed, ${int(d.summary.ignored)} ignored and ${int(d.summary.resolved)} resolved.`,
    `\`process\`: wall ${fullSpread(d.pipelineWallMs, seconds, ' s')}${cpu(d.pipelineCpuMs)}.`,
    `\`JSON.parse\` alone: wall ${fullSpread(d.parseWallMs, seconds, ' s')}${cpu(d.parseCpuMs)}.`,
    "Both times include starting `node`; each parse ran just before a `process` run, and the ratio's spread is over these pairs.",
    cpuRatio
      ? `Measured in CPU time instead of wall time, the ratio is ${fixed(cpuRatio, 2)}${d.cpuRatio ? ` (${middleHalf(d.cpuRatio, (value) => fixed(value, 2))})` : ''}.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function tickDetail({ tick: d, results }: DocInput): string {
  if (!results.tick) return '';
  const inSeconds = (value: number) => fixed(value, 1);
  return `**tick.** ${int(results.tick.tracked)} open findings tracked, each last emailed 1.5 to 16.5 days before the tick, so ${int(d.summary.reminded)} reminders are due (every 15 days); seeding the store took ${fixed(d.seedSeconds, 1)} s. On fresh copies of the store: wall ${fullSpread(results.tick.secondsSpread, inSeconds, ' s')}${d.cpuSeconds ? `, CPU ${fullSpread(d.cpuSeconds, inSeconds, ' s')}` : ''}.`;
}

function coldStartDetail({ coldStart: d, results }: DocInput): string {
  const lambda = results.lambda;
  if (!d || !lambda) return '';
  const row = (what: string, s: Spread, format: (value: number) => string, unit: string, median = s.median) => [
    what,
    `${format(median)}${unit}`,
    `${format(s.q1)}–${format(s.q3)}${unit}`,
    `${format(s.min)}–${format(s.max)}${unit}`,
  ];
  const ms = (value: number) => fixed(value, 0);
  const ratio = (value: number) => fixed(value, 2);
  const rows = [row("bare `node -e ''`, start to exit", lambda.bareNodeMsSpread, ms, ' ms')];
  for (const [name, size] of lambdaFunctions(lambda)) {
    const imported = d.importMs[name];
    if (imported) rows.push(row(`\`${name}\`: import, start to exit`, imported, ms, ' ms'));
    rows.push(row(`\`${name}\`: load over bare node`, size.initMsSpread, ms, ' ms', size.initMs));
    rows.push(row(`\`${name}\`: load ÷ bare node`, size.initRatioSpread, ratio, ' ×', size.initRatio));
  }
  const text = [
    `**Cold start.** ${lambda.bareNodeMsSpread.runs} rounds: in each, a bare \`node -e ''\` and a fresh \`node\` importing each bundle start one after the other, and each round begins one further along than the one before, so that none always goes first.`,
    "A bundle's load in the table above is its median import minus bare node's median, and its share of bare node's start (which the target applies to) is that load over bare node's median.",
    'The middle half and range of a load are per round: each import against the bare node of the same round.',
    "Lambda's own start-up (runtime, network, the zip download) comes on top and is the same for any function.",
  ].join(' ');
  return `${text}\n\n${markdownTable(['', 'Median', 'Middle half', 'Range'], rows)}`;
}

function costDetail(cost: CostReport | undefined): string[] {
  if (!cost) return [];
  const { counts: c, stream: s } = cost;
  const invocations = Object.entries(c.invocations)
    .map(([name, n]) => `${name} ${int(n)}`)
    .join(', ');
  const text = [
    `**Cost.** A stream in steady state: ${int(s.backlog)} findings already open (first observed up to 180 days earlier; those the policy selects already tracked and last emailed within 15 days), then ${int(s.events)} events over ${s.spanDays} days — ${int(s.byKind.new)} new, ${int(s.byKind.repeat)} repeats, ${int(s.byKind.close)} closing.`,
    `${int(s.passed)} events matched the findings rule's pattern and started an execution; EventBridge dropped the other ${int(s.dropped)} at no charge.`,
    `Counted in the local run: ${int(c.executions)} executions with ${int(c.transitions)} state transitions (${fixed(c.executionMs / Math.max(c.executions, 1), 0)} ms each on average here);`,
    `${int(c.lambdaRequests)} Lambda invocations (${invocations}; ${fixed(c.lambdaMs / Math.max(c.lambdaRequests, 1), 1)} ms each on average here, billed at ${cost.memoryMb} MB);`,
    `DynamoDB ${int(c.getItems)} reads for ${fixed(c.readUnits, 0)} read units and ${int(c.putItems)} writes for ${fixed(c.writeUnits, 0)} write units;`,
    `${int(c.messages)} emails to ${int(c.sesEmails)} recipients.`,
    `Durations measured on this machine against local emulators stand in for those in AWS; at these sizes they change the total little, since requests dominate.`,
    `As a STANDARD workflow (the \`state_machine_type\` variable), the same executions would cost ${usd(cost.standardVariantUsd)} per million findings.`,
  ].join(' ');
  const rows = cost.ours.lines.map((line, i) => {
    const seed = cost.seed.lines[i]!;
    return [line.item, quantity(line.quantity), usd(line.usd), quantity(seed.quantity), usd(seed.usd)];
  });
  rows.push(['**total**', '', `**${usd(cost.ours.totalUsd)}**`, '', `**${usd(cost.seed.totalUsd)}**`]);
  const table = markdownTable(['Per million findings', 'this design', 'USD', 'original design', 'USD'], rows);
  const prices = markdownTable(
    ['What', 'Price (us-east-1)', 'Source'],
    Object.values(PRICES).map((price) => [price.what, priceText(price.usd, price.unit), price.source]),
  );
  return [
    text,
    table,
    `Prices: AWS list prices for us-east-1, checked against the pages below on ${PRICES_CHECKED}; free tiers left out.`,
    prices,
  ];
}

function sweepDetail(sweep: SweepLine[]): string {
  if (sweep.length === 0) return '';
  const rows = sweep.map((line) => [
    int(line.tracked),
    line.strategy ?? '',
    int(line.calls),
    fixed(line.seconds, 1),
    line.pacedSeconds === undefined ? '' : fixed(line.pacedSeconds / 60, 1),
  ]);
  return `**Daily sweep.** 65% of the tracked findings still active in Security Hub, 30% closed there and 5% deleted; the sweep chooses per run between looking findings up by id and paging through the active findings in scope. "Work" is the sweep's own time against the fake Security Hub answering at once; the calls themselves need at least the time in the last column at the documented rate of 3 GetFindings calls per second (bursts of 6).\n\n${markdownTable(['Tracked findings', 'Strategy', 'GetFindings calls', 'Work (s)', 'At 3 calls/s (min)'], rows)}`;
}

function digestDetail({ digest: d, results }: DocInput): string {
  const r = results.digest;
  if (!d || !r) return '';
  return [
    `**Digests.** ${int(r.tracked)} open findings over ${int(r.recipients - 1)} accounts and ${int(d.tombstones)} tombstones of findings fixed in the period (seeded in ${fixed(d.seedSeconds, 1)} s); ${Math.round(d.newShare * 100)}% of the open ones new in the period.`,
    `Each account's findings go to its owner and all of them to one security team, daily at 08:00 Madrid: ${int(r.recipients)} recipients, one pass over the records.`,
    `In a child process whose heap is capped at ${int(d.heapLimitMb)} MiB: ${int(d.counts.sent)} digests read, built, rendered (${int(d.averageEmailBytes / 1024)} KiB on average, the largest ${int(d.largestEmailBytes / 1024)} KiB) and handed to a mailer that only counts, with their claim and confirmation writes, in ${fixed(r.seconds, 1)} s;`,
    `peak resident set ${int(r.peakMb)} MiB (the kernel's high-water mark, SQLite's memory map of the state file included), peak heap ${int(d.peakHeapMb)} MiB. One run.`,
  ].join(' ');
}

function routingDetail(m: RoutingMeasurement | undefined): string {
  if (!m) return '';
  const { perSecond, burst } = ORGANIZATIONS_RATE;
  const minutes = (value: number) => fixed(value / 60, 1);
  const rows = [
    ['cold: one refresh of the whole organization', int(m.coldCalls), fixed(m.coldCalls / m.accounts, 2), minutes(m.coldSeconds)],
    ['cold: every account looked up one by one', int(m.lazyColdCalls), fixed(m.lazyColdCalls / m.accounts, 2), minutes(m.lazyColdSeconds)],
    ['warm: every account looked up', int(m.warmCalls), fixed(m.warmCalls / m.accounts, 2), minutes(0)],
  ];
  const text = [
    `**Routing.** An organization of ${int(m.accounts)} accounts in ${m.units} OUs (5 under the root, 9 under each; owners tagged on the top-level OUs and on one account in four) in the fake Organizations, resolved through the cached account directory into an empty SQLite store, then again with the cache warm.`,
    `The client is paced at ${perSecond} calls per second with bursts of ${burst} on a clock that moves only when the pacing waits, so the last column is the least time the calls take at that rate; against the fake, which answers at once, the cold refresh took ${fixed(m.coldWorkSeconds, 1)} s of work and the warm pass ${fixed(m.warmWorkSeconds, 2)} s.`,
    `${int(m.routed)} of the ${int(m.accounts)} accounts got owners.`,
  ].join(' ');
  return `${text}\n\n${markdownTable(['Resolution', 'Organizations calls', 'Per account', `At ${perSecond} calls/s (min)`], rows)}`;
}

function readmeBlock({ results, sweep }: DocInput): string {
  const rows: string[][] = [];
  const t = results.throughput;
  if (t)
    rows.push([
      '`process` throughput',
      `${fixed(t.ratio, 2)} × \`JSON.parse\` alone, ${int(t.findingsPerSec)} findings/s`,
      `${middleHalf(t.ratioSpread, (value) => fixed(value, 2), ' ×')}`,
    ]);
  if (results.tick)
    rows.push([
      `\`tick\` over ${int(results.tick.tracked)} tracked findings`,
      `${fixed(results.tick.seconds, 1)} s`,
      middleHalf(results.tick.secondsSpread, (value) => fixed(value, 1), ' s'),
    ]);
  const r = results.render;
  if (r.microsPerEmail !== null)
    rows.push([
      'rendering one email',
      `${int(r.microsPerEmail)} µs`,
      r.microsPerEmailSpread ? middleHalf(r.microsPerEmailSpread, int, ' µs') : '',
    ]);
  if (results.lambda) {
    const lambda = results.lambda;
    const sizes = lambdaFunctions(lambda).map(([, size]) => size);
    const ratio = (value: number) => fixed(value, 2);
    rows.push([
      "bare Node.js start (`node -e ''`)",
      `${fixed(lambda.bareNodeMs, 0)} ms`,
      middleHalf(lambda.bareNodeMsSpread, (value) => fixed(value, 0), ' ms'),
    ]);
    rows.push([
      'Lambda load over bare Node.js',
      `${ratio(Math.min(...sizes.map((s) => s.initRatio)))}–${ratio(Math.max(...sizes.map((s) => s.initRatio)))} × bare Node.js start (target ≤ ${TARGETS.initRatio} ×)`,
      `${ratio(Math.min(...sizes.map((s) => s.initRatioSpread.q1)))}–${ratio(Math.max(...sizes.map((s) => s.initRatioSpread.q3)))} ×, ${runs(lambda.bareNodeMsSpread.runs)} each`,
    ]);
  }
  const c = results.cost;
  if (c.perMillionFindingsUsd !== null && c.seedDesignPerMillionUsd !== null)
    rows.push([
      'AWS cost per million findings',
      `${usd(c.perMillionFindingsUsd)} (original design: ${usd(c.seedDesignPerMillionUsd)})`,
      'counted, not timed',
    ]);
  const largest = sweep[sweep.length - 1];
  if (largest) rows.push([`daily sweep, ${int(largest.tracked)} tracked`, sweepResult(largest), 'one run']);
  const d = results.digest;
  if (d)
    rows.push([
      `digests, ${int(d.tracked)} tracked for ${int(d.recipients)} recipients`,
      `${fixed(d.seconds, 1)} s, peak ${int(d.peakMb)} MiB`,
      'one run',
    ]);
  const routing = results.routing;
  if (routing)
    rows.push([
      `routing, ${int(routing.accounts)} accounts`,
      `${int(routing.coldCalls)} Organizations calls cold, ${int(routing.warmCalls)} warm`,
      'counted, not timed',
    ]);
  return `${markdownTable(['', 'Latest run (median)', 'Middle half of the runs'], rows)}\n\nHow these are measured, the targets, and the full results: [docs/benchmarks.md](docs/benchmarks.md).`;
}

function priceText(value: number, unit: string): string {
  if (value === 0) return 'free';
  if (value < 1e-4) return `$${Number((value * 1e6).toPrecision(6))} per million ${unit}s`;
  if (value < 1e-2) return `$${Number((value * 1e3).toPrecision(6))} per 1,000 ${unit}s`;
  return `$${value} per ${unit}`;
}

function quantity(value: number): string {
  if (value === 0) return '0';
  return value >= 100 ? int(value) : value.toFixed(value >= 1 ? 1 : 3);
}
