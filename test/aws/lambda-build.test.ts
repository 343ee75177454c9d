import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

/** The clients a function loads only when the policy asks for them: Organizations, and the destinations' SNS and secrets. */
const ON_DEMAND = ['client-organizations'];
const DELIVERY = ['client-secrets-manager', 'client-sns', 'client-ssm'];

/** The AWS SDK service clients each function may carry (IAM grants it nothing else). */
const ALLOWED_CLIENTS: Record<string, string[]> = {
  'check-record': ['client-dynamodb', ...ON_DEMAND],
  'check-age': ['client-dynamodb', ...ON_DEMAND],
  notify: ['client-dynamodb', 'client-securityhub', 'client-sesv2', ...ON_DEMAND, ...DELIVERY],
  daily: ['client-dynamodb', 'client-securityhub', 'client-sesv2', ...ON_DEMAND, ...DELIVERY],
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
  POLICY_SHA256: '0'.repeat(64),
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

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
}

const metafileOf = (name: string) => JSON.parse(readFileSync(join(outdir, name, 'meta.json'), 'utf8')) as Metafile;
const clientsAmong = (paths: string[]) =>
  [...new Set(paths.flatMap((path) => /node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(path)?.[1] ?? []))].sort();

function sdkClientsIn(name: string): string[] {
  return clientsAmong(Object.keys(metafileOf(name).inputs));
}

/** The SDK clients in index.mjs and the chunks it imports statically: what a cold start loads. */
function sdkClientsLoadedAtStart(name: string): string[] {
  const { outputs } = metafileOf(name);
  const entry = Object.keys(outputs).find((path) => path.endsWith(`/${name}/index.mjs`))!;
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path) || !outputs[path]) return;
    loaded.add(path);
    for (const imported of outputs[path].imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  return clientsAmong([...loaded].flatMap((path) => Object.keys(outputs[path]!.inputs)));
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

  it.each(handlerNames)('%s.zip holds index.mjs, the chunks it loads on demand, and a source map for each, nothing else', (name) => {
    const entries = unzipSync(readFileSync(join(outdir, `${name}.zip`)));
    const files = Object.keys(entries);

    expect(files).toContain('index.mjs');
    expect(files.filter((file) => !/^(index|chunks\/[\w-]+)\.mjs(\.map)?$/.test(file))).toEqual([]);
    for (const file of files.filter((path) => path.endsWith('.mjs'))) {
      expect(files).toContain(`${file}.map`);
      const code = new TextDecoder().decode(entries[file]);
      expect(code).toMatch(new RegExp(`//# sourceMappingURL=${basename(file).replaceAll('.', '\\.')}\\.map\\s*$`));
    }
  });

  it.each(handlerNames)('%s carries only the AWS SDK clients it uses', (name) => {
    const clients = sdkClientsIn(name);

    expect(ALLOWED_CLIENTS[name], `no SDK client allowance declared for ${name}`).toBeDefined();
    expect(clients.filter((client) => !ALLOWED_CLIENTS[name]!.includes(client))).toEqual([]);
    expect(clients).toEqual(expect.arrayContaining(REQUIRED_CLIENTS[name] ?? []));
  });

  it.each(handlerNames)('%s loads Organizations, SNS and the secret stores only when the policy uses them', (name) => {
    expect(sdkClientsLoadedAtStart(name).filter((client) => [...ON_DEMAND, ...DELIVERY].includes(client))).toEqual([]);
  });

  it('notify loads the Security Hub client only when write-back is on, not at every cold start', () => {
    expect(sdkClientsIn('notify')).toContain('client-securityhub');
    expect(sdkClientsLoadedAtStart('notify')).toEqual(['client-dynamodb', 'client-sesv2']);
    expect(sdkClientsLoadedAtStart('check-record')).toEqual(['client-dynamodb']);
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
