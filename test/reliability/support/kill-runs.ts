import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dueId, eventOf, findingText } from '../../builders/inputs.js';
import { decodeWords, parseMessage } from '../../security/support/mime.js';
import { type ChildResult, startCli } from './cli-child.js';
import { auditState } from './fault-runs.js';
import { seededRandom } from './faulty-smtp.js';

/**
 * `kill -9` of the built `sechub-alerts` command at random points, then a
 * restart. The runs share one state file and one outbox, like a cron job
 * that dies and starts again.
 */

export const LEASE_MS = 120_000;

export interface KillPlan {
  dir: string;
  /** Command arguments (before the shared --state/--outbox/--json) of each run, and of the final one. */
  args: (run: number | 'final') => string[];
  kills: number;
  /** Kills land uniformly between these delays after the start. */
  minDelayMs: number;
  maxDelayMs: number;
  seed: number;
  /** How the final run comes after the lease of the last claims: a real wait, or a wall clock run ahead. */
  afterLease: 'wait' | 'clock-ahead';
}

export interface KillReport {
  kills: number;
  /** Kills that landed while the command was still running. */
  killedRunning: number;
  runs: ChildResult[];
  final: ChildResult;
  killTimes: number[];
}

/** Kills the command at random points `kills` times, then runs it once more after the lease. */
export async function killAndRestart(plan: KillPlan): Promise<KillReport> {
  const random = seededRandom(plan.seed);
  const args = (run: number | 'final') => [...plan.args(run), '--state', 'state.db', '--outbox', 'outbox', '--json'];
  const runs: ChildResult[] = [];
  const killTimes: number[] = [];
  let killedRunning = 0;
  for (let i = 0; i < plan.kills; i++) {
    const { child, done } = startCli(args(i), { cwd: plan.dir });
    const delay = plan.minDelayMs + random() * (plan.maxDelayMs - plan.minDelayMs);
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        killTimes.push(Date.now());
        child.kill('SIGKILL');
      }
    }, delay);
    const result = await done;
    clearTimeout(timer);
    if (result.signal === 'SIGKILL') killedRunning++;
    runs.push(result);
  }
  if (plan.afterLease === 'wait') await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 2000));
  const final = await startCli(args('final'), {
    cwd: plan.dir,
    clockAheadMs: plan.afterLease === 'clock-ahead' ? LEASE_MS + 10_000 : undefined,
  }).done;
  return { kills: plan.kills, killedRunning, runs, final, killTimes };
}

/** Writes one event per due finding of `due` (indices), with ignored findings between them. */
export function writeEvents(path: string, due: number[]): void {
  const lines: string[] = [];
  const event = (text: string) => JSON.stringify(eventOf(JSON.parse(text)));
  for (const i of due) {
    lines.push(event(findingText(true, dueId(i))));
    if (i % 3 === 0) lines.push(event(findingText(false, `low-${i}`)));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * Writes the inputs of a cron-like series of runs into `dir/in`: run i gets
 * the events of a new batch of due findings plus, again, those of batch i-1
 * (Security Hub re-sends), so every run has emails to send when it is
 * killed. Returns the due indices of all batches and the per-run arguments.
 */
export function writeBatches(dir: string, runs: number, batch: number) {
  mkdirSync(join(dir, 'in'), { recursive: true });
  const range = (run: number) => Array.from({ length: batch }, (_, k) => run * batch + k);
  for (let run = 0; run < runs; run++)
    writeEvents(join(dir, 'in', `batch-${run}.jsonl`), [...range(run), ...(run > 0 ? range(run - 1) : [])]);
  return {
    due: Array.from({ length: runs * batch }, (_, i) => i),
    args: (run: number | 'final') => ['process', run === 'final' ? 'in' : join('in', `batch-${run}.jsonl`)],
  };
}

export interface OutboxEmail {
  file: string;
  findingId: string;
  kind: string;
  writtenAt: number;
}

export function readOutbox(dir: string): { emails: OutboxEmail[]; partial: number } {
  const names = readdirSync(dir);
  const emails = names
    .filter((name) => name.endsWith('.eml'))
    .map((file) => {
      const { headers } = parseMessage(readFileSync(join(dir, file), 'utf8'));
      const header = (name: string) => decodeWords(headers.find(([n]) => n === name)?.[1] ?? '');
      return {
        file,
        findingId: header('x-sechub-finding-id'),
        kind: header('x-sechub-notification'),
        writtenAt: statSync(join(dir, file)).mtimeMs,
      };
    });
  return { emails, partial: names.filter((name) => name.endsWith('.tmp')).length };
}

/** Due, sent, duplicated, lost; and for each duplicate, how long before a kill its first copy was written. */
export function killFigures(report: KillReport, dir: string, due: { findingId: string; kind: string }[]) {
  const { emails, partial } = readOutbox(join(dir, 'outbox'));
  const groups = new Map<string, OutboxEmail[]>();
  for (const email of emails)
    groups.set(`${email.kind}|${email.findingId}`, [...(groups.get(`${email.kind}|${email.findingId}`) ?? []), email]);
  const dueKeys = new Set(due.map((d) => `${d.kind}|${d.findingId}`));
  const copies = [...groups.values()].filter((group) => group.length > 1);
  const gaps = copies.map((group) => {
    const first = Math.min(...group.map((email) => email.writtenAt));
    const after = report.killTimes.filter((time) => time >= first - 5);
    return after.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...after) - first;
  });
  const sent = [...dueKeys].filter((key) => groups.has(key)).length;
  return {
    due: dueKeys.size,
    sent,
    duplicated: copies.reduce((sum, group) => sum + group.length - 1, 0),
    lost: dueKeys.size - sent,
    unexpected: [...groups.keys()].filter((key) => !dueKeys.has(key)).length,
    kills: report.kills,
    killedRunning: report.killedRunning,
    /** Half-written outbox files a kill left behind (never an email: the rename never happened). */
    partialFiles: partial,
    /** Milliseconds between writing the first copy of a duplicate and the kill that followed. */
    duplicateGapsMs: gaps.map((gap) => Math.round(gap)),
    state: auditState(join(dir, 'state.db')),
  };
}
