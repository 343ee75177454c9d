// Builds the command line into dist/cli (dependencies stay in node_modules), with the
// entry of the thread that reads large inputs beside it.
import { build } from 'esbuild';

await build({
  entryPoints: { run: 'src/cli/run.ts', 'read-worker': 'src/adapters/files/read-worker.ts' },
  outdir: 'dist/cli',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
