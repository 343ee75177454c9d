import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Counts } from '../src/app/counts.js';
import { DEFAULT_STREAM, type StreamStats, writeStream } from './finding-stream.js';
import { type ChildRun, log, median, medianOf, timeNode } from './measure.js';
import { cliPath, type Workspace } from './workspace.js';

/**
 * Throughput of `sechub-alerts process` (the built command line: JSON Lines
 * reader, normalisers, engine, SQLite store, outbox) over a generated stream,
 * against JSON.parse alone over the same bytes, runs interleaved so that
 * drift on a shared machine hits both alike.
 */

const PARSE_ONLY = fileURLToPath(new URL('./support/parse-only.mjs', import.meta.url));

export interface ThroughputResult {
  findings: number;
  findingsPerSec: number;
  parseOnlyPerSec: number;
  ratio: number;
}

export interface ThroughputDetail {
  stream: StreamStats;
  summary: Counts;
  runs: number;
  pipelineWallMs: number;
  parseWallMs: number;
  pipelineCpuMs: number | undefined;
  parseCpuMs: number | undefined;
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

  const pipelineWallMs = median(pipeline.map((r) => r.wallMs));
  const parseWallMs = median(parse.map((r) => r.wallMs));
  const findingsPerSec = stream.events / (pipelineWallMs / 1000);
  const parseOnlyPerSec = stream.events / (parseWallMs / 1000);
  return {
    result: { findings: stream.events, findingsPerSec, parseOnlyPerSec, ratio: findingsPerSec / parseOnlyPerSec },
    detail: {
      stream,
      summary: summary!,
      runs: options.runs,
      pipelineWallMs,
      parseWallMs,
      pipelineCpuMs: medianOf(pipeline, (r) => r.cpuMs),
      parseCpuMs: medianOf(parse, (r) => r.cpuMs),
    },
    file,
  };
}
