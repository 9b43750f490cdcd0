import { stat } from 'node:fs/promises';
import { ModelLoadError } from './errors';

/** A clear error for a model path that is missing or not a file, before whisper.cpp sees it. */
export async function requireModelFile(filePath: string, what: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(filePath)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelLoadError(
      `${what} ${filePath} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
    );
  }
  if (!isFile) throw new ModelLoadError(`${what} ${filePath} is not a file`);
}
