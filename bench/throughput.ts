import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Counts } from '../src/app/counts.js';
import { DEFAULT_STREAM, type StreamStats, writeStream } from './finding-stream.js';
import { type ChildRun, log, type Spread, spread, spreadOf, timeNode } from './measure.js';
import { cliPath, type Workspace } from './workspace.js';

/**
 * Throughput of `sechub-alerts process` (the built command line: JSON Lines
 * reader, normalisers, engine, SQLite store, outbox) over a generated stream,
 * against JSON.parse alone over the same bytes, runs interleaved so that
 * drift on a shared machine hits both alike. The rates are those of the
 * median runs; their spreads are over the runs, and the ratio's over the
 * pairs of a parse and the `process` run that followed it.
 */

const PARSE_ONLY = fileURLToPath(new URL('./support/parse-only.mjs', import.meta.url));

export interface ThroughputResult {
  findings: number;
  findingsPerSec: number;
  findingsPerSecSpread: Spread;
  parseOnlyPerSec: number;
  parseOnlyPerSecSpread: Spread;
  ratio: number;
  ratioSpread: Spread;
}

export interface ThroughputDetail {
  stream: StreamStats;
  summary: Counts;
  pipelineWallMs: Spread;
  parseWallMs: Spread;
  pipelineCpuMs: Spread | undefined;
  parseCpuMs: Spread | undefined;
  /** Per pair of runs, the parse's CPU time over `process`'s. */
  cpuRatio: Spread | undefined;
}

export async function measureThroughput(
  workspace: Workspace,
  options: { findings: number; runs: number; now: Date },
): Promise<{ result: ThroughputResult; detail: ThroughputDetail; file: string }> {
  const file = join(workspace.dir, 'stream.jsonl');
  const stream = await writeStream(file, { ...DEFAULT_STREAM, events: options.findings, now: options.now });
  log(
    `throughput: ${stream.events} events, ${(stream.bytes / 1e6).toFixed(0)} MB (${(stream.bytes / stream.events / 1024).toFixed(1)} KB each)`,
  );

  const pipeline: ChildRun[] = [];
  const parse: ChildRun[] = [];
  let summary: Counts | undefined;
  for (let run = 1; run <= options.runs; run++) {
    const parsed = await timeNode([PARSE_ONLY, file], { cpu: true });
    if (Number(parsed.stdout.trim()) !== stream.events)
      throw new Error(`parse-only read ${parsed.stdout.trim()} lines, expected ${stream.events}`);
    parse.push(parsed);

    const dir = workspace.fresh('process');
    const processed = await timeNode(
      [
        cliPath,
        'process',
        '--json',
        '--config',
        workspace.policyFile,
        '--state',
        join(dir, 'state.db'),
        '--outbox',
        join(dir, 'outbox'),
        file,
      ],
      { cpu: true },
    );
    summary = JSON.parse(processed.stdout.trim().split('\n').pop()!) as Counts;
    if (summary.read !== stream.events || summary.invalid !== 0 || summary.failed !== 0)
      throw new Error(`process did not handle the stream cleanly: ${JSON.stringify(summary)}`);
    pipeline.push(processed);
    log(
      `throughput run ${run}/${options.runs}: parse ${(parsed.wallMs / 1000).toFixed(1)} s, process ${(processed.wallMs / 1000).toFixed(1)} s`,
    );
  }

  const pipelineWallMs = spread(pipeline.map((r) => r.wallMs));
  const parseWallMs = spread(parse.map((r) => r.wallMs));
  const findingsPerSec = stream.events / (pipelineWallMs.median / 1000);
  const parseOnlyPerSec = stream.events / (parseWallMs.median / 1000);
  const perSec = (r: ChildRun) => stream.events / (r.wallMs / 1000);
  const pairs = pipeline.map((processed, i) => ({ processed, parsed: parse[i]! }));
  return {
    result: {
      findings: stream.events,
      findingsPerSec,
      findingsPerSecSpread: spread(pipeline.map(perSec)),
      parseOnlyPerSec,
      parseOnlyPerSecSpread: spread(parse.map(perSec)),
      ratio: findingsPerSec / parseOnlyPerSec,
      ratioSpread: spread(pairs.map(({ processed, parsed }) => parsed.wallMs / processed.wallMs)),
    },
    detail: {
      stream,
      summary: summary!,
      pipelineWallMs,
      parseWallMs,
      pipelineCpuMs: spreadOf(pipeline, (r) => r.cpuMs),
      parseCpuMs: spreadOf(parse, (r) => r.cpuMs),
      cpuRatio: spreadOf(pairs, ({ processed, parsed }) => (processed.cpuMs && parsed.cpuMs ? parsed.cpuMs / processed.cpuMs : undefined)),
    },
    file,
  };
}
