import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Writes a 1 s MP4 holding only a small black video track: a container with no audio stream. */
export function writeVideoWithoutAudio(filePath: string): void {
  execFileSync('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=black:s=64x64:d=1',
    '-c:v',
    'mpeg4',
    '-y',
    filePath,
  ]);
}

/**
 * Encodes `source` as FLAC into `filePath`, then keeps only the first `keptShare` of its bytes: the
 * header still declares the whole duration, and ffmpeg decodes up to the cut (`invalid residual`)
 * and exits 0.
 */
export function writeTruncatedFlac(source: string, filePath: string, keptShare: number): void {
  const whole = `${filePath}.whole.flac`;
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', source, '-c:a', 'flac', '-y', whole]);
  const bytes = readFileSync(whole);
  writeFileSync(filePath, bytes.subarray(0, Math.floor(bytes.length * keptShare)));
  rmSync(whole);
}
