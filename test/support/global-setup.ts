import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { fixturesRoot } from './fixtures.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory holding registry.terraform.io/hashicorp/aws/..., or '' when there is none. */
    terraformPluginDir: string;
  }
}

/**
 * Builds the command line once, so integration tests run the real artifact,
 * checks that the shared public Security Hub samples are where the tests
 * read them (a `shared/fixtures` folder beside the repository), and finds the
 * AWS provider the Terraform checks need, so `npm test` runs them wherever
 * one is on disk.
 */
export default function setup(project: TestProject): void {
  if (!existsSync(fixturesRoot)) {
    throw new Error(
      `the public Security Hub samples were not found at ${fixturesRoot}: the tests read them from shared/fixtures beside this repository`,
    );
  }
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  project.provide('terraformPluginDir', findTerraformPluginDir());
}

/**
 * TF_PLUGIN_DIR when set; else, where terraform is installed, the directory
 * above `registry.terraform.io` of an AWS provider found on this machine
 * (the registry cannot be reached, so `terraform init -plugin-dir` needs one).
 */
function findTerraformPluginDir(): string {
  if (process.env.TF_PLUGIN_DIR) return process.env.TF_PLUGIN_DIR;
  if (spawnSync('terraform', ['version'], { stdio: 'ignore', env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status !== 0) return '';
  // Skips the kernel's trees and dependency folders; a provider under .terraform is a copy init made.
  const skip = ['(', '-path', '/proc', '-o', '-path', '/sys', '-o', '-name', 'node_modules', '-o', '-name', '.terraform', ')', '-prune'];
  const provider = ['-name', 'terraform-provider-aws_*', '-path', '*/registry.terraform.io/hashicorp/aws/*', '-print'];
  const found = spawnSync('find', ['/', ...skip, '-o', ...provider], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const first = found.stdout.split('\n').find(Boolean);
  const dir = first ? first.slice(0, first.indexOf('/registry.terraform.io/')) : '';
  console.log(dir ? `terraform: AWS provider found in ${dir}` : 'terraform: no local AWS provider found');
  return dir;
}
