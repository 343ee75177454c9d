import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraformAvailable, terraformEnv } from '../support/terraform-cli.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/**
 * A directory holding the AWS provider (registry.terraform.io/hashicorp/aws/...),
 * for `terraform validate` without downloading it. Unset: validate is skipped.
 */
const pluginDir = process.env.TF_PLUGIN_DIR;

function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync('terraform', args, { cwd, env, encoding: 'utf8' });
}

describe.skipIf(!terraformAvailable())('terraform on infra/', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sechub-terraform-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is formatted as terraform fmt writes it', () => {
    const run = terraform(['fmt', '-check', '-recursive', '-diff', 'infra'], repoRoot, terraformEnv(work));
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  describe.skipIf(!pluginDir)('with the AWS provider from TF_PLUGIN_DIR', () => {
    let copy: string;
    beforeAll(() => {
      // A copy, so no .terraform directory or lock file lands in the repository; stand-in zips where
      // `npm run build` puts the real ones (the plan only hashes them).
      copy = join(work, 'infra');
      cpSync(join(repoRoot, 'infra'), copy, { recursive: true, filter: (path) => !path.includes('.terraform') });
      mkdirSync(join(work, 'dist/lambda'), { recursive: true });
      for (const name of ['check-record', 'check-age', 'notify', 'daily'])
        writeFileSync(join(work, 'dist/lambda', `${name}.zip`), 'stand-in');
    });

    it('validates, as a root module and through the example', () => {
      for (const dir of [copy, join(copy, 'examples/basic')]) {
        const env = terraformEnv(work);
        const init = terraform(['init', '-backend=false', `-plugin-dir=${pluginDir}`, '-no-color'], dir, env);
        expect(init.status, init.stdout + init.stderr).toBe(0);
        const validate = terraform(['validate', '-no-color'], dir, env);
        expect(validate.status, validate.stdout + validate.stderr).toBe(0);
      }
    });

    it('passes the plan-level tests of infra/tests with a mocked provider', () => {
      const env = terraformEnv(work);
      const init = terraform(['init', '-backend=false', `-plugin-dir=${pluginDir}`, '-no-color'], copy, env);
      expect(init.status, init.stdout + init.stderr).toBe(0);
      const test = terraform(['test', '-no-color'], copy, env);
      expect(test.status, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toMatch(/Success! \d+ passed, 0 failed/);
    });
  });
});
