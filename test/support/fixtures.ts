import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The public Security Hub samples shared beside the repository. */
export const fixturesRoot = resolve(repoRoot, '../shared/fixtures');

export function fixture(relative: string): string {
  return join(fixturesRoot, relative);
}

/** Every file below `dir`, recursively. */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}
