// Bundles each Lambda handler (src/handlers/<name>.ts) into
// dist/lambda/<name>/index.mjs (ESM, minified, Node 22, source maps; code
// imported dynamically in chunks/) and zips that directory
// to dist/lambda/<name>.zip, the file Terraform deploys with handler
// "index.handler". Each bundle holds only the AWS SDK clients its handler
// imports. `--outdir DIR` writes elsewhere (tests use it).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist/lambda') } } });
const outdir = resolve(values.outdir);
const handlersDir = join(root, 'src/handlers');

const names = readdirSync(handlersDir, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
  .map((entry) => entry.name.slice(0, -'.ts'.length))
  .sort();

/**
 * zod's `z.locales` namespace (error messages in some forty languages, a
 * third of a bundle) is never used: the functions speak English, which zod
 * loads on its own. Its index resolves to English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`)
        ? { path: join(dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
    }));
  },
};

// A fixed time stamp, in local time as the zip format stores it, so that an unchanged bundle zips to the same bytes.
const ZIP_TIME = new Date(2020, 0, 1);

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

await Promise.all(
  names.map(async (name) => {
    const dir = join(outdir, name);
    const result = await build({
      entryPoints: { index: join(handlersDir, `${name}.ts`) },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      // What a handler imports dynamically (notify's Security Hub write-back) goes in a chunk loaded only when used.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      minify: true,
      // Error classes keep their names: the state machine retries and catches on them.
      keepNames: true,
      sourcemap: 'linked',
      sourcesContent: false,
      // Some dependencies are CommonJS and call require() for Node built-ins.
      banner: { js: "import { createRequire as __sechubRequire } from 'node:module'; const require = __sechubRequire(import.meta.url);" },
      metafile: true,
      plugins: [zodEnglishOnly],
      logLevel: 'warning',
    });
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(result.metafile));
    const files = Object.keys(result.metafile.outputs)
      .map((path) => relative(dir, resolve(root, path)).split(sep).join('/'))
      .sort();
    const zip = zipSync(Object.fromEntries(files.map((file) => [file, [readFileSync(join(dir, file)), { mtime: ZIP_TIME }]])), {
      level: 9,
    });
    writeFileSync(join(outdir, `${name}.zip`), zip);
  }),
);

process.stdout.write(`Lambda bundles: ${names.map((name) => `${name}.zip`).join(', ')} in ${outdir}\n`);
