/**
 * A small disk that can be filled and made read-only for real: a tmpfs mounted for the test
 * (root only). Where mounting is not permitted the suites fall back to SQLite's own limits and
 * say so in their figures.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class SmallDisk {
  private constructor(
    readonly dir: string,
    readonly mounted: boolean,
  ) {}

  /** Mounts a tmpfs of `sizeKb` at `dir`; `mounted` is false when that is not permitted. */
  static create(dir: string, sizeKb: number): SmallDisk {
    mkdirSync(dir, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], {
        stdio: 'ignore',
      });
      return new SmallDisk(dir, true);
    } catch {
      return new SmallDisk(dir, false);
    }
  }

  /** Writes a filler file until the disk is full (bounded by the disk's size). */
  fill(): number {
    const fd = openSync(join(this.dir, 'filler'), 'w');
    const chunk = Buffer.alloc(16 * 1024, 1);
    let written = 0;
    try {
      for (let i = 0; i < 100_000; i++) written += writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    } finally {
      closeSync(fd);
    }
    return written;
  }

  /** Frees the space again. */
  free(): void {
    rmSync(join(this.dir, 'filler'), { force: true });
  }

  /** Remounts read-only or read-write (refused with EBUSY while a process writes to it). */
  remount(mode: 'ro' | 'rw'): void {
    execFileSync('mount', ['-o', `remount,${mode}`, this.dir], { stdio: 'ignore' });
  }

  unmount(): void {
    if (this.mounted) execFileSync('umount', ['-l', this.dir], { stdio: 'ignore' });
  }
}
