import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import type { DigestCounts } from '../../src/app/digest.js';
import { repoRoot } from '../support/fixtures.js';
import { scenarioRecipients, scenarioRecords } from './support/digest-scenario.js';

/**
 * Digests go out exactly once per period, with real processes on one SQLite
 * file: twenty workers at once, and a worker killed while sending with a run
 * after its claim's lease. Each worker logs every email its mailer accepts.
 */

const WORKER_SOURCE = join(repoRoot, 'test/reliability/support/digest-worker.ts');
/** Bundled beside the built command (dependencies stay in node_modules), so twenty of them start in a moment. */
const WORKER = join(repoRoot, 'dist/test/digest-worker.mjs');
const CLOCK_AHEAD = join(repoRoot, 'test/reliability/support/clock-ahead.mjs');
const NOW = '2026-01-12T08:30:00Z';
/** 08:00 in Madrid on Monday 12 January 2026. */
const MOMENT = new Date('2026-01-12T07:00:00Z');
const ACCOUNTS = 5;
const LEASE_MS = 120_000;

const work = mkdtempSync(join(tmpdir(), 'sechub-digest-once-'));
beforeAll(async () => {
  await build({
    entryPoints: [WORKER_SOURCE],
    outfile: WORKER,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Worker {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; counts?: DigestCounts; stderr: string }>;
}

function startWorker(dir: string, options: { hang?: boolean; clockAheadMs?: number; go?: string } = {}): Worker {
  const flags = options.clockAheadMs ? ['--import', CLOCK_AHEAD] : [];
  const child = spawn(process.execPath, [...flags, WORKER, join(dir, 'state.db'), join(dir, 'mail.log'), NOW, String(LEASE_MS)], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...(options.hang ? { DIGEST_WORKER_HANG: '1' } : {}),
      ...(options.go ? { DIGEST_WORKER_GO: options.go } : {}),
      ...(options.clockAheadMs ? { CLOCK_AHEAD_MS: String(options.clockAheadMs) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Awaited<Worker['done']>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      resolve({ code, signal, stderr, ...(last.startsWith('{') ? { counts: JSON.parse(last) as DigestCounts } : {}) });
    });
  });
  return { child, done };
}

/** A state file holding the scenario's findings. */
async function prepare(name: string): Promise<string> {
  const dir = mkdtempSync(join(work, `${name}-`));
  const store = new SqliteFindingStore(join(dir, 'state.db'));
  for (const record of scenarioRecords(ACCOUNTS, 4, MOMENT)) await store.put(record, undefined);
  await store.close();
  return dir;
}

/** The mail log: every send started and every email accepted. */
function mailLog(dir: string): { event: string; id: string; to: string[] }[] {
  const path = join(dir, 'mail.log');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const sentTo = (dir: string) =>
  mailLog(dir)
    .filter((line) => line.event === 'sent')
    .flatMap((line) => line.to)
    .sort();

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('digests exactly once per period', () => {
  it('sends one digest per recipient when 20 workers run at once on one SQLite file', async () => {
    // prepare: twenty workers loaded and waiting for the same signal
    const dir = await prepare('concurrent');
    const go = join(dir, 'go');
    const workers = Array.from({ length: 20 }, () => startWorker(dir, { go }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // act
    writeFileSync(go, '');
    const results = await Promise.all(workers.map((worker) => worker.done));
    // assess
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(sentTo(dir)).toEqual(scenarioRecipients(ACCOUNTS));
    const total = (field: keyof DigestCounts) => results.reduce((sum, result) => sum + (result.counts?.[field] ?? 0), 0);
    console.info(
      `figures: ${JSON.stringify({ workers: 20, recipients: ACCOUNTS + 1, sent: total('sent'), inFlight: total('inFlight'), alreadySent: total('alreadySent'), failed: total('failed') })}`,
    );
    expect(total('sent')).toBe(ACCOUNTS + 1);
    expect(total('failed')).toBe(0);
  }, 240_000);

  it('after a worker is killed while sending, holds its digest for the lease, then sends it once; none is lost', async () => {
    // prepare: a worker that stops in the middle of its first send, then kill -9
    const dir = await prepare('killed');
    const stuck = startWorker(dir, { hang: true });
    await waitFor(() => mailLog(dir).some((line) => line.event === 'started'));
    stuck.child.kill('SIGKILL');
    await stuck.done;
    const [started] = mailLog(dir);

    // act: a run within the lease, then one three minutes later (its wall clock run ahead past the lease)
    const within = await startWorker(dir).done;
    const after = await startWorker(dir, { clockAheadMs: LEASE_MS + 60_000 }).done;
    const again = await startWorker(dir, { clockAheadMs: LEASE_MS + 120_000 }).done;

    // assess
    expect(within.counts).toMatchObject({ sent: ACCOUNTS, inFlight: 1 });
    expect(after.counts).toMatchObject({ sent: 1, inFlight: 0 });
    expect(again.counts).toMatchObject({ sent: 0 });
    expect(sentTo(dir)).toEqual(scenarioRecipients(ACCOUNTS));
    const resent = mailLog(dir).find((line) => line.event === 'sent' && line.to[0] === started?.to[0]);
    expect(resent?.id).toBe(started?.id);
  }, 120_000);
});
