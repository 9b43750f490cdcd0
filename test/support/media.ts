import { execFileSync } from 'node:child_process';

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
