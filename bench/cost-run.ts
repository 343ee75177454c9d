import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDbFindingStore } from '../src/adapters/dynamodb/dynamodb-finding-store.js';
import { eventPatternFor } from '../src/core/event-pattern.js';
import { extractFindings } from '../src/core/normalize/extract.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_DOCUMENT, matchingRules } from '../src/core/policy.js';
import { snapshotOf } from '../src/core/record.js';
import { matchesEventPattern } from '../test/support/event-pattern-matcher.js';
import { type CostLine, costPerMillion, emptyUsage, type SeedEvent, seedDesignUsage, type Usage } from './cost.js';
import { DEFAULT_STREAM, type EventKind, generateStream } from './finding-stream.js';
import { log } from './measure.js';
import { startWorkflowCounter, type WorkflowCounts } from './workflow-counter.js';
import { repoRoot, type Workspace } from './workspace.js';

/**
 * Cost per million findings in AWS, from requests counted while the real
 * workflow (infra/state-machine.asl.json executed by aws-local-stepfunctions,
 * each Task bound to its handler module) runs against DynamoDB Local and
 * aws-ses-v2-local over a month-long stream in steady state; compared with
 * the original design over the same events.
 */

export interface CostReport {
  result: { perMillionFindingsUsd: number; seedDesignPerMillionUsd: number; ratio: number };
  ours: { usage: Usage; lines: CostLine[]; totalUsd: number };
  standardVariantUsd: number;
  seed: { usage: Usage; lines: CostLine[]; totalUsd: number };
  counts: WorkflowCounts;
  stream: { events: number; backlog: number; spanDays: number; byKind: Record<EventKind, number>; passed: number; dropped: number };
  memoryMb: number;
  minutes: number;
}

/**
 * Findings known before the stream, then ten days of events: about one event
 * per open finding and day, as Security Hub re-sends a finding whenever it
 * re-evaluates it; the backlog's ages reach far past the 15 days after which
 * the original design mailed every event.
 */
const STREAM = { events: 6_000, backlog: 400, spanDays: 10 };
const DAY = 86_400_000;

export async function measureCost(workspace: Workspace, options: { now: Date }): Promise<CostReport | { reason: string }> {
  const missing = [
    'infra/state-machine.asl.json',
    'src/handlers/check-record.ts',
    'src/handlers/check-age.ts',
    'src/handlers/notify.ts',
  ].filter((path) => !existsSync(join(repoRoot, path)));
  if (missing.length > 0) return { reason: `the workflow is not there yet (${missing.join(', ')} missing)` };
  if (spawnSync('java', ['-version']).status !== 0) return { reason: 'no Java runtime to run DynamoDB Local' };
  void workspace;

  const started = performance.now();
  const memoryMb = taskMemoryMb();
  const counter = await startWorkflowCounter(DEFAULT_POLICY_DOCUMENT, memoryMb);
  try {
    const pattern = eventPatternFor(DEFAULT_POLICY);
    const store = new DynamoDbFindingStore({ client: counter.seedClient, tableName: counter.tableName });
    const seedEvents: SeedEvent[] = [];
    const seen = new Set<string>();
    const byKind: Record<EventKind, number> = { new: 0, repeat: 0, close: 0 };
    let backlog = 0;
    let passed = 0;
    for (const event of generateStream({ ...DEFAULT_STREAM, ...STREAM, now: options.now })) {
      const raw = JSON.parse(event.line) as Record<string, unknown>;
      const [item] = [...extractFindings(raw, 'cost')];
      if (item?.kind !== 'finding') throw new Error(`the cost stream holds an unusable event: ${JSON.stringify(item)}`);
      const { finding } = item;
      const rules = matchingRules(DEFAULT_POLICY, finding);
      if (event.kind === 'backlog') {
        // Known before the stream: tracked if the policy selects it, last emailed within the last 15 days.
        backlog++;
        seen.add(finding.key);
        if (rules.length > 0) {
          const lastNotifiedAt = new Date(Date.parse(finding.updatedAt) - (backlog % 15) * DAY - DAY / 2).toISOString();
          const record = {
            key: finding.key,
            open: true,
            updatedAt: finding.updatedAt,
            snapshot: snapshotOf(finding),
            rules: Object.fromEntries(rules.map((rule) => [rule.name, { lastNotifiedAt }])),
            version: 1,
            expiresAt: new Date(options.now.getTime() + 120 * DAY).toISOString(),
          };
          if (!(await store.put(record, undefined))) throw new Error(`duplicate backlog key ${finding.key}`);
        }
        continue;
      }
      byKind[event.kind]++;
      seedEvents.push({
        productInScope: ['guardduty', 'inspector', 'securityhub'].includes(finding.product),
        isNew: !seen.has(finding.key),
        matches: rules.length > 0,
        ageDays: (Date.parse(finding.updatedAt) - Date.parse(finding.firstObservedAt)) / DAY,
        recipients: new Set(rules.flatMap((rule) => rule.notify.to)).size,
      });
      seen.add(finding.key);
      // EventBridge drops what the rule's pattern does not match: those events cost nothing.
      counter.counts.eventBridgeEvents++;
      if (!matchesEventPattern(pattern, raw)) continue;
      passed++;
      await counter.execute(raw);
    }
    await counter.collectEmails();
    const counts = counter.counts;
    const events = seedEvents.length;
    log(
      `cost: ${events} events (${passed} through the pattern), ${counts.executions} executions, ${counts.sesEmails} emails, ${counts.lambdaRequests} invocations`,
    );

    const ours = usageOf(counts, events, false);
    const standard = costPerMillion(usageOf(counts, events, true)).totalUsd;
    const oursCost = costPerMillion(ours);
    const seedUsage = seedDesignUsage(seedEvents, {
      lambdaMs: counts.lambdaRequests > 0 ? counts.lambdaMs / counts.lambdaRequests : 50,
      memoryMb,
      readUnitsPerGet: counts.getItems > 0 ? counts.readUnits / counts.getItems : 1,
      writeUnitsPerPut: counts.putItems > 0 ? counts.writeUnits / counts.putItems : 3,
    });
    const seedCost = costPerMillion(seedUsage);
    return {
      result: {
        perMillionFindingsUsd: oursCost.totalUsd,
        seedDesignPerMillionUsd: seedCost.totalUsd,
        ratio: oursCost.totalUsd / seedCost.totalUsd,
      },
      ours: { usage: ours, ...oursCost },
      standardVariantUsd: standard,
      seed: { usage: seedUsage, ...seedCost },
      counts,
      stream: { events, backlog, spanDays: STREAM.spanDays, byKind, passed, dropped: events - passed },
      memoryMb,
      minutes: (performance.now() - started) / 60_000,
    };
  } finally {
    await counter.stop();
  }
}

/** This design's usage: EXPRESS by default, or what the same executions would cost as STANDARD. */
function usageOf(counts: WorkflowCounts, findings: number, standard: boolean): Usage {
  const usage = emptyUsage(findings);
  usage.eventBridgeEvents = counts.eventBridgeEvents;
  if (standard) usage.standardTransitions = counts.transitions;
  else {
    usage.expressRequests = counts.executions;
    usage.expressGbSeconds = counts.expressGbSeconds;
  }
  usage.lambdaRequests = counts.lambdaRequests;
  usage.lambdaGbSeconds = counts.lambdaGbSeconds;
  usage.dynamoReadUnits = counts.readUnits;
  usage.dynamoWriteUnits = counts.writeUnits;
  usage.sesEmails = counts.sesEmails;
  return usage;
}

/** The task functions' memory as infra/variables.tf sets it by default. */
function taskMemoryMb(): number {
  const text = readFileSync(join(repoRoot, 'infra', 'variables.tf'), 'utf8');
  const match = /variable\s+"task_memory_mb"\s*\{[^}]*?default\s*=\s*(\d+)/s.exec(text);
  if (!match) throw new Error('infra/variables.tf: no default for task_memory_mb');
  return Number(match[1]);
}
