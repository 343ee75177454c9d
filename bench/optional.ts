import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Loads a benchmark module that another part of the project provides
 * (bench/render-email.ts, bench/sweep.ts). Returns the reason instead when
 * it is not there or lacks the function, so the run goes on without it.
 */
export async function loadOptional<T>(file: string, exportName: string): Promise<{ fn: T } | { reason: string }> {
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { reason: `bench/${file} does not exist yet` };
  try {
    const module = (await import(url.href)) as Record<string, unknown>;
    const fn = module[exportName];
    if (typeof fn !== 'function') return { reason: `bench/${file} does not export ${exportName}()` };
    return { fn: fn as T };
  } catch (error) {
    return { reason: `bench/${file} failed to load: ${(error as Error).message.split('\n')[0]}` };
  }
}
