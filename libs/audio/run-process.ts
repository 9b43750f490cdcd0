import { spawn } from 'node:child_process';
import { FfmpegNotFoundError } from './errors';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface ProcessOutput extends ProcessExit {
  stdout: Buffer;
}

export interface StreamProcessOptions {
  /** Gets each stdout chunk as it arrives; if it throws, the child is killed and the promise rejects. */
  onStdout: (chunk: Buffer) => void;
  /** Aborting kills the child; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

const MAX_STDERR_CHARS = 64 * 1024;

/**
 * Runs a command without a shell, handing stdout to the caller chunk by chunk (so a large output
 * need never be held twice) and keeping only the tail of stderr as text.
 */
export function streamProcess(
  command: string,
  args: string[],
  { onStdout, signal }: StreamProcessOptions,
): Promise<ProcessExit> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let consumerFailure: { error: unknown } | undefined;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (consumerFailure) return;
      // A throw inside an event handler would be uncaught: stop the child and report it instead.
      try {
        onStdout(chunk);
      } catch (error) {
        consumerFailure = { error };
        kill();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_STDERR_CHARS);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', kill);
      reject(
        error.code === 'ENOENT'
          ? new FfmpegNotFoundError(`${command} was not found: install ffmpeg (apt-get install ffmpeg)`)
          : error,
      );
    });
    child.on('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', kill);
      if (signal?.aborted) reject(signal.reason);
      else if (consumerFailure) reject(consumerFailure.error);
      else resolve({ code, signal: exitSignal, stderr });
    });
  });
}

/** Like streamProcess, collecting stdout into one Buffer: for small outputs (ffprobe's JSON). */
export async function runProcess(
  command: string,
  args: string[],
  signal?: AbortSignal,
): Promise<ProcessOutput> {
  const chunks: Buffer[] = [];
  const exit = await streamProcess(command, args, { onStdout: (chunk) => chunks.push(chunk), signal });
  return { ...exit, stdout: Buffer.concat(chunks) };
}
