import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A small filesystem mounted for a test, to see what a full disk does to an upload. */
export interface SmallFilesystem {
  dir: string;
  kind: 'tmpfs' | 'loop ext4';
  usedBytes(): number;
  unmount(): void;
}

function run(command: string, ...args: string[]): void {
  execFileSync(command, args, { stdio: 'pipe' });
}

/**
 * Mounts a `sizeMiB` tmpfs, or else a loop-mounted ext4 image of that size; where neither can be
 * mounted (not root, no mount permission in the container), says why.
 */
export function mountSmallFilesystem(sizeMiB: number): SmallFilesystem | { reasons: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'reliability-smallfs-'));
  const reasons: string[] = [];
  const usedBytes = (): number => {
    const stats = execFileSync('df', ['-B1', '--output=used', dir], { encoding: 'utf8' });
    return Number(stats.trim().split('\n').pop());
  };
  try {
    run('mount', '-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir);
    return { dir, kind: 'tmpfs', usedBytes, unmount: () => unmount(dir) };
  } catch (error) {
    reasons.push(`tmpfs: ${firstLine(error)}`);
  }
  const image = path.join(tmpdir(), `${path.basename(dir)}.img`);
  try {
    run('truncate', '-s', `${sizeMiB}M`, image);
    run('mkfs.ext4', '-q', '-F', image);
    run('mount', '-o', 'loop', image, dir);
    return {
      dir,
      kind: 'loop ext4',
      usedBytes,
      unmount: () => {
        unmount(dir);
        rmSync(image, { force: true });
      },
    };
  } catch (error) {
    reasons.push(`loop ext4: ${firstLine(error)}`);
    rmSync(image, { force: true });
    rmSync(dir, { recursive: true, force: true });
    return { reasons };
  }
}

function unmount(dir: string): void {
  try {
    run('umount', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || (error instanceof Error ? error.message : String(error))).split('\n')[0];
}
