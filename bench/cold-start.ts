import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { sha256Hex } from '../src/adapters/system/sha256.js';
import { DEFAULT_POLICY_DOCUMENT } from '../src/core/policy.js';
import { policyDocumentValue } from '../src/core/policy-fingerprint.js';
import { log, type Spread, spread, timeNode } from './measure.js';
import { repoRoot, type Workspace } from './workspace.js';

/**
 * Size and load time of each Lambda bundle that `npm run build` writes to
 * dist/lambda: the zip as deployed, the gzip size of its JavaScript (index.mjs
 * and any chunks, source maps left out), and how much longer a fresh `node`
 * takes to import the bundle's index.mjs (with the settings it reads at
 * start-up set to dummy values; nothing is sent anywhere at import) than a
 * bare `node -e ''` takes to start and exit.
 *
 * Bare node is measured as often as each bundle, in the same rounds, so a
 * busy moment on the machine slows both; the load is also stated as a share
 * of bare node's start, which carries from one machine to another where
 * milliseconds do not (docs/benchmarks.md).
 */

export interface LambdaSize {
  bytes: number;
  gzipBytes: number;
  /** Median import minus median bare node, in ms. */
  initMs: number;
  /** Per round: this bundle's import minus the bare node of the same round. */
  initMsSpread: Spread;
  /** `initMs` over `bareNodeMs`: the load as a share of bare node's start. */
  initRatio: number;
  /** Per round: this bundle's load over the bare node of the same round. */
  initRatioSpread: Spread;
}

/** `lambda` in bench/results.json: bare node's start, and each function by name. */
export interface LambdaResults {
  /** Median wall time of a bare `node -e ''`, start to exit. */
  bareNodeMs: number;
  bareNodeMsSpread: Spread;
  [name: string]: LambdaSize | Spread | number;
}

const BARE_NODE_FIELDS = new Set(['bareNodeMs', 'bareNodeMsSpread']);

/** The functions of a `lambda` result, by name, without the bare-node fields. */
export function lambdaFunctions(lambda: LambdaResults): [string, LambdaSize][] {
  return Object.entries(lambda).filter((entry): entry is [string, LambdaSize] => !BARE_NODE_FIELDS.has(entry[0]));
}

export interface ColdStartDetail {
  /** Wall time of the import run itself, bare node included. */
  importMs: Record<string, Spread>;
}

const LAMBDA_DIR = join(repoRoot, 'dist', 'lambda');

/** The environment the functions read at cold start (see the AWS contract), with harmless values. */
const DUMMY_ENV: NodeJS.ProcessEnv = {
  TABLE_NAME: 'sechub-alerts-bench',
  POLICY_SHA256: sha256Hex(policyDocumentValue(DEFAULT_POLICY_DOCUMENT)),
  LOG_LEVEL: 'INFO',
  POWERTOOLS_SERVICE_NAME: 'sechub-alerts',
  SECURITY_HUB_WRITE_BACK: 'false',
  CLAIM_SECONDS: '120',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** The zips in a build's folder (dist/lambda by default), by function name; empty when the build wrote none. */
function lambdaZips(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.zip'))
    .sort();
  return new Map(names.map((name) => [name.slice(0, -'.zip'.length), join(dir, name)]));
}

export async function measureColdStart(
  workspace: Workspace,
  options: { runs: number; lambdaDir?: string },
): Promise<{ result: LambdaResults; detail: ColdStartDetail } | undefined> {
  const zips = lambdaZips(options.lambdaDir ?? LAMBDA_DIR);
  if (zips.size === 0) return undefined;
  const entries = new Map<string, string>();
  const sizes = new Map<string, { bytes: number; gzipBytes: number }>();
  for (const [name, zip] of zips) {
    if (BARE_NODE_FIELDS.has(name)) throw new Error(`${zip}: a function may not be named ${name}, a field of the results`);
    const dir = join(workspace.dir, 'lambda', name);
    let gzipBytes = 0;
    for (const [path, content] of Object.entries(unzipSync(readFileSync(zip)))) {
      if (path.endsWith('/')) continue;
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
      if (/\.(mjs|cjs|js)$/.test(path)) gzipBytes += gzipSync(content, { level: 9 }).length;
    }
    const entry = join(dir, 'index.mjs');
    if (!existsSync(entry)) throw new Error(`${zip} has no index.mjs at its root`);
    entries.set(name, entry);
    sizes.set(name, { bytes: statSync(zip).size, gzipBytes });
  }

  const env = { PATH: process.env.PATH, ...DUMMY_ENV };
  const kinds: { name: string | undefined; args: string[]; cwd?: string }[] = [
    { name: undefined, args: ['-e', ''] },
    ...[...entries].map(([name, entry]) => ({
      name,
      args: [
        '-e',
        `import(${JSON.stringify(pathToFileURL(entry).href)}).then((m) => { if (typeof m.handler !== 'function') process.exit(3); })`,
      ],
      cwd: dirname(entry),
    })),
  ];
  const bare: number[] = [];
  const loads = new Map<string, number[]>([...entries.keys()].map((name) => [name, []]));
  // Rounds of one bare node and one import of each bundle, interleaved so that a busy moment on the
  // machine slows every kind alike; each round starts one further along, so that none always goes first.
  for (let round = 0; round < options.runs; round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(round + i) % kinds.length]!;
      const { wallMs } = await timeNode(kind.args, { env, cwd: kind.cwd });
      (kind.name === undefined ? bare : loads.get(kind.name)!).push(wallMs);
    }
  }

  const bareNode = spread(bare);
  const result: LambdaResults = { bareNodeMs: bareNode.median, bareNodeMsSpread: bareNode };
  const importMs: Record<string, Spread> = {};
  for (const [name, times] of loads) {
    importMs[name] = spread(times);
    const initMs = Math.max(0, importMs[name].median - bareNode.median);
    const size: LambdaSize = {
      ...sizes.get(name)!,
      initMs,
      initMsSpread: spread(times.map((ms, round) => ms - bare[round]!)),
      initRatio: initMs / bareNode.median,
      initRatioSpread: spread(times.map((ms, round) => (ms - bare[round]!) / bare[round]!)),
    };
    result[name] = size;
    log(
      `cold start ${name}: ${initMs.toFixed(1)} ms over bare node (${bareNode.median.toFixed(1)} ms), ${size.initRatio.toFixed(2)} × bare node`,
    );
  }
  return { result, detail: { importMs } };
}
