import { spawn } from 'node:child_process';
import { FfmpegNotFoundError } from './errors';

export interface ProcessOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

const MAX_STDERR_CHARS = 64 * 1024;

/**
 * Runs a command without a shell, collecting stdout as bytes and the tail of stderr as text.
 * Aborting the signal kills the child; the promise then rejects with the signal's reason.
 */
export function runProcess(command: string, args: string[], signal?: AbortSignal): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_STDERR_CHARS);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      reject(
        error.code === 'ENOENT'
          ? new FfmpegNotFoundError(`${command} was not found: install ffmpeg (apt-get install ffmpeg)`)
          : error,
      );
    });
    child.on('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      resolve({ code, signal: exitSignal, stdout: Buffer.concat(chunks), stderr });
    });
  });
}
