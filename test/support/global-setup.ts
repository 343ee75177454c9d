import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fixturesRoot } from './fixtures.js';

/**
 * Builds the command line once, so integration tests run the real artifact,
 * and checks that the shared public Security Hub samples are where the tests
 * read them (a `shared/fixtures` folder beside the repository).
 */
export default function setup(): void {
  if (!existsSync(fixturesRoot)) {
    throw new Error(
      `the public Security Hub samples were not found at ${fixturesRoot}: the tests read them from shared/fixtures beside this repository`,
    );
  }
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
