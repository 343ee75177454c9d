import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The command line's outbox in `cwd` as sorted "kind finding" lines (the
 * X-Sechub-Notification header and the last part of the finding id), none
 * when nothing was ever sent.
 */
export function outboxLines(cwd: string): string[] {
  const dir = join(cwd, '.sechub-alerts/outbox');
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8').replace(/\r?\n[ \t]+/g, ' ');
      return `${/^X-Sechub-Notification: (\S+)/im.exec(text)?.[1]} ${/^X-Sechub-Finding-Id: .*\/finding\/(\S+)/im.exec(text)?.[1]}`;
    })
    .sort();
}
