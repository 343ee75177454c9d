import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { DEFAULT_POLICY_DOCUMENT } from '../src/core/policy.js';
import { log, median, timeNode } from './measure.js';
import { repoRoot, type Workspace } from './workspace.js';

/**
 * Size and load time of each Lambda bundle that `npm run build` writes to
 * dist/lambda: the zip as deployed, the gzip size of its JavaScript (index.mjs
 * and any chunks, source maps left out), and the median time a
 * fresh `node` takes to import the bundle's index.mjs (with the settings it
 * reads at start-up set to dummy values; nothing is sent anywhere at import),
 * minus a bare `node -e ''` measured in the same run.
 */

export interface LambdaSize {
  bytes: number;
  gzipBytes: number;
  initMs: number;
}

export interface ColdStartDetail {
  runs: number;
  bareNodeMs: number;
  /** Median wall time of the import run itself, bare node included. */
  importMs: Record<string, number>;
}

const LAMBDA_DIR = join(repoRoot, 'dist', 'lambda');

/** The environment the functions read at cold start (see the AWS contract), with harmless values. */
const DUMMY_ENV: NodeJS.ProcessEnv = {
  TABLE_NAME: 'sechub-alerts-bench',
  POLICY: JSON.stringify(DEFAULT_POLICY_DOCUMENT),
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
): Promise<{ result: Record<string, LambdaSize>; detail: ColdStartDetail } | undefined> {
  const zips = lambdaZips(options.lambdaDir ?? LAMBDA_DIR);
  if (zips.size === 0) return undefined;
  const entries = new Map<string, string>();
  const result: Record<string, LambdaSize> = {};
  for (const [name, zip] of zips) {
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
    result[name] = { bytes: statSync(zip).size, gzipBytes, initMs: Number.NaN };
  }

  const env = { PATH: process.env.PATH, ...DUMMY_ENV };
  const bare: number[] = [];
  const loads = new Map<string, number[]>([...entries.keys()].map((name) => [name, []]));
  // Interleaved, so that a busy moment on the machine slows every kind of run alike.
  for (let run = 0; run < options.runs; run++) {
    bare.push((await timeNode(['-e', ''], { env })).wallMs);
    for (const [name, entry] of entries) {
      const script = `import(${JSON.stringify(pathToFileURL(entry).href)}).then((m) => { if (typeof m.handler !== 'function') process.exit(3); })`;
      loads.get(name)!.push((await timeNode(['-e', script], { env, cwd: dirname(entry) })).wallMs);
    }
  }
  const bareNodeMs = median(bare);
  const importMs: Record<string, number> = {};
  for (const [name, times] of loads) {
    importMs[name] = median(times);
    result[name]!.initMs = Math.max(0, importMs[name]! - bareNodeMs);
    log(`cold start ${name}: ${result[name]!.initMs.toFixed(1)} ms over bare node (${bareNodeMs.toFixed(1)} ms)`);
  }
  return { result, detail: { runs: options.runs, bareNodeMs, importMs } };
}
