import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { ORGANIZATIONS_RATE } from '../src/adapters/organizations/organizations-client.js';
import { lambdaFunctions } from './cold-start.js';
import type { Spread } from './measure.js';
import { type Gap, type Results, TARGETS } from './results.js';

/**
 * Turns the results into the table printed on stdout and kept, with the
 * machine facts and the details, between markers in docs/benchmarks.md (and
 * a short version in the README's "Performance and cost" section).
 */

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  os: string;
  loadAtStart: string;
}

export function machineFacts(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAtStart: loadavg()
      .map((load) => load.toFixed(1))
      .join(' / '),
  };
}

export type Row = [measurement: string, result: string, target: string, verdict: string];

const MET = 'met';
const MISSED = '**missed**';

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? '' : ok ? MET : MISSED;
}

/** Said once above every table whose timings carry their spread. */
export const SPREAD_NOTE =
  'Timings are medians over repeated runs; in brackets, the middle half of the runs (first to third quartile) and how many runs there were.';

/** The main table: one row per measurement, with its target where the project set one. */
export function summaryRows(results: Results, sweep: SweepLine[]): Row[] {
  const rows: Row[] = [];
  const t = results.throughput;
  if (t) {
    rows.push([
      `\`process\`, ${int(t.findings)} findings`,
      `${int(t.findingsPerSec)} findings/s (${middleHalf(t.findingsPerSecSpread, int)})`,
      '',
      '',
    ]);
    rows.push([
      '`JSON.parse` alone, same bytes',
      `${int(t.parseOnlyPerSec)} findings/s (${middleHalf(t.parseOnlyPerSecSpread, int)})`,
      '',
      '',
    ]);
    rows.push([
      'throughput ratio (process / parse)',
      `${fixed(t.ratio, 2)} (${middleHalf(t.ratioSpread, (value) => fixed(value, 2))})`,
      `≥ ${TARGETS.throughputRatio}`,
      verdict(t.ratio >= TARGETS.throughputRatio),
    ]);
  } else rows.push(['throughput', 'not measured', `ratio ≥ ${TARGETS.throughputRatio}`, '']);
  const tick = results.tick;
  rows.push(
    tick
      ? [
          `\`tick\`, ${int(tick.tracked)} tracked (10% due)`,
          `${fixed(tick.seconds, 1)} s (${middleHalf(tick.secondsSpread, (value) => fixed(value, 1), ' s')})`,
          '',
          '',
        ]
      : ['`tick`', 'not measured', '', ''],
  );
  const r = results.render;
  rows.push([
    'render one email',
    r.microsPerEmail === null
      ? 'not measured'
      : `${int(r.microsPerEmail)} µs${r.microsPerEmailSpread ? ` (${middleHalf(r.microsPerEmailSpread, int, ' µs')})` : ''}`,
    `< ${int(TARGETS.renderMicros)} µs`,
    r.microsPerEmail === null ? '' : verdict(r.microsPerEmail < TARGETS.renderMicros),
  ]);
  const lambda = results.lambda;
  if (lambda) {
    rows.push([
      "bare `node -e ''`, start to exit",
      `${fixed(lambda.bareNodeMs, 0)} ms (${middleHalf(lambda.bareNodeMsSpread, (value) => fixed(value, 0), ' ms')})`,
      '',
      '',
    ]);
    for (const [name, size] of lambdaFunctions(lambda)) {
      rows.push([
        `Lambda \`${name}\`: zip, gzip of its code, load over bare node`,
        `${kb(size.bytes)}, ${kb(size.gzipBytes)}; ${fixed(size.initMs, 0)} ms, ${times(size.initRatio)} (${middleHalf(size.initRatioSpread, (value) => fixed(value, 2), ' ×')})`,
        `≤ ${TARGETS.initRatio} × bare node`,
        verdict(size.initRatio <= TARGETS.initRatio),
      ]);
    }
  } else rows.push(['Lambda bundles', 'not measured', `≤ ${TARGETS.initRatio} × bare node each`, '']);
  const c = results.cost;
  rows.push(['AWS cost per million findings', usd(c.perMillionFindingsUsd), '', '']);
  rows.push(['original design, same stream', usd(c.seedDesignPerMillionUsd), '', '']);
  rows.push([
    'cost ratio',
    c.ratio === null ? 'not measured' : fixed(c.ratio, 4),
    `≤ ${TARGETS.costRatio}`,
    c.ratio === null ? '' : verdict(c.ratio <= TARGETS.costRatio),
  ]);
  for (const line of sweep) rows.push([`daily sweep, ${int(line.tracked)} tracked`, sweepResult(line), '', '']);
  const d = results.digest;
  rows.push(
    d
      ? [
          `digests, ${int(d.tracked)} tracked for ${int(d.recipients)} recipients`,
          `${fixed(d.seconds, 1)} s, peak ${int(d.peakMb)} MiB`,
          `≤ ${TARGETS.digestSeconds} s, ≤ ${TARGETS.digestPeakMb} MiB`,
          verdict(d.seconds <= TARGETS.digestSeconds && d.peakMb <= TARGETS.digestPeakMb),
        ]
      : ['digests', 'not measured', `≤ ${TARGETS.digestSeconds} s, ≤ ${TARGETS.digestPeakMb} MiB`, ''],
  );
  const routing = results.routing;
  if (routing) {
    rows.push([
      `routing, ${int(routing.accounts)} accounts, cold cache`,
      `${int(routing.coldCalls)} Organizations calls, ${fixed(routing.coldSeconds / 60, 1)} min at ${ORGANIZATIONS_RATE.perSecond} calls/s`,
      'within the rate (paced)',
      '',
    ]);
    rows.push([
      `routing, ${int(routing.accounts)} accounts, warm cache`,
      `${int(routing.warmCalls)} Organizations calls`,
      `${TARGETS.routingWarmCalls} calls`,
      verdict(routing.warmCalls <= TARGETS.routingWarmCalls),
    ]);
  }
  return rows;
}

export interface SweepLine {
  tracked: number;
  calls: number;
  /** The sweep's own work against a fake that answers at once. */
  seconds: number;
  /** The least time the calls take at Security Hub's documented GetFindings rate. */
  pacedSeconds?: number;
  strategy?: string;
}

/** Calls, local time, and the time the calls need at the documented rate. */
export function sweepResult(line: SweepLine): string {
  const paced = line.pacedSeconds === undefined ? '' : `, ${fixed(line.pacedSeconds / 60, 1)} min at 3 calls/s`;
  return `${int(line.calls)} GetFindings calls, ${fixed(line.seconds, 1)} s of work${paced}`;
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A plain-text rendering of the same table for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((row) => row.map((cell) => cell.replaceAll('`', '').replaceAll('**', '')));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export function gapsMarkdown(gaps: Gap[]): string {
  if (gaps.length === 0) return '';
  return `\n**Not measured in this run:**\n\n${gaps.map((gap) => `- ${gap.what}: ${gap.reason}`).join('\n')}\n`;
}

/** Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`, or appends the block when the markers are missing. */
export function replaceBetweenMarkers(path: string, name: string, body: string, fallback: string): void {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : fallback;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next =
    from !== -1 && to > from ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}` : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next.endsWith('\n') ? next : `${next}\n`);
}

/** The middle half of a spread and its runs, for brackets: "57–62 ms, 20 runs". */
export function middleHalf(s: Spread, format: (value: number) => string, unit = ''): string {
  return `${format(s.q1)}–${format(s.q3)}${unit}, ${runs(s.runs)}`;
}

/** All of a spread, for the details: "59 ms (52–71 ms over 20 runs, middle half 57–62 ms)". */
export function fullSpread(s: Spread, format: (value: number) => string, unit = ''): string {
  return `${format(s.median)}${unit} (${format(s.min)}–${format(s.max)}${unit} over ${runs(s.runs)}, middle half ${format(s.q1)}–${format(s.q3)}${unit})`;
}

export function runs(count: number): string {
  return count === 1 ? '1 run' : `${count} runs`;
}

/** A share of bare node's start: "1.62 × bare node". */
function times(ratio: number): string {
  return `${fixed(ratio, 2)} × bare node`;
}

export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

export function usd(value: number | null): string {
  if (value === null) return 'not measured';
  return value >= 100 ? `$${value.toFixed(0)}` : value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KB`;
}
