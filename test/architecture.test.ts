import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/fixtures.js';

/**
 * The layers as the lint configuration enforces them: src/core is pure (no
 * I/O, no timers, no clock, no randomness, no console, no environment) and
 * imports only itself; src/app (the use cases) reaches the world only
 * through ports; adapters never import a composition root. Each rule is
 * shown to fire on a probe file, and the real tree is shown to pass.
 */

const biome = join(repoRoot, 'node_modules/@biomejs/biome/bin/biome');

function lint(dir: string, file: string) {
  const run = spawnSync(process.execPath, [biome, 'lint', '--max-diagnostics=200', file], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the dependency and purity rules', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sechub-layers-'));
    cpSync(join(repoRoot, 'biome.json'), join(work, 'biome.json'));
    cpSync(join(repoRoot, 'lint'), join(work, 'lint'), { recursive: true });
    for (const dir of ['src/core', 'src/app', 'src/adapters/x']) mkdirSync(join(work, dir), { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const violations: [string, string, RegExp][] = [
    ['reads the clock', 'export const t = Date.now();', /injected Runtime/],
    ['makes a date of now', 'export const t = new Date();', /injected Runtime/],
    ['draws a random number', 'export const r = Math.random();', /injected Runtime/],
    ['sets a timer', 'export const w = () => setTimeout(() => {}, 1);', /setTimeout/],
    ['logs', "export const l = () => console.warn('x');", /console/],
    ['reads the environment', 'export const e = () => process.env.X;', /process/],
    ['touches the file system', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", /no file system|through ports/],
    ['imports the AWS SDK', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const c = DynamoDBClient;", /AWS/],
    [
      'imports an adapter',
      "import { systemRuntime } from '../adapters/system/runtime.js';\nexport const s = systemRuntime;",
      /imports? (only|the core)/,
    ],
  ];

  describe.each(['src/core', 'src/app'])('in %s', (layer) => {
    it.each(violations)('refuses code that %s', (_what, code, message) => {
      const file = join(layer, `probe-${Math.random().toString(36).slice(2)}.ts`);
      writeFileSync(join(work, file), `${code}\n`);

      const result = lint(work, file);

      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(message);
    });
  });

  it('refuses a core that imports a use case', () => {
    writeFileSync(join(work, 'src/core/up.ts'), "import { tick } from '../app/tick.js';\nexport const t = tick;\n");
    expect(lint(work, 'src/core/up.ts').output).toMatch(/use cases call the core/);
  });

  it('refuses an adapter that imports a composition root', () => {
    writeFileSync(join(work, 'src/adapters/x/root.ts'), "import { main } from '../../cli/main.js';\nexport const m = main;\n");
    expect(lint(work, 'src/adapters/x/root.ts').output).toMatch(/never a composition root/);
  });

  it('accepts a date made from a given instant', () => {
    writeFileSync(join(work, 'src/core/ok.ts'), 'export const at = (ms: number) => new Date(ms).toISOString();\n');
    expect(lint(work, 'src/core/ok.ts').status).toBe(0);
  });
});

describe('the source tree', () => {
  it('passes the rules: the core is pure and every layer imports only what it may', () => {
    const result = spawnSync(process.execPath, [biome, 'lint', 'src'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('keeps the core free of imports from outside it, file by file', () => {
    const core = join(repoRoot, 'src/core');
    const files = (readdirSync(core, { recursive: true }) as string[]).filter((name) => name.endsWith('.ts'));
    const outside = files.flatMap((name) =>
      [...readFileSync(join(core, name), 'utf8').matchAll(/from '(\.[^']+)'/g)]
        .map((match) => relative(core, join(core, name, '..', match[1]!)))
        .filter((target) => target.startsWith('..'))
        .map((target) => `${name} -> ${target}`),
    );
    expect(outside).toEqual([]);
  });
});
