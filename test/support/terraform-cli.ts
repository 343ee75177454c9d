/**
 * Running the terraform binary in tests, where one is installed. Nothing it
 * runs here needs a provider or the network: formatting checks and `console`
 * evaluation of locals work offline.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

let available: boolean | undefined;

/** Whether a terraform binary is on the PATH. */
export function terraformAvailable(): boolean {
  available ??= spawnSync('terraform', ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status === 0;
  if (!available) console.warn('terraform is not installed: the checks that run it are skipped');
  return available;
}

/**
 * Environment for terraform runs in `dir`: no version check over the network,
 * no prompts, and an empty CLI configuration of its own.
 */
export function terraformEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const cliConfig = join(dir, '.terraformrc');
  writeFileSync(cliConfig, '');
  return { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: cliConfig, ...extra };
}
