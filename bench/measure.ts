import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Helpers to run a measured child process and to summarise repeated runs. */

const REPORT_USAGE = fileURLToPath(new URL('./support/report-usage.mjs', import.meta.url));

export interface ChildRun {
  /** Wall time from spawn to exit, process start-up included. */
  wallMs: number;
  /** CPU time (user + system) the child reported, when it could. */
  cpuMs: number | undefined;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Preload the CPU-usage reporter (adds one tiny module to start-up). */
  cpu?: boolean;
}

/** Runs `node ...args` and times it; rejects when it exits non-zero. */
export async function timeNode(args: string[], options: ChildOptions = {}): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  const nodeArgs = options.cpu ? ['--import', REPORT_USAGE, ...args] : args;
  const env = { ...(options.env ?? process.env), BENCH_USAGE_FILE: usageFile };
  try {
    const started = performance.now();
    const { code, stdout, stderr } = await run(process.execPath, nodeArgs, { cwd: options.cwd, env });
    const wallMs = performance.now() - started;
    if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`);
    let cpuMs: number | undefined;
    if (options.cpu) cpuMs = (JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number }).cpuMs;
    return { wallMs, cpuMs, stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * How a figure measured over repeated runs spread: the five numbers of a box
 * plot and how many runs there were. Quartiles are interpolated between the
 * sorted runs (as spreadsheets and numpy do), so that a handful of runs still
 * has them; `q1`–`q3` holds the middle half of the runs, unmoved by one
 * outlier on a busy machine.
 */
export interface Spread {
  runs: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export function spread(values: number[]): Spread {
  if (values.length === 0) throw new Error('no runs to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) => {
    const position = share * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
  };
  return { runs: sorted.length, min: sorted[0]!, q1: at(0.25), median: median(sorted), q3: at(0.75), max: sorted[sorted.length - 1]! };
}

/** The spread of a field over runs, skipping runs that lack it; undefined when none has it. */
export function spreadOf<T>(runs: T[], field: (run: T) => number | undefined): Spread | undefined {
  const values = runs.map(field).filter((value): value is number => value !== undefined);
  return values.length > 0 ? spread(values) : undefined;
}

/** Applies an increasing `f` to each number of a spread (a change of unit, rounding); the count of runs is kept. */
export function mapSpread(s: Spread, f: (value: number) => number): Spread {
  return { runs: s.runs, min: f(s.min), q1: f(s.q1), median: f(s.median), q3: f(s.q3), max: f(s.max) };
}

/** Rounds to a few significant digits, for results people read. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/** Logs progress of the benchmark on stderr, so stdout keeps only the table. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
