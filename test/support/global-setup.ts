import { execFileSync } from 'node:child_process';

/** Builds the command line once, so integration tests run the real artifact. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
