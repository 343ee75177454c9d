import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyInfra, terraform, terraformAvailable, terraformEnv, terraformPluginDir, testCounts } from '../support/terraform-cli.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const pluginDir = terraformPluginDir();

/**
 * The terraform commands CI must be seen to run: fmt, validate (module and
 * example) and `terraform test` (infra/tests, mocked provider). Each prints one
 * line with its result. The offline plans with the real provider are in
 * terraform-plan.test.ts.
 */
describe.skipIf(!terraformAvailable())('terraform on infra/', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sechub-terraform-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is formatted as terraform fmt writes it', () => {
    const run = terraform(['fmt', '-check', '-recursive', '-diff', 'infra'], repoRoot, terraformEnv(work));
    console.log(`terraform fmt -check infra: ${run.status === 0 ? 'ok' : 'failed'}`);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  describe.skipIf(!pluginDir)('with a local AWS provider', () => {
    let copy: string;
    beforeAll(() => {
      copy = copyInfra(repoRoot, work);
      for (const [label, dir] of [
        ['infra', copy],
        ['examples/basic', join(copy, 'examples/basic')],
      ] as const) {
        const init = terraform(['init', '-backend=false', `-plugin-dir=${pluginDir}`, '-no-color'], dir, terraformEnv(work));
        if (init.status !== 0) throw new Error(`terraform init ${label} failed:\n${init.stdout}${init.stderr}`);
      }
    });

    for (const label of ['infra', 'examples/basic']) {
      it(`validates ${label}`, () => {
        const dir = label === 'infra' ? copy : join(copy, label);
        const validate = terraform(['validate', '-no-color'], dir, terraformEnv(work));
        console.log(`terraform validate ${label}: ${validate.status === 0 ? 'ok' : 'failed'}`);
        expect(validate.status, validate.stdout + validate.stderr).toBe(0);
      });
    }

    it('passes the plan-level tests of infra/tests with a mocked provider', () => {
      const test = terraform(['test', '-no-color'], copy, terraformEnv(work));
      const counts = testCounts(test.stdout);
      console.log(`terraform test: ${counts ? `${counts.passed} passed, ${counts.failed} failed` : 'no result'}`);
      expect(test.status, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toMatch(/Success! \d+ passed, 0 failed/);
    }, 300_000);
  });
});
