/**
 * Running the terraform binary in tests, where one is installed. Nothing here
 * uses the network: formatting checks and `console` evaluation of locals need
 * no provider; validate, plan and test take the AWS provider from a local
 * directory (TF_PLUGIN_DIR), and a plan asks its few AWS questions of a local
 * stand-in (fake-sts.ts).
 */
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

let available: boolean | undefined;

/** Whether a terraform binary is on the PATH. */
export function terraformAvailable(): boolean {
  available ??= spawnSync('terraform', ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status === 0;
  if (!available) console.warn('terraform is not installed: the checks that run it are skipped');
  return available;
}

/**
 * A directory holding the AWS provider (registry.terraform.io/hashicorp/aws/...),
 * so init needs no download: TF_PLUGIN_DIR, or the one the global setup found
 * on this machine. None: the checks that need the provider are skipped.
 */
export function terraformPluginDir(): string | undefined {
  const dir = inject('terraformPluginDir');
  if (!dir && terraformAvailable()) {
    console.warn('no AWS provider for terraform on this machine (set TF_PLUGIN_DIR to one): validate, plan and terraform test are skipped');
  }
  return dir || undefined;
}

/**
 * Environment for terraform runs in `dir`: no version check over the network,
 * no prompts, an empty CLI configuration of its own, and none of the
 * machine's AWS settings (profiles, keys, endpoints), so a plan can only
 * reach what the test configures.
 */
export function terraformEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cliConfig = join(dir, '.terraformrc');
  writeFileSync(cliConfig, '');
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: cliConfig,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** Runs terraform in `cwd` and returns what it did (output captured, never printed). */
export function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Runs terraform in `cwd` without blocking: needed whenever the test process itself answers
 * terraform's requests (the STS stand-in), which a synchronous run would starve.
 */
export function terraformAsync(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Copies infra/ into `work`, so no .terraform directory, lock file or plan lands in the
 * repository, and puts stand-in zips where `npm run build` writes the real ones (a plan only
 * hashes them). Returns the copy's directory.
 */
export function copyInfra(repoRoot: string, work: string, { zips = true } = {}): string {
  const copy = join(work, 'infra');
  cpSync(join(repoRoot, 'infra'), copy, { recursive: true, filter: (path) => !path.includes('.terraform') });
  if (zips) {
    mkdirSync(join(work, 'dist/lambda'), { recursive: true });
    for (const name of ['check-record', 'check-age', 'notify', 'daily'])
      writeFileSync(join(work, 'dist/lambda', `${name}.zip`), 'stand-in');
  }
  return copy;
}

/**
 * Evaluates the policy's locals (infra/policy.tf) for policy documents, with `terraform
 * console` in `work`: only variables.tf, policy.tf and the generated vocabulary policy.tf
 * reads are copied there, so no provider is needed. Each call writes the document as YAML
 * and returns `expression` as JSON gives it.
 */
export function policyLocals(infraDir: string, work: string): (document: string, expression: string) => unknown {
  for (const file of ['variables.tf', 'policy.tf']) copyFileSync(join(infraDir, file), join(work, file));
  mkdirSync(join(work, 'generated'), { recursive: true });
  copyFileSync(join(infraDir, 'generated/security-hub.json'), join(work, 'generated/security-hub.json'));
  let files = 0;
  return (yaml, expression) => {
    const file = join(work, `policy-${++files}.yaml`);
    writeFileSync(file, yaml);
    const run = spawnSync('terraform', ['console', `-var=policy_file=${file}`], {
      cwd: work,
      input: `jsonencode(${expression})\n`,
      encoding: 'utf8',
      env: terraformEnv(work),
    });
    if (run.status !== 0) throw new Error(`terraform console failed for ${expression}:\n${run.stderr}`);
    return JSON.parse(JSON.parse(run.stdout.trim()));
  };
}

/**
 * An override file for the AWS provider of a configuration copied for an offline plan:
 * placeholder credentials, no credential, metadata or Region checks, and STS (asked for the
 * account id) at `stsUrl`. Terraform merges it into the provider block (or makes it one).
 */
export function offlineProviderOverride(stsUrl: string): string {
  return `provider "aws" {
  access_key                  = "AKIAOFFLINEPLAN00000"
  secret_key                  = "offline-plan-placeholder"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    sts = "${stsUrl}"
  }
}
`;
}

/** "Success! 12 passed, 0 failed." → { passed: 12, failed: 0 }, from `terraform test` output. */
export function testCounts(output: string): { passed: number; failed: number } | undefined {
  const match = /(\d+) passed, (\d+) failed/.exec(output);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}

/** "Plan: 41 to add, 0 to change, 0 to destroy." → 41. */
export function resourcesToAdd(output: string): number | undefined {
  const match = /Plan: (\d+) to add/.exec(output);
  return match ? Number(match[1]) : undefined;
}
