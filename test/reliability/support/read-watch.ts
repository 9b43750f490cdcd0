import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Tells whether a file was read since it was watched: its access time is set two days back, and with
 * relatime (Linux's default) any later read moves it forward.
 */
export class ReadWatch {
  private readonly marks = new Map<string, number>();

  watch(file: string): void {
    utimesSync(file, new Date(Date.now() - 2 * 86_400_000), statSync(file).mtime);
    this.marks.set(file, statSync(file).atimeMs);
  }

  wasRead(file: string): boolean {
    return statSync(file).atimeMs !== this.marks.get(file);
  }

  /** Whether this filesystem records reads in access times at all (not mounted noatime). */
  static works(dir: string): boolean {
    const probe = path.join(dir, 'atime-probe');
    writeFileSync(probe, 'probe');
    const watch = new ReadWatch();
    watch.watch(probe);
    readFileSync(probe);
    return watch.wasRead(probe);
  }
}
