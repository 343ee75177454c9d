import { close, closeSync, open, unlink } from 'node:fs';
import { join } from 'node:path';

/** An empty file created ahead of need, open for writing. */
export interface SpareFile {
  path: string;
  fd: number;
}

type Created = SpareFile | { error: Error };

/**
 * Empty files created ahead of need in a folder, on the thread pool: on a
 * busy disk, creating a file costs far more than writing it and renaming
 * it, and so it happens while the main thread works on other findings. A
 * few are kept ready; `take` starts the next one. Each is named
 * `.<pid>-<n>.tmp` (hidden, and never `.eml`), so a crash leaves at most
 * those few empty files behind, which no reader of `.eml` files picks up.
 */
export class SpareFiles {
  private readonly ready: Promise<Created>[] = [];
  private made = 0;

  constructor(
    private readonly dir: string,
    private readonly count = 4,
  ) {}

  /** A spare file; rejects when it could not be created (the caller falls back to creating one itself). */
  async take(): Promise<SpareFile> {
    while (this.ready.length <= this.count) this.ready.push(this.create());
    const created = await this.ready.shift()!;
    if ('error' in created) throw created.error;
    return created;
  }

  /** Closes and removes the spare files not taken. */
  async dispose(): Promise<void> {
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

  private create(): Promise<Created> {
    const path = join(this.dir, `.${process.pid}-${++this.made}.tmp`);
    return new Promise((resolve) => open(path, 'wx', (error, fd) => resolve(error ? { error } : { path, fd })));
  }
}

/** Closes a spare file that will not be used, and removes it, in the background. */
export function discard(spare: SpareFile): void {
  close(spare.fd, () => unlink(spare.path, () => {}));
}
