// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { terraformAvailable, terraformEnv } from '../support/terraform-cli.js';
import { type Block, readTerraformModule, type TerraformModule } from '../support/terraform-config.js';

/**
 * Lambda allows 4 KB for a function's environment variables, counted in
 * bytes (the UTF-8 of every name and value), while HCL's length() counts
 * characters. infra/lambda.tf derives the bytes from base64; these checks
 * keep that exact and make sure the size precondition uses it.
 * (infra/tests/plan.tftest.hcl plans the non-ASCII policy and expects the
 * precondition to stop it.)
 */

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));
const nonAsciiPolicy = join(infraDir, 'tests/policies/non-ascii-names.yaml');

let infra: TerraformModule;
beforeAll(async () => {
  infra = await readTerraformModule(infraDir);
});

/** The expression inside one "${...}" string of hcl2json. */
const expression = (value: unknown) => String(value).replace(/^\$\{/, '').replace(/\}$/, '');

describe('the Lambda environment size check', () => {
  it('compares the environment’s bytes, not the policy’s characters, with Lambda’s 4,096', () => {
    const [, size] = (infra.resources['aws_lambda_function.function']?.lifecycle?.[0]?.precondition ?? []) as Block[];
    expect(size?.condition).toBe('${local.environment_bytes[each.key] <= local.environment_limit}');
    expect(infra.locals.environment_limit).toBe(4096);
    // Every name and value of the function's environment, as the function gets it.
    expect(infra.locals.environment_base64).toBe(
      '${{ for name, variables in local.function_environment : name => base64encode(join("", [for key, value in variables : "${key}${value}"])) }}',
    );
    expect(Object.values(infra.sources).join('\n')).not.toMatch(/length\(local\.policy_json\)/);
  });

  it('has a test policy that passes the old character check and fails the byte check', () => {
    const json = JSON.stringify(parseYaml(readFileSync(nonAsciiPolicy, 'utf8')));
    expect(json.length).toBeLessThanOrEqual(3500);
    expect(Buffer.byteLength(json, 'utf8')).toBeGreaterThan(4096);
  });

  describe.skipIf(!terraformAvailable())('evaluated by terraform', () => {
    let work: string;
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'sechub-env-bytes-'));
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it('counts exactly the UTF-8 bytes of names and values, whatever the padding and the script', () => {
      // prepare: the module's two expressions, over environments of 1- to 4-byte characters and every length modulo 3
      const samples: Record<string, Record<string, string>> = {
        empty: {},
        one: { A: '' },
        two: { AB: '' },
        three: { ABC: '' },
        latin: { POLICY: 'Überwachung für Süd' },
        euro: { K: '€', L: '€€' },
        japanese: { POLICY: '本番アカウントの重大な検出結果' },
        emoji: { X: '🔒🔑', Y: 'ok' },
        mixed: { TABLE_NAME: 'sechub-alerts-findings', POLICY: '{"name":"规则 é 😀"}', LOG_LEVEL: 'INFO' },
        long: { POLICY: 'ä'.repeat(1000) + 'x'.repeat(1001) },
      };
      writeFileSync(
        join(work, 'main.tf'),
        `locals {
  function_environment = jsondecode(file("\${path.module}/samples.json"))
  environment_base64   = ${expression(infra.locals.environment_base64)}
  environment_bytes    = ${expression(infra.locals.environment_bytes)}
}
`,
      );
      writeFileSync(join(work, 'samples.json'), JSON.stringify(samples));
      // act
      const run = spawnSync('terraform', ['console'], {
        cwd: work,
        input: 'jsonencode(local.environment_bytes)\n',
        encoding: 'utf8',
        env: terraformEnv(work),
      });
      // assess
      expect(run.status, run.stderr).toBe(0);
      const fromHcl = JSON.parse(JSON.parse(run.stdout.trim())) as Record<string, number>;
      const expected = Object.fromEntries(
        Object.entries(samples).map(([name, variables]) => [
          name,
          Object.entries(variables).reduce((sum, [key, value]) => sum + Buffer.byteLength(key + value, 'utf8'), 0),
        ]),
      );
      expect(fromHcl).toEqual(expected);
    });
  });
});
