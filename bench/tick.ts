import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteFindingStore } from '../src/adapters/sqlite/sqlite-finding-store.js';
import type { Counts } from '../src/app/counts.js';
import { extractFindings } from '../src/core/normalize/extract.js';
import { DEFAULT_POLICY, matchingRules } from '../src/core/policy.js';
import { snapshotOf, type TrackedRecord } from '../src/core/record.js';
import { type Fill, loadTemplates, type Severity } from './fixture-templates.js';
import { type ChildRun, log, mapSpread, type Spread, spread, spreadOf, timeNode } from './measure.js';
import { cliPath, type Workspace } from './workspace.js';

/**
 * `sechub-alerts tick` over a store of tracked findings, at a moment when
 * about 10% of them are due for their 15-day reminder. Each run works on a
 * fresh copy of the same seeded store.
 */

export interface TickResult {
  tracked: number;
  /** Median wall time of the runs. */
  seconds: number;
  secondsSpread: Spread;
}

export interface TickDetail {
  summary: Counts;
  cpuSeconds: Spread | undefined;
  seedSeconds: number;
}

const DAY = 86_400_000;
const EVERY = 15 * DAY;
/** Last emails spread over 1.5 to 16.5 days ago: one in ten is 15 days old or more. */
const DUE_SHARE = 0.1;

export async function measureTick(
  workspace: Workspace,
  options: { tracked: number; runs: number; now: Date },
): Promise<{ result: TickResult; detail: TickDetail }> {
  const seeded = join(workspace.dir, 'tick-seed.db');
  const started = performance.now();
  await seedStore(seeded, options.tracked, options.now);
  const seedSeconds = (performance.now() - started) / 1000;
  log(`tick: seeded ${options.tracked} tracked findings in ${seedSeconds.toFixed(1)} s`);

  const runs: ChildRun[] = [];
  let summary: Counts | undefined;
  for (let run = 1; run <= options.runs; run++) {
    const dir = workspace.fresh('tick');
    mkdirSync(dir, { recursive: true });
    copyFileSync(seeded, join(dir, 'state.db'));
    const ticked = await timeNode(
      [
        cliPath,
        'tick',
        '--json',
        '--now',
        options.now.toISOString(),
        '--config',
        workspace.policyFile,
        '--state',
        join(dir, 'state.db'),
        '--outbox',
        join(dir, 'outbox'),
      ],
      { cpu: true },
    );
    summary = JSON.parse(ticked.stdout.trim().split('\n').pop()!) as Counts;
    if (summary.read !== options.tracked || summary.failed !== 0)
      throw new Error(`tick did not cover the store: ${JSON.stringify(summary)}`);
    runs.push(ticked);
    log(`tick run ${run}/${options.runs}: ${(ticked.wallMs / 1000).toFixed(1)} s, ${summary.reminded} reminders`);
  }
  const seconds = spread(runs.map((r) => r.wallMs / 1000));
  const cpu = spreadOf(runs, (r) => r.cpuMs);
  return {
    result: { tracked: options.tracked, seconds: seconds.median, secondsSpread: seconds },
    detail: { summary: summary!, cpuSeconds: cpu && mapSpread(cpu, (ms) => ms / 1000), seedSeconds },
  };
}

/** Fills a store with open, already-notified findings of the products and severities the policy selects. */
async function seedStore(path: string, count: number, now: Date): Promise<void> {
  const rule = DEFAULT_POLICY.rules[0]!;
  const templates = loadTemplates().filter((template) => {
    const finding = normalize(template.event(fill(template.baseId, 0, now, 'HIGH'), true));
    return matchingRules(DEFAULT_POLICY, finding).length > 0;
  });
  const store = new SqliteFindingStore(path);
  try {
    for (let i = 0; i < count; i++) {
      const template = templates[i % templates.length]!;
      const finding = normalize(template.event(fill(template.baseId, i, now, i % 4 === 0 ? 'CRITICAL' : 'HIGH'), true));
      // Spread evenly, so exactly DUE_SHARE of the records are due at `now`.
      const sinceEmail = EVERY * (DUE_SHARE + ((i * 7919) % count) / count);
      const record: TrackedRecord = {
        key: finding.key,
        open: true,
        updatedAt: finding.updatedAt,
        snapshot: snapshotOf(finding),
        rules: { [rule.name]: { lastNotifiedAt: new Date(now.getTime() - sinceEmail).toISOString() } },
        version: 1,
        expiresAt: new Date(now.getTime() + 100 * DAY).toISOString(),
      };
      if (!(await store.put(record, undefined))) throw new Error(`duplicate key while seeding: ${record.key}`);
    }
  } finally {
    await store.close();
  }
}

function fill(baseId: string, serial: number, now: Date, severity: Severity): Fill {
  const updated = new Date(now.getTime() - DAY - (serial % 1000) * 60_000).toISOString();
  return {
    id: `${baseId}-t${serial.toString(16).padStart(6, '0')}`,
    eventId: `tick-${serial}`,
    updated,
    first: new Date(now.getTime() - 20 * DAY).toISOString(),
    eventTime: updated,
    severity,
  };
}

function normalize(line: string) {
  const [item] = [...extractFindings(JSON.parse(line), 'bench')];
  if (item?.kind !== 'finding') throw new Error(`template did not yield a finding: ${JSON.stringify(item)}`);
  return item.finding;
}
