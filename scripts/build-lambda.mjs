// Bundles each Lambda handler (src/handlers/<name>.ts) into
// dist/lambda/<name>/index.mjs (ESM, minified, Node 22, source maps; code
// imported dynamically in chunks/) and zips that directory
// to dist/lambda/<name>.zip, the file Terraform deploys with handler
// "index.handler". Each bundle holds only the AWS SDK clients its handler
// imports. `--outdir DIR` writes elsewhere (tests use it).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
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
 * The AWS SDK clients describe every shape of their service in one generated
 * module (schemas/schemas_0.js), and each operation's schema carries an object
 * with computed keys such as `{ [_h]: ["POST", "/v2/email/outbound-emails", 200] }`,
 * where `_h` is a constant string of the same module. esbuild cannot tell that
 * such a key has no side effect, so it keeps every operation of the service
 * and, through them, every shape: all 487 schemas of SES v2 for the one
 * SendEmail the functions call. Writing those keys as the string literals
 * they stand for lets esbuild drop what no command uses (about 45 KB of SES
 * and 45 KB of Security Hub code that daily and notify no longer load at
 * cold start); the objects are the same.
 */
const sdkSchemaLiteralKeys = {
  name: 'sdk-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[\w-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const strings = new Map([...source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map(([, name, literal]) => [name, literal]));
      const contents = source.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key));
      return { contents, loader: 'js' };
    });
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
      plugins: [sdkSchemaLiteralKeys],
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

process.stderr.write(`Lambda bundles: ${names.map((name) => `${name}.zip`).join(', ')} in ${relative(process.cwd(), outdir) || '.'}\n`);
