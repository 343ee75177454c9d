// Builds the command line into dist/cli (dependencies stay in node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: { run: 'src/cli/run.ts' },
  outdir: 'dist/cli',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
