import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Counts } from '../../../src/app/counts.js';
import { repoRoot } from '../../support/fixtures.js';

export const CLI = join(repoRoot, 'bin/sechub-alerts.js');
const PEAK_MEMORY = join(repoRoot, 'test/reliability/support/peak-memory.mjs');
const CLOCK_AHEAD = join(repoRoot, 'test/reliability/support/clock-ahead.mjs');

export interface PeakMemory {
  maxRssBytes: number;
  maxHeapUsedBytes: number;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The --json summary, when the run got that far. */
  counts?: Counts;
  peak?: PeakMemory;
}

export interface ChildOptions {
  cwd: string;
  /** Bytes for standard input, produced as the child reads them (backpressure respected). */
  input?: AsyncIterable<string | Buffer> | string;
  /** Measure peak memory (resident set and heap) of the child. */
  measureMemory?: boolean;
  /** Run the child's wall clock this far ahead. */
  clockAheadMs?: number;
  /** Extra node flags, e.g. --max-old-space-size=64. */
  nodeFlags?: string[];
}

/** Starts the built `sechub-alerts` command; `done` resolves when it exits, however it exits. */
export function startCli(args: string[], options: ChildOptions): { child: ChildProcess; done: Promise<ChildResult> } {
  const peakFile = join(options.cwd, `peak-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const flags = [...(options.nodeFlags ?? [])];
  if (options.measureMemory) flags.push('--import', PEAK_MEMORY);
  if (options.clockAheadMs) flags.push('--import', CLOCK_AHEAD);
  const child = spawn(process.execPath, [...flags, CLI, ...args], {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...(options.measureMemory ? { PEAK_MEMORY_FILE: peakFile } : {}),
      ...(options.clockAheadMs ? { CLOCK_AHEAD_MS: String(options.clockAheadMs) } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdin!.on('error', () => {});
  void feed(child, options.input);
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      const counts = last.startsWith('{') ? (JSON.parse(last) as Counts) : undefined;
      let peak: PeakMemory | undefined;
      if (options.measureMemory) {
        try {
          peak = JSON.parse(readFileSync(peakFile, 'utf8')) as PeakMemory;
        } catch {
          peak = undefined;
        }
        rmSync(peakFile, { force: true });
      }
      resolve({ code, signal, stdout, stderr, counts, peak });
    });
  });
  return { child, done };
}

/** Runs the command to its end. */
export function runCli(args: string[], options: ChildOptions): Promise<ChildResult> {
  return startCli(args, options).done;
}

async function feed(child: ChildProcess, input: ChildOptions['input']): Promise<void> {
  const stdin = child.stdin!;
  if (input === undefined || typeof input === 'string') {
    stdin.end(input ?? '');
    return;
  }
  try {
    for await (const chunk of input) {
      if (stdin.destroyed) return;
      if (!stdin.write(chunk))
        await new Promise((resolve) => {
          stdin.once('drain', resolve);
          stdin.once('close', resolve);
        });
    }
  } catch {
    // The child went away (killed on purpose): nothing more to feed.
  }
  stdin.end();
}

export const MIB = 1024 * 1024;
