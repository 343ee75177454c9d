import { close, closeSync, open, readdir, unlink } from 'node:fs';
import { join } from 'node:path';

/** An empty file created ahead of need, open for writing. */
export interface SpareFile {
  path: string;
  fd: number;
}

type Created = SpareFile | { error: Error };

const SPARE_NAME = /^\.(\d+)-\d+\.tmp$/;

/** Whether a process with this id runs (one that is not ours to signal runs too). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Empty files created ahead of need in a folder, on the thread pool: on a
 * busy disk, creating a file costs far more than writing it and renaming
 * it, and so it happens while the main thread works on other findings. A
 * few are kept ready; `take` starts the next one. Each is named
 * `.<pid>-<n>.tmp` (hidden, and never `.eml`): a crash leaves those few
 * empty files behind, which no reader of `.eml` files picks up, and which
 * the next run removes.
 */
export class SpareFiles {
  private readonly ready: Promise<Created>[] = [];
  private made = 0;
  private swept: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly count = 2,
  ) {}

  /** A spare file; rejects when it could not be created (the caller falls back to creating one itself). */
  async take(): Promise<SpareFile> {
    this.swept ??= this.sweep();
    while (this.ready.length <= this.count) this.ready.push(this.create());
    const created = await this.ready.shift()!;
    if ('error' in created) throw created.error;
    return created;
  }

  /** Closes and removes the spare files not taken. */
  async dispose(): Promise<void> {
    await this.swept;
    const left = await Promise.all(this.ready.splice(0));
    await Promise.all(
      left.map(
        (created) =>
          new Promise<void>((resolve) => {
            if ('error' in created) return resolve();
            closeSync(created.fd);
            unlink(created.path, () => resolve());
          }),
      ),
    );
  }

  /** Removes the spare files of runs that ended without removing theirs (their process is gone). */
  private sweep(): Promise<void> {
    return new Promise((resolve) =>
      readdir(this.dir, (error, names) => {
        const stale = error ? [] : names.filter((name) => SPARE_NAME.test(name) && !running(Number(SPARE_NAME.exec(name)![1])));
        let left = stale.length;
        if (left === 0) return resolve();
        for (const name of stale) unlink(join(this.dir, name), () => --left === 0 && resolve());
      }),
    );
  }

  private create(): Promise<Created> {
    const path = join(this.dir, `.${process.pid}-${++this.made}.tmp`);
    return new Promise((resolve) => open(path, 'wx', (error, fd) => resolve(error ? { error } : { path, fd })));
  }
}

/** Closes a spare file that will not be used, and removes it, in the background. */
export function discard(spare: SpareFile): void {
  close(spare.fd, () => unlink(spare.path, () => {}));
}
