// Builds the command line into dist/cli (dependencies stay in node_modules), with the
// entry of the thread that reads large inputs beside it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a hash: clear the old ones so that the folder holds this build's only.
rmSync('dist/cli/chunks', { recursive: true, force: true });

await build({
  entryPoints: { run: 'src/cli/run.ts', 'read-worker': 'src/adapters/files/read-worker.ts' },
  outdir: 'dist/cli',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Modules imported on demand (the DynamoDB store, for --state dynamodb://) become chunks of their own,
  // so that a run that does not need them does not load their packages at start-up.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
