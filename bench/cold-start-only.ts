import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { lambdaFunctions, measureColdStart } from './cold-start.js';
import { fixed, fullSpread, middleHalf, SPREAD_NOTE, textTable } from './report.js';
import { TARGETS } from './results.js';
import { createWorkspace, repoRoot } from './workspace.js';

/**
 * The cold-start part of `npm run bench` on its own: size and load time of
 * each Lambda bundle, in milliseconds and as a share of a bare `node` start
 * measured in the same rounds, printed as a table against the target;
 * bench/results.json and the docs are
 * left alone. With several build folders (each as `scripts/build-lambda.mjs
 * --outdir DIR` writes it), all their bundles are measured in the same run,
 * interleaved, against one bare `node`, so that a change can be compared
 * with the build before it on a machine whose speed drifts.
 *
 *   npm run bench:cold-start [-- --runs N]          (builds, then measures dist/lambda)
 *   node --import tsx bench/cold-start-only.ts [--runs N] [DIR ...]
 */

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '20' } },
  allowPositionals: true,
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of runs, not ${values.runs}`);
const dirs = (positionals.length > 0 ? positionals : [join(repoRoot, 'dist', 'lambda')]).map((dir) => resolve(dir));
/** With several builds, a function's bundle from the n-th folder is reported as `name@n`. */
const suffix = (index: number) => (dirs.length === 1 ? '' : `@${index + 1}`);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const workspace = createWorkspace();
try {
  // One folder holding every build's zips, so that one measurement interleaves them all.
  const staging = join(workspace.dir, 'zips');
  mkdirSync(staging);
  dirs.forEach((dir, index) => {
    if (!existsSync(dir)) throw new Error(`${dir} does not exist; build it with scripts/build-lambda.mjs --outdir ${dir}`);
    for (const zip of readdirSync(dir).filter((name) => name.endsWith('.zip')))
      copyFileSync(join(dir, zip), join(staging, `${zip.slice(0, -'.zip'.length)}${suffix(index)}.zip`));
  });
  const measured = await measureColdStart(workspace, { runs, lambdaDir: staging });
  if (!measured) throw new Error(`no zip in ${dirs.join(', ')}; run npm run build first`);

  const ratio = (value: number) => fixed(value, 2);
  const rows = lambdaFunctions(measured.result).map(([name, size]) => [
    name,
    `${(size.bytes / 1000).toFixed(0)} KB`,
    `${(size.gzipBytes / 1000).toFixed(0)} KB`,
    `${fixed(size.initMs, 1)} ms (${middleHalf(size.initMsSpread, (value) => fixed(value, 0), ' ms')})`,
    `${ratio(size.initRatio)} (${middleHalf(size.initRatioSpread, ratio)})`,
    size.initRatio <= TARGETS.initRatio ? 'met' : 'missed',
  ]);
  const header = ['Function', 'zip', 'gzip of its code', 'load over bare node', '× bare node', `≤ ${TARGETS.initRatio} ×`];
  process.stdout.write(`\n${textTable(header, rows)}\n`);
  process.stdout.write(`Bare node -e '': ${fullSpread(measured.result.bareNodeMsSpread, (value) => fixed(value, 1), ' ms')}.\n`);
  process.stdout.write(`${SPREAD_NOTE}\n`);
  for (const [index, dir] of dirs.entries()) if (suffix(index)) process.stdout.write(`${suffix(index)}: ${dir}\n`);
} finally {
  workspace.remove();
}
