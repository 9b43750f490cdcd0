import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a command's result to FILE, or to stdout without one. The file is written beside its final
 * name and renamed into place, so an interrupted or failed run never leaves a partial result behind.
 */
export async function writeOutput(text: string, file?: string): Promise<void> {
  if (file) return writeFileAtomically(file, text);
  await writeToStdout(text);
}

async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * What the reader of a result should know about it (a file that decoded only in part), one
 * `warning: ` line each on stderr, after the result: a script's stdout stays the result alone.
 */
export function writeWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
}

/** Resolves once the text is handed to the OS; a reader that went away (`| head`) is not an error. */
function writeToStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EPIPE') resolve();
      else reject(error);
    };
    process.stdout.once('error', onError);
    process.stdout.write(text, (error) => {
      // On failure the stream also emits 'error' right after: the listener stays to take it.
      if (error) return onError(error);
      process.stdout.removeListener('error', onError);
      resolve();
    });
  });
}
