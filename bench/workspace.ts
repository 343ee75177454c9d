import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICY_DOCUMENT } from '../src/core/policy.js';

/** Where the benchmark keeps its generated data, and the files every part shares. */

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const cliPath = join(repoRoot, 'bin', 'sechub-alerts.js');

export interface Workspace {
  dir: string;
  /** The policy the original users asked for, as a policy file. */
  policyFile: string;
  /** A fresh empty folder inside the workspace. */
  fresh(name: string): string;
  remove(): void;
}

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'sechub-alerts-bench-'));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, JSON.stringify(DEFAULT_POLICY_DOCUMENT, null, 2));
  let serial = 0;
  return {
    dir,
    policyFile,
    fresh(name) {
      const path = join(dir, `${name}-${++serial}`);
      rmSync(path, { recursive: true, force: true });
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
