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
 * characters. infra/lambda.tf derives the bytes from base64, per variable;
 * these checks keep that exact and make sure the size precondition uses it.
 * The policy is in the table now, so SECRETS (one ARN per secret) is what can
 * grow: infra/tests/plan.tftest.hcl plans 40 secrets and expects the
 * precondition to stop them, and plans a policy of more than 4 KB in UTF-8,
 * which the table keeps.
 */

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));
const nonAsciiPolicy = join(infraDir, 'tests/policies/non-ascii-names.yaml');
const planTests = join(infraDir, 'tests/plan.tftest.hcl');

let infra: TerraformModule;
beforeAll(async () => {
  infra = await readTerraformModule(infraDir);
});

/** The expression inside one "${...}" string of hcl2json. */
const expression = (value: unknown) => String(value).replace(/^\$\{/, '').replace(/\}$/, '');

describe('the Lambda environment size check', () => {
  it('compares the environment’s bytes, counted per variable, with Lambda’s 4,096', () => {
    const [, size] = (infra.resources['aws_lambda_function.function']?.lifecycle?.[0]?.precondition ?? []) as Block[];
    expect(size?.condition).toBe('${local.environment_bytes[each.key] <= local.environment_limit}');
    expect(size?.error_message).toContain('${local.largest_variable[each.key]} takes');
    expect(infra.locals.environment_limit).toBe(4096);
    // Every name and value of the function's environment, as the function gets it.
    expect(infra.locals.environment_base64).toBe(
      '${{ for name, variables in local.function_environment : name => { for key, value in variables : key => base64encode("${key}${value}") } }}',
    );
    expect(infra.locals.environment_bytes).toBe('${{ for name, sizes in local.variable_bytes : name => sum(concat([0], values(sizes))) }}');
    expect(Object.values(infra.sources).join('\n')).not.toMatch(/length\(local\.(policy_json|policy_document_value|secrets_variable)\)/);
  });

  it('keeps the policy out of the environment, and tests the limit with secrets and the policy with more than 4 KB', () => {
    // The policy's UTF-8 is over 4 KB though it is shorter in characters: the table holds it.
    const json = JSON.stringify(parseYaml(readFileSync(nonAsciiPolicy, 'utf8')));
    expect(json.length).toBeLessThanOrEqual(3500);
    expect(Buffer.byteLength(json, 'utf8')).toBeGreaterThan(4096);
    const tests = readFileSync(planTests, 'utf8');
    expect(tests).toContain('run "keeps_a_policy_beyond_4_kb_in_the_table"');
    expect(tests).toMatch(/run "rejects_an_environment_over_4_kb" \{[^}]*secrets = \{ for i in range\(40\)/);
  });

  describe.skipIf(!terraformAvailable())('evaluated by terraform', () => {
    let work: string;
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'sechub-env-bytes-'));
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it('counts exactly the UTF-8 bytes of names and values, whatever the padding and the script, and names the largest variable', () => {
      // prepare: the module's expressions, over environments of 1- to 4-byte characters and every length modulo 3
      const samples: Record<string, Record<string, string>> = {
        empty: {},
        one: { A: '' },
        two: { AB: '' },
        three: { ABC: '' },
        latin: { NOTE: 'Überwachung für Süd' },
        euro: { K: '€', L: '€€' },
        japanese: { NOTE: '本番アカウントの重大な検出結果' },
        emoji: { X: '🔒🔑', Y: 'ok' },
        mixed: { TABLE_NAME: 'sechub-alerts-findings', SECRETS: '{"name":"规则 é 😀"}', LOG_LEVEL: 'INFO' },
        long: { SECRETS: 'ä'.repeat(1000) + 'x'.repeat(1001), LOG_LEVEL: 'DEBUG' },
      };
      writeFileSync(
        join(work, 'main.tf'),
        `locals {
  function_environment = jsondecode(file("\${path.module}/samples.json"))
  environment_base64   = ${expression(infra.locals.environment_base64)}
  variable_bytes       = ${expression(infra.locals.variable_bytes)}
  environment_bytes    = ${expression(infra.locals.environment_bytes)}
  largest_variable     = ${expression(infra.locals.largest_variable)}
}
`,
      );
      writeFileSync(join(work, 'samples.json'), JSON.stringify(samples));
      // act
      const run = spawnSync('terraform', ['console'], {
        cwd: work,
        input: 'jsonencode({ bytes = local.environment_bytes, largest = local.largest_variable })\n',
        encoding: 'utf8',
        env: terraformEnv(work),
      });
      // assess
      expect(run.status, run.stderr).toBe(0);
      const fromHcl = JSON.parse(JSON.parse(run.stdout.trim())) as { bytes: Record<string, number>; largest: Record<string, string> };
      const bytesOf = (variables: Record<string, string>) =>
        Object.entries(variables).map(([key, value]) => [key, Buffer.byteLength(key + value, 'utf8')] as const);
      const expected = Object.fromEntries(
        Object.entries(samples).map(([name, variables]) => [name, bytesOf(variables).reduce((sum, [, bytes]) => sum + bytes, 0)]),
      );
      expect(fromHcl.bytes).toEqual(expected);
      expect(fromHcl.largest).toMatchObject({ empty: 'none', mixed: 'SECRETS', long: 'SECRETS', japanese: 'NOTE', euro: 'L' });
    });
  });
});
