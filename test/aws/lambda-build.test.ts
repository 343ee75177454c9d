import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

/** The AWS SDK service clients each function may carry (IAM grants it nothing else). */
const ALLOWED_CLIENTS: Record<string, string[]> = {
  'check-record': ['client-dynamodb'],
  'check-age': ['client-dynamodb'],
  notify: ['client-dynamodb', 'client-securityhub', 'client-sesv2'],
  daily: ['client-dynamodb', 'client-securityhub', 'client-sesv2'],
};
/** The clients a function cannot work without. */
const REQUIRED_CLIENTS: Record<string, string[]> = {
  'check-record': ['client-dynamodb'],
  'check-age': ['client-dynamodb'],
  notify: ['client-dynamodb', 'client-sesv2'],
  daily: ['client-dynamodb'],
};

/** Every variable of the AWS contract, so that each bundle can be loaded as at a cold start. */
const CONTRACT_ENV = {
  TABLE_NAME: 'sechub-alerts',
  POLICY: JSON.stringify({ sender: 'alerts@example.com', rules: [{ name: 'all', notify: { to: ['team@example.com'] } }] }),
  LOG_LEVEL: 'WARN',
  POWERTOOLS_SERVICE_NAME: 'sechub-alerts',
  SECURITY_HUB_WRITE_BACK: 'false',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

const handlerNames = readdirSync(join(repoRoot, 'src/handlers'))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .map((name) => name.slice(0, -3))
  .sort();

let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sechub-lambda-build-'));
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-lambda.mjs'), '--outdir', outdir], { stdio: 'pipe' });
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function sdkClientsIn(name: string): string[] {
  const meta = JSON.parse(readFileSync(join(outdir, name, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
  const clients = Object.keys(meta.inputs).flatMap((path) => /node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(path)?.[1] ?? []);
  return [...new Set(clients)].sort();
}

describe('npm run build: the Lambda bundles', () => {
  it('bundles the three workflow tasks, and the daily job when it exists', () => {
    expect(handlerNames).toEqual(expect.arrayContaining(['check-age', 'check-record', 'notify']));
    expect(
      readdirSync(outdir)
        .filter((name) => name.endsWith('.zip'))
        .sort(),
    ).toEqual(handlerNames.map((name) => `${name}.zip`));
  });

  it.each(handlerNames)('%s.zip holds index.mjs and its source map, nothing else', (name) => {
    const entries = unzipSync(readFileSync(join(outdir, `${name}.zip`)));

    expect(Object.keys(entries).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = new TextDecoder().decode(entries['index.mjs']);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
  });

  it.each(handlerNames)('%s carries only the AWS SDK clients it uses', (name) => {
    const clients = sdkClientsIn(name);

    expect(ALLOWED_CLIENTS[name], `no SDK client allowance declared for ${name}`).toBeDefined();
    expect(clients.filter((client) => !ALLOWED_CLIENTS[name]!.includes(client))).toEqual([]);
    expect(clients).toEqual(expect.arrayContaining(REQUIRED_CLIENTS[name] ?? []));
  });

  it.each(handlerNames)('%s loads on Node as an ES module and exports handler', (name) => {
    const probe = `import(${JSON.stringify(join(outdir, name, 'index.mjs'))}).then((m) => process.stdout.write(typeof m.handler))`;

    const output = execFileSync(process.execPath, ['-e', probe], {
      env: { ...process.env, ...CONTRACT_ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });

    expect(output).toBe('function');
  });

  it('fails at cold start naming the missing variable, with the error class name intact after minifying', () => {
    const probe = `import(${JSON.stringify(join(outdir, 'check-record', 'index.mjs'))}).catch((e) => process.stdout.write(e.name + ': ' + e.message))`;
    const { TABLE_NAME: _omitted, ...withoutTable } = CONTRACT_ENV;
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'TABLE_NAME'));

    const output = execFileSync(process.execPath, ['-e', probe], { env: { ...env, ...withoutTable }, encoding: 'utf8' });

    expect(output).toMatch(/^ConfigurationError: .*TABLE_NAME/);
  });

  it('writes the same zip bytes when nothing changed, so Terraform sees no change', () => {
    const again = mkdtempSync(join(tmpdir(), 'sechub-lambda-build-again-'));
    try {
      execFileSync(process.execPath, [join(repoRoot, 'scripts/build-lambda.mjs'), '--outdir', again], { stdio: 'pipe' });
      for (const name of handlerNames)
        expect(readFileSync(join(again, `${name}.zip`)).equals(readFileSync(join(outdir, `${name}.zip`)))).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('is what npm run build runs after the command-line build', () => {
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.build).toContain('scripts/build.mjs');
    expect(scripts.build).toContain('scripts/build-lambda.mjs');
    expect(existsSync(join(repoRoot, 'scripts/build-lambda.mjs'))).toBe(true);
  });
});
