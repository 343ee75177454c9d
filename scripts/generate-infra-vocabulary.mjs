// Writes infra/generated/security-hub.json from src/core/security-hub/vocabulary.ts: the detail-types,
// closed-state patterns and OCSF severity names that the Terraform module's event pattern needs. The
// file is committed (a module used straight from git has no build step); a test fails when it is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const target = join(root, 'infra/generated/security-hub.json');

const bundle = await build({
  entryPoints: [join(root, 'src/core/security-hub/vocabulary.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const module = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(module.infraVocabulary(), null, 2)}\n`);
